"""Numeric answers: every written form of a number, shapes and vectors, tolerance and units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.checking import check
from bot.core.checking.numbers import parse_answer

from .helpers import numeric


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        (42, "42"),
        (42, "The answer is 42."),
        (0.75, "0.75"),
        (0.75, "3/4"),
        (0.75, ".75"),
        (0.001, "1e-3"),
        (0.001, "10^-3"),
        (1.4e9, "1.4×10^9"),
        (1.4e9, "1.4 x 10^9"),
        (1.4e9, "1.4*10**9"),
        (1.4e9, "1.4×10⁹"),
        (1.4e9, "1.4 billion"),
        (1.4e9, "1.4B"),
        (1_000_000, "1,000,000"),
        (1_000_000, "1_000_000"),
        (3000, "3k"),
        (-0.5, "-0.5"),
        (-0.5, "−0.5"),
        (28, "(32 - 5 + 0) / 1 + 1 = 28"),
    ],
)
def test_scalar_forms(value: float, answer: str) -> None:
    assert check(numeric(value), answer).score == 1.0


@pytest.mark.parametrize(
    "answer", ["10x10", "10 X 10", "10×10", "(10, 10)", "[10, 10]", "10 by 10", "10 x 10"]
)
def test_shape_forms(answer: str) -> None:
    assert check(numeric([10, 10]), answer).score == 1.0


def test_wrong_shape_and_partial_shape() -> None:
    assert check(numeric([10, 10]), "12x12").score == 0.0
    assert check(numeric([10, 10, 3]), "10x10x4").score == pytest.approx(2 / 3)


def test_scalar_for_a_square_shape_gets_most_credit_and_a_hint() -> None:
    grade = check(numeric([10, 10]), "10")
    assert 0.5 < grade.score < 1.0
    assert "10x10" in grade.feedback


def test_shape_for_a_scalar_question_counts_when_it_multiplies_out() -> None:
    assert check(numeric(100), "10x10").score == 1.0
    assert check(numeric(100), "10x11").score == 0.0


def test_vectors_and_prefixes() -> None:
    question = numeric([0.02, 0.06, 0.17, 0.75], tolerance=0.005)
    assert check(question, "[0.02, 0.06, 0.17, 0.75]").score == 1.0
    assert check(question, "[0.02, 0.06, ...]").score == pytest.approx(0.5)
    assert check(question, "[0.5, 0.5, 0.0, 0.0]").score == 0.0


def test_absolute_and_relative_tolerance() -> None:
    assert check(numeric(3.14, tolerance=0.01), "3.15").score == 1.0
    assert check(numeric(3.14, tolerance=0.001), "3.15").score == 0.0
    assert check(numeric(1000, relative=0.05), "1040").score == 1.0
    assert check(numeric(1000, relative=0.05), "1060").score == 0.0


def test_rounding_to_the_shown_precision_is_accepted_only_with_two_digits() -> None:
    assert check(numeric(0.0321), "0.032").score == 1.0
    assert check(numeric(0.4), "0").score == 0.0
    assert check(numeric(7), "7.4").score == 0.0


def test_units_convert_and_wrong_units_are_reported() -> None:
    question = numeric(5, units="ms")
    assert check(question, "5 ms").score == 1.0
    assert check(question, "0.005 s").score == 1.0
    assert check(question, "5").score == 1.0
    wrong = check(question, "5 MB")
    assert wrong.score == 0.5 and "unit" in wrong.feedback


def test_percent_for_a_ratio() -> None:
    assert check(numeric(0.75), "75%").score == 1.0


@pytest.mark.parametrize("answer", ["no idea", "∞", "nan", "1e999999", "10^99999", "½", "x" * 5000, "1/0"])
def test_unparseable_or_absurd_numbers_are_graded_not_raised(answer: str) -> None:
    grade = check(numeric(2), answer)
    assert 0.0 <= grade.score <= 1.0
    assert grade.feedback


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_property_repr_of_a_float_is_read_back(value: float) -> None:
    assert check(numeric(value), repr(value)).score == 1.0


@given(st.integers(min_value=1, max_value=4096), st.integers(min_value=1, max_value=4096))
def test_property_shapes_round_trip(h: int, w: int) -> None:
    assert check(numeric([h, w]), f"{h}x{w}").score == 1.0
    assert check(numeric([h, w]), f"({h}, {w})").score == 1.0


@given(st.text(max_size=300))
def test_property_parser_never_raises(text: str) -> None:
    for reading in parse_answer(text):
        assert reading.values
        assert all(v == v for v in reading.values)  # no NaN
