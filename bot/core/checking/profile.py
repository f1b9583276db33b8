"""What the free-text checker precomputes per question: key points, misconceptions, reference, echo words.

A question from the bank carries curated key points (each with phrasings) and misconceptions. An ad-hoc
question (an uploaded pack, a grade-batch row) may have only a reference answer; then its sentences become
pseudo key points, so coverage, `covered` and `missed` still mean something. Profiles are cached by the
question's content, because the same question is graded many times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.checking.analysis import analyse
from bot.core.checking.claims import asserts
from bot.core.checking.detectors import list_question
from bot.core.checking.matching import AnswerIndex, Pattern, make_pattern, reweight
from bot.core.checking.normalize import display_sentences
from questions.schema import Question

# Reference sentences that talk about answers rather than the topic are not key points.
_META_SENTENCE = re.compile(r"\b(a (strong|good|complete) answer|an answer should|candidates? should)\b")
_MAX_PSEUDO_POINTS = 8
_MIN_PSEUDO_WEIGHT = 1.5
SHARED_WEIGHT = 0.4


@dataclass(frozen=True)
class PointSpec:
    """A key point to look for: its display text and every phrasing that states it."""

    text: str
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class MisconceptionSpec:
    """A wrong claim to look for, and what to tell a candidate who makes it."""

    text: str
    patterns: tuple[Pattern, ...]
    correction: str


@dataclass(frozen=True)
class Profile:
    """Everything about one question that does not depend on the answer."""

    prompt_concepts: frozenset[str]
    reference: Pattern
    points: tuple[PointSpec, ...]
    pseudo_points: bool
    misconceptions: tuple[MisconceptionSpec, ...]
    list_question: float  # 1: a list of names answers it, 0.5: partly, 0: an explanation is asked
    vocabulary: frozenset[str]


def _pseudo_points(reference: str, echo: frozenset[str]) -> tuple[PointSpec, ...]:
    """Key points derived from the reference: one per substantive sentence (meta sentences skipped)."""
    points: list[PointSpec] = []
    for sentence in display_sentences(reference):
        if _META_SENTENCE.search(sentence):
            continue
        pattern = make_pattern(sentence, echo)
        if pattern.total < _MIN_PSEUDO_WEIGHT:
            continue
        points.append(PointSpec(sentence, (pattern,)))
    if not points:
        pattern = make_pattern(reference, echo)
        if not pattern.is_empty:
            points.append(PointSpec(" ".join(reference.split()), (pattern,)))
    return tuple(points[:_MAX_PSEUDO_POINTS])


@lru_cache(maxsize=2048)
def _build(
    prompt: str,
    reference: str,
    points: tuple[tuple[str, tuple[str, ...]], ...],
    misconceptions: tuple[tuple[str, tuple[str, ...], str], ...],
) -> Profile:
    echo = analyse(prompt).concepts
    ref = make_pattern(reference, echo)
    if points:
        specs = tuple(
            PointSpec(
                text, tuple(p for p in (make_pattern(x, echo) for x in (text, *phrasings)) if not p.is_empty)
            )
            for text, phrasings in points
        )
        pseudo = False
    else:
        specs = _pseudo_points(reference, echo)
        pseudo = True
    vocabulary = frozenset(echo) | frozenset(ref.weights)
    for spec in specs:
        for pattern in spec.patterns:
            vocabulary |= frozenset(pattern.weights)
    # A misconception is told apart from a right answer by what it adds to the topic's vocabulary; a
    # phrasing that the reference answer itself would be caught asserting cannot tell them apart.
    reference_index = AnswerIndex(analyse(reference))
    wrong = tuple(
        MisconceptionSpec(
            text,
            tuple(
                pattern
                for pattern in (
                    reweight(make_pattern(x, frozenset()), vocabulary, SHARED_WEIGHT)
                    for x in (text, *phrasings)
                )
                if not pattern.is_empty and not asserts(reference_index, pattern)
            ),
            correction,
        )
        for text, phrasings, correction in misconceptions
    )
    return Profile(echo, ref, specs, pseudo, wrong, list_question(prompt), vocabulary)


def profile(question: Question) -> Profile:
    """The cached profile of a question, keyed by its content (not its id: ad-hoc ids repeat)."""
    points = tuple((kp.text, tuple(kp.phrasings)) for kp in question.key_points or ())
    wrong = tuple((m.text, tuple(m.phrasings), m.correction) for m in question.misconceptions)
    return _build(question.prompt, question.reference_answer, points, wrong)
