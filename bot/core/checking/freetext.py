"""Grading a free-text answer: key-point coverage and reference similarity, minus what an interviewer
would discount (misconceptions, negated key points, echoing the question, bare keyword lists, off-topic).

The score is a small, explicit formula over measured signals (`Signals`), so each weight can be inspected
and re-fitted by `bench/eval_checker.py`; the defaults in `WEIGHTS` were fitted on the dev set with
question-wise cross-validation and checked on SemEval-2013 and SAF (see the README's checker section).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.core.checking.analysis import analyse
from bot.core.checking.claims import asserts
from bot.core.checking.detectors import Shape, shape
from bot.core.checking.lexicon import domain_concepts
from bot.core.checking.matching import AnswerIndex, Pattern
from bot.core.checking.profile import MisconceptionSpec, PointSpec, Profile

MIN_TECHNICAL = 3  # technical concepts needed before their support is judged
SMALL_PATTERN = 1.5  # total weight below which a phrasing's match counts proportionally less
MIN_SPECIFIC_WEIGHT = 0.9  # a key-point phrasing needs this much beyond the question's own words
NEGATED_AT = 0.34  # share of a key point stated with the opposite polarity that counts as denying it
SINGLE_CONCEPT_DENIAL = 0.5


@dataclass(frozen=True)
class Weights:
    """The scoring formula's parameters (see `combine`)."""

    point_low: float = 0.12  # key-point coverage below this earns nothing
    point_high: float = 0.55  # ... and at or above this earns the point in full
    point_share: float = 0.5  # weight of key-point credit against reference similarity
    intercept: float = 0.0
    slope: float = 1.0
    echo_free: float = 0.05  # extra echo (question words the reference does not use) that is normal
    echo_penalty: float = 1.0
    restate_at: float = 0.4  # an answer this much made of the question's words mostly restates it
    restate_penalty: float = 1.0
    salad_penalty: float = 0.3
    conflict_penalty: float = 0.5
    misconception_penalty: float = 0.35
    misconception_cap: float = 0.55
    denied_cap: float = 1.0  # the most an answer that states the opposite of a key point can score
    unsupported_free: float = 0.2  # technical concepts outside the question's vocabulary that are normal
    unsupported_penalty: float = 0.0
    overclaim_free: float = 0.015  # absolutes ("always", "never", "every") per word that are normal
    overclaim_penalty: float = 0.0
    offtopic_cap: float = 0.1


# Fitted on the dev set (bench/eval_checker.py --fit); see the README's checker section.
WEIGHTS = Weights(
    point_low=0.25,
    point_high=0.8,
    point_share=0.5,
    intercept=0.1,
    slope=1.6,
    echo_free=0.0,
    echo_penalty=0.5,
    restate_at=0.2,
    restate_penalty=1.5,
    salad_penalty=0.8,
    conflict_penalty=0.25,
    misconception_penalty=0.2,
    misconception_cap=0.6,
    unsupported_free=0.2,
    unsupported_penalty=1.0,
    overclaim_free=0.005,
    overclaim_penalty=0.2,
)
WEIGHTS_INLINE = Weights(
    point_low=0.05,
    point_high=0.65,
    point_share=0.3,
    intercept=0.2,
    slope=1.8,
    echo_free=0.1,
    echo_penalty=0.0,
    restate_at=0.1,
    restate_penalty=1.0,
    salad_penalty=0.6,
    conflict_penalty=1.0,
    misconception_penalty=0.35,
    misconception_cap=0.6,
    unsupported_free=0.1,
    unsupported_penalty=0.5,
    overclaim_free=0.02,
    overclaim_penalty=0.4,
)


def weights_for(profile: Profile) -> Weights:
    """Curated key points and derived ones (from the reference's sentences) need different calibration."""
    return WEIGHTS_INLINE if profile.pseudo_points else WEIGHTS


@dataclass(frozen=True)
class PointResult:
    """How one key point fared: its best coverage by any phrasing, and whether the answer denied it."""

    text: str
    coverage: float
    negated: bool

    def credit(self, weights: Weights = WEIGHTS) -> float:
        """0..1 credit: nothing below `point_low` coverage, full credit from `point_high`."""
        return 0.0 if self.negated else _ramp(self.coverage, weights.point_low, weights.point_high)


@dataclass(frozen=True)
class Signals:
    """Everything measured about one answer against one question profile."""

    points: tuple[PointResult, ...]
    reference_recall: float
    precision: float
    conflict: float
    misconceptions: tuple[MisconceptionSpec, ...]
    misconception_strength: float
    shape: Shape
    salad: float
    offtopic: bool
    wordless: bool = False  # nothing but symbols, emoji or stopwords
    unsupported: float = 0.0  # share of the answer's technical concepts the question never involves
    technical: int = 0  # how many technical concepts the answer uses


def _ramp(value: float, low: float, high: float) -> float:
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return (value - low) / (high - low)


def _point(index: AnswerIndex, spec: PointSpec) -> PointResult:
    best = 0.0
    conflict = 0.0
    for pattern in spec.patterns:
        if pattern.specific_weight < MIN_SPECIFIC_WEIGHT and pattern is not spec.patterns[0]:
            continue  # a phrasing made only of the question's words proves nothing
        coverage = index.cover(pattern)
        local = index.local_cover(pattern)
        evidence = min(1.0, pattern.total / SMALL_PATTERN)  # one shared word is weak evidence of a point
        best = max(best, 0.5 * (coverage.matched + local) * evidence)
        if coverage.conflict >= NEGATED_AT and coverage.conflict > coverage.matched:
            # a one-word phrasing ("not in hidden layers") is weak evidence of a denial
            single = SINGLE_CONCEPT_DENIAL if len(pattern.weights) == 1 else 1.0
            conflict = max(conflict, coverage.conflict * evidence * single)
    negated = conflict >= NEGATED_AT
    return PointResult(spec.text, best, negated)


def _misconceptions(
    index: AnswerIndex, specs: tuple[MisconceptionSpec, ...]
) -> tuple[tuple[MisconceptionSpec, ...], float]:
    found: list[MisconceptionSpec] = []
    strength = 0.0
    for spec in specs:
        best = max((asserts(index, p) for p in spec.patterns), default=0.0)
        if best > 0.0:
            found.append(spec)
            strength += best
    return tuple(found), strength


def _precision(index: AnswerIndex, vocabulary: frozenset[str]) -> float:
    concepts = list(index.analysis.counts)
    if not concepts:
        return 0.0
    return sum(1 for c in concepts if c in vocabulary) / len(concepts)


def _salad(answer_shape: Shape, profile: Profile) -> float:
    """0..1: how much the answer is a bare list of terms where an explanation was asked for."""
    listiness = min(1.0, answer_shape.list_ratio / 3.0)
    terse = _ramp(0.35 - answer_shape.function_ratio, 0.0, 0.2)
    echoed_list = min(1.0, 0.5 * listiness + 0.5 * terse) * _ramp(answer_shape.echo, 0.1, 0.3)
    return max(echoed_list, _ramp(answer_shape.bare_share, 0.15, 0.5)) * (1.0 - profile.list_question)


def signals(profile: Profile, answer_text: str) -> Signals:
    """Measure an answer against a question profile (no scoring yet)."""
    analysis = analyse(answer_text)
    index = AnswerIndex(analysis)
    points = tuple(_point(index, spec) for spec in profile.points)
    reference = index.cover(profile.reference)
    found, strength = _misconceptions(index, profile.misconceptions)
    answer_shape = shape(analysis, profile.prompt_concepts, frozenset(profile.reference.weights))
    precision = _precision(index, profile.vocabulary)
    domain = domain_concepts()
    technical = [c for c in analysis.counts if c in domain]
    unsupported = (
        sum(1 for c in technical if c not in profile.vocabulary) / len(technical) if technical else 0.0
    )
    offtopic = bool(analysis.terms) and reference.matched < 0.03 and precision < 0.2
    conflict = sum(1 for p in points if p.negated) / len(points) if points else 0.0
    return Signals(
        points=points,
        reference_recall=reference.matched,
        precision=precision,
        conflict=conflict,
        misconceptions=found,
        misconception_strength=strength,
        shape=answer_shape,
        salad=_salad(answer_shape, profile),
        offtopic=offtopic,
        wordless=not analysis.terms,
        unsupported=unsupported,
        technical=len(technical),
    )


def combine(s: Signals, weights: Weights = WEIGHTS) -> float:
    """The 0..1 score: content credit, minus discounts, with caps for misconceptions and off-topic text."""
    if s.wordless:
        return 0.0
    point_score = sum(p.credit(weights) for p in s.points) / len(s.points) if s.points else 0.0
    content = weights.point_share * point_score + (1 - weights.point_share) * math.sqrt(s.reference_recall)
    score = weights.intercept + weights.slope * content
    score -= weights.echo_penalty * max(0.0, s.shape.echo_extra - weights.echo_free)
    score -= weights.restate_penalty * max(0.0, s.shape.echo - weights.restate_at)
    score -= weights.salad_penalty * s.salad
    score -= weights.conflict_penalty * s.conflict
    if s.technical >= MIN_TECHNICAL:
        score -= weights.unsupported_penalty * max(0.0, s.unsupported - weights.unsupported_free)
    overclaim = s.shape.absolutes / max(1, s.shape.word_count)
    score -= weights.overclaim_penalty * max(0.0, overclaim - weights.overclaim_free) * 10
    if s.misconceptions:
        score -= weights.misconception_penalty * s.misconception_strength
        score = min(score, weights.misconception_cap)
    if s.conflict > 0:
        score = min(score, weights.denied_cap)
    if s.offtopic:
        score = min(score, weights.offtopic_cap)
    return max(0.0, min(1.0, score))


def reference_pattern(profile: Profile) -> Pattern:
    """The reference answer's pattern (for feedback on what a complete answer says)."""
    return profile.reference
