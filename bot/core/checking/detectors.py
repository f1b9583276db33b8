"""Signals of answers that look relevant without saying anything: echoes, keyword salad, off-topic text.

Word overlap rewards an answer that repeats the question or lists buzzwords, so these detectors measure
the *shape* of an answer (how much of it is the question's own words, whether it makes claims or only
names things, whether it is about the topic at all) and the scorer down-weights accordingly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.checking.analysis import Analysis
from bot.core.checking.function_words import CLAUSE_WORDS, STOPWORDS
from bot.core.checking.normalize import sentences, words

# Questions that ask for names ("which frameworks", "examples of", "applications") accept a bare list.
_LIST_QUESTION = re.compile(
    r"\b(which|examples?|name|list|applications?|types?|kinds?|some|uses?|used for|frameworks?|"
    r"algorithms?|tools?|libraries|what are the (?:main|common|different|typical|basic))\b"
)
_EXPLAIN_QUESTION = re.compile(
    r"\b(why|how|explain|what does|what do|what is|what's|define|describe|difference|differ|compare|mean|"
    r"distinguish)"
)
_ITEM_SPLIT = re.compile(r",|;|\band\b|\bor\b|\+|/|:|=|\n")
_ANNOTATED = re.compile(r"[()\[\]\d=<>]|\bto\b|\bfor\b|\bof\b|\bthat\b|\bwhich\b")
_ABSOLUTES = frozenset(
    {
        "always",
        "never",
        "every",
        "completely",
        "any",
        "all",
        "only",
        "entirely",
        "totally",
        "impossible",
        "guaranteed",
        "guarantees",
        "nothing",
        "none",
        "must",
        "fully",
        "perfectly",
        "exactly",
        "whatever",
    }
)
_CONNECTIVES = frozenset(
    {
        "because",
        "so",
        "since",
        "therefore",
        "thus",
        "which",
        "that",
        "if",
        "when",
        "while",
        "whereas",
        "but",
        "then",
        "instead",
        "by",
        "lets",
        "allows",
        "means",
        "causes",
        "makes",
        "to",
        "than",
    }
)


@dataclass(frozen=True)
class Shape:
    """Measured shape of an answer, independent of what the reference says."""

    echo: float  # share of the answer's concepts that come from the question
    echo_extra: float  # ... from the question but not needed by the reference answer either
    repetition: float  # share of concept mentions that repeat an earlier one
    function_ratio: float  # share of words that are function words (claims have many, lists few)
    connective_ratio: float  # share of words that link ideas (because, so, which, ...)
    list_ratio: float  # short comma/line items per sentence
    bare_share: float  # share of words in runs of bare terms ("stochastic, energy, hidden units, RBM")
    absolutes: int  # "always", "never", "every", ... (confident overclaims)
    word_count: int


def bare_share(sentences: list[str]) -> float:
    """Share of words that sit in enumerations (3+ items) of bare terms: no verb, no explanation."""
    total = bare = 0
    for sentence in sentences:
        items = [item.split() for item in _ITEM_SPLIT.split(sentence)]
        total += sum(len(item) for item in items)
        run: list[int] = []
        for item, text in zip(items, _ITEM_SPLIT.split(sentence), strict=True):
            is_bare = 0 < len(item) <= 3 and not _ANNOTATED.search(text) and not (set(item) & CLAUSE_WORDS)
            if is_bare:
                run.append(len(item))
                continue
            if len(run) >= 3:
                bare += sum(run)
            run = []
        if len(run) >= 3:
            bare += sum(run)
    return bare / total if total else 0.0


def list_question(prompt: str) -> float:
    """How far a bare list answers the question: 1 when it asks for names ("which frameworks"), 0.5 when
    it also asks for an explanation ("what are the layers, and what does each do?"), 0 otherwise."""
    lowered = prompt.lower()
    if not _LIST_QUESTION.search(lowered):
        return 0.0
    return 0.5 if _EXPLAIN_QUESTION.search(lowered) else 1.0


def shape(answer: Analysis, prompt_concepts: frozenset[str], reference_concepts: frozenset[str]) -> Shape:
    """Measure the answer's echo, repetition, list-likeness and overclaiming.

    `echo_extra` counts only question words the reference does not use itself: a correct answer often
    has to name what the question names ("the bulb", "the circuit"), an echo repeats the rest.
    """
    concepts = [t.concept for t in answer.terms]
    n = len(concepts)
    raw = words(answer.cleaned)
    n_words = max(1, len(raw))
    echo = sum(1 for c in concepts if c in prompt_concepts) / n if n else 0.0
    extra = prompt_concepts - reference_concepts
    echo_extra = sum(1 for c in concepts if c in extra) / n if n else 0.0
    repetition = 1.0 - len(set(concepts)) / n if n else 0.0
    function_ratio = sum(1 for w in raw if w in STOPWORDS) / n_words
    connective_ratio = sum(1 for w in raw if w in _CONNECTIVES) / n_words
    list_ratio = answer.list_items / max(1, answer.sentence_count)
    bare = bare_share(sentences(answer.cleaned))
    absolutes = sum(1 for w in raw if w in _ABSOLUTES)
    return Shape(
        echo, echo_extra, repetition, function_ratio, connective_ratio, list_ratio, bare, absolutes, len(raw)
    )
