"""Telling an asserted wrong claim from a mention of its words, and typos from different words."""

from __future__ import annotations

import pytest

from bot.core.checking import check
from bot.core.checking.fuzzy import negates, plausible_typo
from bot.core.checking.lexicon import concept_of

from .helpers import make

ACTIVATIONS = make(
    "open",
    prompt="How do the sigmoid and tanh activation functions differ?",
    reference_answer=(
        "The sigmoid maps inputs to (0, 1) and its outputs are not zero-centred. Tanh maps inputs to "
        "(-1, 1) and is zero-centred, which usually speeds up training. Both saturate for large inputs."
    ),
    key_points=[
        {
            "text": "The sigmoid maps to (0, 1) and is not zero-centred.",
            "phrasings": ["sigmoid range 0 to 1"],
        },
        {"text": "Tanh maps to (-1, 1) and is zero-centred.", "phrasings": ["tanh is zero centered"]},
        {"text": "Both saturate for large inputs.", "phrasings": ["both saturate"]},
    ],
    misconceptions=[
        {
            "text": "The sigmoid is zero-centred.",
            "phrasings": ["sigmoid outputs are zero-centred"],
            "correction": "Sigmoid outputs are always positive; tanh is the zero-centred one.",
        }
    ],
)

DL_VS_ML = make(
    "open",
    prompt="How does deep learning differ from classical machine learning?",
    reference_answer=(
        "Classical machine learning relies on hand-crafted features, while deep learning learns its "
        "features from raw data. Deep learning needs more data and compute."
    ),
    key_points=[
        {"text": "Deep learning learns features from raw data.", "phrasings": ["learns its own features"]},
        {"text": "Classical ML relies on hand-crafted features.", "phrasings": ["manual features"]},
    ],
    misconceptions=[
        {
            "text": "Deep learning needs hand-crafted features.",
            "phrasings": ["deep learning requires manual feature engineering"],
            "correction": "Deep learning learns its features from raw data.",
        }
    ],
)

WRONG_SIGMOID = "The sigmoid is zero-centred."
WRONG_DL = "Deep learning needs hand-crafted features."


@pytest.mark.parametrize(
    "answer",
    [
        "The sigmoid is zero-centred.",
        "Its outputs are bounded, and the sigmoid is zero-centred.",
        # a word of the claim that also appears earlier in the sentence does not hide the claim
        "Zero-centred outputs matter, and the sigmoid is zero-centred.",
    ],
)
def test_a_stated_wrong_claim_is_caught(answer: str) -> None:
    assert WRONG_SIGMOID in check(ACTIVATIONS, answer).misconceptions


@pytest.mark.parametrize(
    "answer",
    [
        "Unlike the sigmoid, tanh is zero-centred.",
        "Tanh, unlike the sigmoid, is zero-centred.",
        "The sigmoid is not zero-centred, tanh is.",
        "Tanh is zero-centred instead of the sigmoid.",
    ],
)
def test_the_words_of_a_wrong_claim_about_another_subject_are_not_the_claim(answer: str) -> None:
    assert WRONG_SIGMOID not in check(ACTIVATIONS, answer).misconceptions


def test_a_claim_needs_its_own_subject_when_the_clause_names_another() -> None:
    assert WRONG_DL in check(DL_VS_ML, "Deep learning needs hand-crafted features.").misconceptions
    assert WRONG_DL in check(DL_VS_ML, "Deep learning, sadly, needs hand-crafted features.").misconceptions
    for answer in (
        "Classical ML needs hand-crafted features, deep learning learns them from raw data.",
        "Deep learning is different: classical ML needs hand-crafted features.",
        "Deep learning learns features itself instead of needing hand-crafted features.",
    ):
        assert WRONG_DL not in check(DL_VS_ML, answer).misconceptions, answer


def test_a_correct_contrast_is_not_reported_as_a_denied_key_point() -> None:
    grade = check(
        DL_VS_ML,
        "Deep learning learns its own features from raw data, instead of relying on hand-crafted "
        "features like classical machine learning.",
    )
    assert "You stated the opposite" not in grade.feedback
    assert not grade.misconceptions


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("gradeints", "gradients"),
        ("sigmiod", "sigmoid"),
        ("overfiting", "overfitting"),
        ("dropuot", "dropout"),
    ],
)
def test_typos_are_forgiven(typo: str, word: str) -> None:
    assert plausible_typo(typo, word)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("completely", "complex"),
        ("equivariant", "invariant"),
        ("undirected", "directed"),
        ("nonlinear", "linear"),
        ("irrelevant", "relevant"),
        ("unsupervised", "supervised"),
    ],
)
def test_different_words_are_not_typos_of_each_other(a: str, b: str) -> None:
    assert not plausible_typo(concept_of(a), concept_of(b))
    assert not plausible_typo(a, b)


def test_negating_prefixes_are_recognised() -> None:
    assert negates("undirected", "directed") and negates("nonlinear", "linear")
    assert not negates("sigmoid", "tanh")
