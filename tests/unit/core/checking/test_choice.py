"""Choice, multi-choice, true/false and matching answers in the shapes people type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.checking import check
from bot.core.checking.choice import parse_letters, parse_truth

from .helpers import OPTIONS, choice, make, multi


@pytest.mark.parametrize(
    "answer",
    [
        "c",
        "C",
        "(c)",
        "C)",
        "c.",
        "option C",
        "Option c",
        "answer: c",
        "The answer is (c)",
        "I think c",
        "**c**",
        "hyperbolic tangent",
        "Hyperbolic tangnet",
        "it's the hyperbolic tangent",
        "I think it's c because it is zero-centred",
        "c. it is zero-centred",
        "c - zero-centred",
        "it's c since it is zero-centred",
    ],
)
def test_single_choice_forms(answer: str) -> None:
    assert check(choice("c"), answer).score == 1.0


@pytest.mark.parametrize("answer", ["a", "sigmoid", "option b"])
def test_single_choice_wrong(answer: str) -> None:
    grade = check(choice("c"), answer)
    assert grade.score == 0.0
    assert "c" in grade.feedback


def test_single_choice_hedging_over_options_gets_nothing() -> None:
    grade = check(choice("c"), "b or c")
    assert grade.score == 0.0 and "one option" in grade.feedback


def test_unknown_letter_is_named_in_feedback() -> None:
    grade = check(choice("c"), "option z")
    assert grade.score == 0.0 and "z" in grade.feedback


def test_an_article_in_a_sentence_is_not_option_a() -> None:
    assert parse_letters("a neural network learns features", ["a", "b", "c"])[0] == []


def test_an_explained_leading_letter_a_is_option_a() -> None:
    assert parse_letters("a because it saturates", ["a", "b", "c"])[0] == ["a"]


def test_two_loose_letters_in_a_sentence_pick_nothing() -> None:
    assert parse_letters("the b and c layers are both wider", ["a", "b", "c"])[0] == []


@pytest.mark.parametrize(
    "answer",
    [
        "b or d",
        "b or d, not sure",
        "b or d?",
        "either b or d",
        "not sure, b or d",
        "b or d - I'm not sure",
        "probably b or d",
        "b, maybe d",
        "b or d idk",
        "it is either b or maybe d",
    ],
)
def test_hedging_between_options_asks_for_one(answer: str) -> None:
    grade = check(choice("c"), answer)
    assert grade.score == 0.0
    assert "Pick one option" in grade.feedback


@pytest.mark.parametrize("answer", ["c, not sure", "c?", "maybe c", "c (just a guess)", "I think c"])
def test_a_hedged_single_option_is_graded(answer: str) -> None:
    assert check(choice("c"), answer).score == 1.0


@pytest.mark.parametrize(
    "answer", ["a, c", "a and c", "a&c", "A & C", "ac", "(a) (c)", "c, a", "options a, c"]
)
def test_multi_choice_forms(answer: str) -> None:
    assert check(multi(["a", "c"]), answer).score == 1.0


def test_multi_choice_partial_credit_and_penalty() -> None:
    question = multi(["a", "b", "c"])
    only_two = check(question, "a, b").score
    two_and_wrong = check(question, "a, b, d").score
    everything = check(question, "a, b, c, d").score
    assert 0.4 < only_two < 1.0
    assert two_and_wrong < only_two
    assert everything < 1.0
    assert check(question, "d").score == 0.0


@pytest.mark.parametrize(
    ("answer", "truth"),
    [
        ("true", True),
        ("True.", True),
        ("YES", True),
        ("y", True),
        ("correct", True),
        ("✓", True),
        ("false", False),
        ("No", False),
        ("n", False),
        ("wrong", False),
        ("not true", False),
        ("False, because pooling is not rotation invariant", False),
        ("that's right", True),
    ],
)
def test_true_false_words(answer: str, truth: bool) -> None:
    assert parse_truth(answer) is truth
    assert check(make("true_false", truth=truth), answer).score == 1.0
    assert check(make("true_false", truth=not truth), answer).score == 0.0


def test_true_false_without_a_commitment() -> None:
    grade = check(make("true_false", truth=True), "it depends")
    assert grade.score == 0.0 and "true or false" in grade.feedback


PAIRS = [
    {"left": "Image recognition", "right": "Convolutional neural network"},
    {"left": "Speech recognition from audio", "right": "Recurrent network (LSTM)"},
    {"left": "Reconstructing the input", "right": "Autoencoder"},
]


@pytest.mark.parametrize(
    "answer",
    [
        "1-a, 2-b, 3-c",
        "1a 2b 3c",
        "1: a; 2: b; 3: c",
        "image recognition -> CNN convolutional network, speech -> recurrent LSTM, "
        "reconstructing -> autoencoder",
        "Image recognition - Convolutional neural network\n"
        "Speech recognition from audio - Recurrent network\n"
        "Reconstructing the input - Autoencoder",
    ],
)
def test_matching_forms(answer: str) -> None:
    assert check(make("matching", pairs=PAIRS), answer).score == 1.0


def test_matching_credit_per_pair() -> None:
    grade = check(make("matching", pairs=PAIRS), "1-a, 2-c, 3-b")
    assert grade.score == pytest.approx(1 / 3)
    assert "Autoencoder" in grade.feedback


@given(st.text(max_size=200))
def test_property_choice_parsers_never_raise(text: str) -> None:
    known, _ = parse_letters(text, [o["key"] for o in OPTIONS])
    assert set(known) <= {"a", "b", "c", "d"}
    parse_truth(text)
    for question in (
        choice("c"),
        multi(["a", "c"]),
        make("true_false", truth=True),
        make("matching", pairs=PAIRS),
    ):
        grade = check(question, text)
        assert 0.0 <= grade.score <= 1.0


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True),
    st.sampled_from([", ", " and ", "&", " "]),
)
def test_property_multi_choice_score_is_jaccard(picked: list[str], separator: str) -> None:
    correct = {"a", "c"}
    expected = len(set(picked) & correct) / len(set(picked) | correct)
    assert check(multi(sorted(correct)), separator.join(picked)).score == pytest.approx(expected)
