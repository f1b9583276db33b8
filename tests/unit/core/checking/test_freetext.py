"""Free-text grading: coverage by meaning, and the discounts a careful interviewer applies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.checking import Verdict, check
from questions.schema import adhoc_question

from .helpers import make

TANH = make(
    "open",
    prompt="What is the tanh activation function, and how does it compare with the sigmoid?",
    reference_answer=(
        "Tanh is an S-shaped activation that maps inputs to the range (-1, 1). Unlike the sigmoid its output "
        "is zero-centered, which usually makes training converge faster. Like the sigmoid it saturates for "
        "large inputs, so deep tanh networks still suffer from vanishing gradients. "
        "It is still used in LSTM cells."
    ),
    key_points=[
        {
            "text": "Tanh maps inputs to the range (-1, 1).",
            "phrasings": ["between -1 and 1", "outputs from minus one to one"],
        },
        {
            "text": "Its output is zero-centred, so training converges faster than with the sigmoid.",
            "phrasings": ["zero centered", "centered around zero"],
        },
        {
            "text": "It saturates for large inputs, so gradients vanish.",
            "phrasings": ["still has vanishing gradients", "saturates at the extremes"],
        },
        {"text": "It is still used inside LSTM cells.", "phrasings": ["used in LSTM gates"]},
    ],
    misconceptions=[
        {
            "text": "Tanh does not suffer from vanishing gradients.",
            "phrasings": ["tanh fixes the vanishing gradient problem", "tanh never saturates"],
            "correction": "Tanh saturates at both ends, so its gradients still vanish for large inputs.",
        },
        {
            "text": "Tanh outputs values between 0 and 1.",
            "phrasings": ["tanh range 0 to 1"],
            "correction": "Its range is (-1, 1).",
        },
    ],
)

GOOD = (
    "Tanh squashes its input into (-1, 1). Its outputs are zero-centered, unlike the sigmoid's, so training "
    "converges faster. It still saturates for large inputs, so gradients vanish in deep stacks. "
    "LSTM cells use it."
)


def test_complete_answer_is_correct_and_covers_every_point() -> None:
    grade = check(TANH, GOOD)
    assert grade.verdict == Verdict.CORRECT
    assert len(grade.covered) == 4 and not grade.missed


def test_paraphrase_with_synonyms_and_typos_still_counts() -> None:
    answer = (
        "its the hyperbolic tangent, outputs from minus one to one, centred around zero so it trains quicker "
        "than the logistic. but it saturates at the extremes -> vanishing gradeints. lstm gates still use it"
    )
    assert check(TANH, answer).score >= 0.6


def test_partial_answer_lists_what_is_missed() -> None:
    grade = check(TANH, "It outputs values between -1 and 1.")
    assert grade.verdict != Verdict.CORRECT
    assert "Tanh maps inputs to the range (-1, 1)." in grade.covered
    assert "It is still used inside LSTM cells." in grade.missed
    assert "Missed" in grade.feedback


def test_misconception_costs_credit_and_is_corrected_in_feedback() -> None:
    grade = check(
        TANH,
        "Tanh outputs values between -1 and 1 and it never saturates, so it fixes the vanishing "
        "gradient problem.",
    )
    assert grade.verdict != Verdict.CORRECT
    assert "Tanh does not suffer from vanishing gradients." in grade.misconceptions
    assert "saturates at both ends" in grade.feedback


def test_negated_key_point_is_not_credited() -> None:
    stated = check(TANH, "Its output is zero-centred, so training converges faster.")
    denied = check(TANH, "Its output is not zero-centred, and training does not converge faster.")
    assert denied.score < stated.score
    assert "Its output is zero-centred, so training converges faster than with the sigmoid." in denied.missed


def test_keyword_salad_is_not_correct() -> None:
    salad = check(
        TANH, "Tanh, sigmoid, activation function, zero-centered, vanishing gradients, LSTM, saturation."
    )
    assert salad.verdict != Verdict.CORRECT
    assert salad.score < check(TANH, GOOD).score - 0.3


def test_echoing_the_question_scores_low() -> None:
    echo = check(
        TANH, "The tanh activation function is the tanh activation and it compares with the sigmoid."
    )
    assert echo.verdict == Verdict.INCORRECT
    assert "restates the question" in echo.feedback


def test_off_topic_answer_scores_zero_with_feedback() -> None:
    grade = check(TANH, "My favourite pizza topping is pineapple and I like hiking on weekends.")
    assert grade.score < 0.15
    assert "does not seem to answer" in grade.feedback


def test_adhoc_question_derives_key_points_from_the_reference() -> None:
    question = adhoc_question(TANH.prompt, TANH.reference_answer)
    good = check(question, GOOD)
    assert good.verdict == Verdict.CORRECT
    assert good.covered
    assert all(point in TANH.reference_answer for point in good.covered + good.missed)
    weak = check(question, "It is used in LSTM cells.")
    assert weak.score < good.score and weak.missed


def test_adhoc_question_with_inline_key_points() -> None:
    question = adhoc_question(TANH.prompt, TANH.reference_answer, ["range -1 to 1", "zero centred output"])
    grade = check(question, "It maps to (-1, 1) and is zero-centred.")
    assert grade.covered == ("range -1 to 1", "zero centred output")


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [("", "Empty"), ("   \n\t ", "Empty"), ("\x00\x01\x02", "Empty"), ("😀😀😀", "")],
)
def test_empty_and_unusable_answers(answer: str, complaint: str) -> None:
    grade = check(TANH, answer)
    assert grade.score <= 0.1
    assert complaint in grade.feedback


@pytest.mark.parametrize(
    "answer",
    [
        GOOD * 400,  # ~100 KB
        "x" * 100_000,
        "مرحبا بالعالم tanh (-1, 1) שלום עולם",
        "```python\nimport torch\nprint(torch.tanh(x))\n```",
        "# Heading\n> quote\n* **bold** _it_ [link](http://example.com)\n1. item",
        "\u202etanh\u202c zero\u200bcentred \ufeff",
        "\\x00" * 1000,
    ],
)
def test_bad_input_is_graded_without_exception(answer: str) -> None:
    grade = check(TANH, answer)
    assert 0.0 <= grade.score <= 1.0
    assert isinstance(grade.feedback, str)


def test_long_answer_feedback_says_it_was_truncated() -> None:
    assert "first 4,000 characters" in check(TANH, GOOD * 400).feedback


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=600))
def test_property_check_never_raises_on_open_questions(text: str) -> None:
    grade = check(TANH, text)
    assert 0.0 <= grade.score <= 1.0
    assert grade.verdict in (Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT)
    assert set(grade.covered) | set(grade.missed) <= {kp.text for kp in TANH.key_points or []}


def test_grading_is_deterministic() -> None:
    assert check(TANH, GOOD) == check(TANH, GOOD)
