"""Normalisation, lemmatisation, synonyms and negation: the pieces free-text matching stands on."""

from __future__ import annotations

import pytest

from bot.core.checking.analysis import analyse
from bot.core.checking.lemmatize import lemma
from bot.core.checking.lexicon import concept_of
from bot.core.checking.normalize import MAX_ANALYSED_CHARS, clean, words


@pytest.mark.parametrize(
    ("variants",),
    [
        (["labelled", "labeled", "labels", "labeling", "label"],),
        (["initialisation", "initialization", "initialized", "initialize", "initialising"],),
        (["compute", "computing", "computed", "computes"],),
        (["vary", "varies", "varied"],),
        (["centred", "centered"],),
        (["interpretability", "interpretable", "interpret"],),
        (["detection", "detecting", "detect", "detects"],),
        (["running", "runs", "run"],),
        (["matrices", "matrix"],),
        (["supervise", "supervised", "supervises"],),
    ],
)
def test_lemmatiser_gives_inflections_one_form(variants: list[str]) -> None:
    assert len({lemma(v) for v in variants}) == 1


def test_lemmatiser_keeps_short_and_double_letter_words_apart() -> None:
    assert lemma("pass") != lemma("pa")
    assert lemma("falls") == lemma("fall")
    assert lemma("need") == lemma("needed") == "need"
    assert lemma("bias") == lemma("biases")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("labelled data", "annotated data"),
        ("labeled", "ground truth"),
        ("NN", "neural network"),
        ("DNN", "deep neural net"),
        ("CNN", "convolutional neural network"),
        ("backprop", "back-propagation"),
        ("logistic function", "sigmoid"),
        ("hard to interpret", "black box"),
        ("zero-centred", "centered around zero"),
        ("vanishing gradient", "gradient vanishing"),
        ("MLP", "multi-layer perceptron"),
        ("no labels", "unlabelled"),
        ("Xavier", "Glorot"),
        ("He initialization", "Kaiming"),
    ],
)
def test_lexicon_maps_synonyms_to_one_concept(a: str, b: str) -> None:
    assert concept_of(a) == concept_of(b)


def test_lexicon_keeps_different_ideas_apart() -> None:
    assert concept_of("sigmoid") != concept_of("tanh")
    assert concept_of("labeled") != concept_of("unlabeled")
    assert concept_of("overfitting") != concept_of("underfitting")


def test_clean_strips_markup_controls_and_expands_contractions() -> None:
    text = clean("**Tanh** isn't\u200b zero-centred\x07 -> `code`\n- bullet")
    assert "*" not in text and "\x07" not in text and "\u200b" not in text
    assert "is not" in text
    assert text.splitlines()[-1] == "bullet"


def test_clean_caps_the_analysed_length() -> None:
    assert len(clean("word " * 50_000)) <= MAX_ANALYSED_CHARS


def test_words_expand_chat_shorthand_and_signs() -> None:
    assert words(clean("u pass it thru w/o labels")) == ["you", "pass", "it", "through", "without", "labels"]
    assert words(clean("range (-1, 1)")) == ["range", "neg1", "1"]
    assert words(clean("from minus one to one")) == ["from", "neg1", "to", "1"]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("tanh does not saturate", True),
        ("tanh doesn't saturate", True),
        ("tanh never saturates", True),
        ("it isn't saturating", True),
        ("tanh saturates for large inputs", False),
        ("it saturates, but ReLU does not", False),
        ("not only does it saturate, it also vanishes", False),
        ("choose small weights so gradients don't saturate", False),
    ],
)
def test_negation_scope(text: str, negated: bool) -> None:
    terms = [t for t in analyse(text).terms if t.concept == concept_of("saturate")]
    assert terms
    assert terms[0].negated is negated


def _polarity(text: str, phrase: str) -> str:
    """'plain', 'negated' or 'soft' for the first mention of a phrase's concept in a text."""
    concept = concept_of(phrase)
    term = next(t for t in analyse(text).terms if t.concept == concept)
    return "negated" if term.negated else "soft" if term.soft else "plain"


@pytest.mark.parametrize(
    ("text", "phrase", "polarity"),
    [
        # contrasts set aside what they mention: neither asserted nor denied
        ("learns from data instead of explicit rules", "rules", "soft"),
        ("learns from data instead of explicit rules", "data", "plain"),
        ("it learns features itself instead of us hand-crafting them", "hand-crafting", "soft"),
        ("unlike the sigmoid, tanh is zero-centred", "sigmoid", "soft"),
        ("unlike the sigmoid, tanh is zero-centred", "zero-centred", "plain"),
        # a negation of degree or quantity is not a denial
        ("don't decay the learning rate too fast", "decay", "soft"),
        ("tanh is not always zero-centred", "zero-centred", "soft"),
        ("dropout reduces overfitting", "overfitting", "soft"),
        ("it prevents vanishing gradients", "vanishing gradients", "soft"),
        ("it fixes vanishing and exploding gradients", "exploding gradients", "soft"),
        # a purpose or result clause sets aside what it negates
        ("frameworks compute the gradients, so you don't write backprop", "backprop", "soft"),
        # the scope of "without" ends with its noun phrase
        ("learns features without manual feature engineering directly from raw data", "raw", "plain"),
        ("learns features without manual feature engineering", "feature engineering", "negated"),
        ("it does not saturate for positive inputs", "positive", "plain"),
        # "fail"/"unable" negate only a verb after "to"
        ("a single perceptron fails to learn XOR", "XOR", "negated"),
        ("training fails when the gradients vanish", "gradients vanish", "plain"),
        # a lexicon phrase that means a negation is not negated again
        ("deep nets are not interpretable", "black box", "plain"),
        ("it learns without labels", "unlabeled", "plain"),
        ("ReLU is non-saturating", "saturating", "negated"),
        ("it is different from matrix multiplication", "matrix multiplication", "negated"),
        ("it is not the same as matrix multiplication", "matrix multiplication", "negated"),
    ],
)
def test_polarity_of_a_mention(text: str, phrase: str, polarity: str) -> None:
    assert _polarity(text, phrase) == polarity


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("leaky ReLU", "PReLU", False),
        ("PReLU", "parametric ReLU", True),
        ("standardization", "normalization", False),
        ("z-score", "standardisation", True),
        ("mutually exclusive", "multi-class", False),
        ("exclusively", "only", False),
        ("must", "requires", True),
    ],
)
def test_lexicon_keeps_deep_learning_distinctions(a: str, b: str, same: bool) -> None:
    assert (concept_of(a) == concept_of(b)) is same


def test_analysis_of_unicode_and_emoji_does_not_fail() -> None:
    result = analyse("مرحبا 😀 שלום — tanh ≈ sigmoid ⊙ x")
    assert any(t.concept == concept_of("tanh") for t in result.terms)
