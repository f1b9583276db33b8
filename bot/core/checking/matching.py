"""Matching weighted concept patterns (key points, misconceptions, the reference) against an answer.

A *pattern* is one phrasing reduced to weighted concepts. Coverage is the weighted share of a pattern's
concepts the answer states with the same polarity: a concept the pattern asserts but the answer only
mentions under a negation ("it does *not* saturate") counts as a conflict, not a match. Typos are forgiven
by fuzzy matching (rapidfuzz) of longer words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from bot.core.checking.analysis import Analysis, Term, analyse
from bot.core.checking.lemmatize import lemma
from bot.core.checking.lexicon import components

MISCONCEPTION_AT = 0.7  # single-sentence coverage of a wrong claim that counts as asserting it
COMPOUND_CREDIT = 0.9
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 84.0
FUZZY_CREDIT = 0.85
ECHO_WEIGHT = 0.35
GENERIC_WEIGHT = 0.5

_GENERIC_WORDS = """
    neural network model data train learn layer function input output value problem task method approach
    algorithm system result process type different good work need help important example number many
    large small hard easy fast slow way time deep machine learning deep_learning machine_learning
    neural_network artificial_intelligence technique thing tool part set case form find give show allow
    able possible new main common general specific certain better worse high low big simple complex
    lot case mean call term concept idea information usual often typical instead want look take keep
    put see know think happen start end first second last next thing people human answer question
    all every same more most less least few one over under above below before after up down much off
    """


@cache
def generic_concepts() -> frozenset[str]:
    """Concepts too common in deep-learning talk to say much on their own; they weigh half."""
    return frozenset(lemma(w) for w in _GENERIC_WORDS.split()) | frozenset(_GENERIC_WORDS.split())


@dataclass(frozen=True)
class Pattern:
    """One phrasing as weighted concepts, with the concepts the phrasing itself negates.

    `core` holds the concepts that carry the phrasing's specific claim (for a misconception: what it
    adds to the topic's vocabulary); empty means every concept counts alike.
    """

    text: str
    weights: dict[str, float]
    negated: frozenset[str]
    total: float
    order: tuple[str, ...]
    core: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return self.total <= 0.0

    @property
    def specific_weight(self) -> float:
        """Weight carried by words other than the question's own (see `ECHO_WEIGHT`)."""
        return sum(w for w in self.weights.values() if w != ECHO_WEIGHT)


def make_pattern(text: str, echo: frozenset[str] = frozenset()) -> Pattern:
    """Reduce a phrasing to concept weights: question words (echo) and generic words weigh less."""
    analysis = analyse(text)
    generic = generic_concepts()
    weights: dict[str, float] = {}
    order: list[str] = []
    for term in analysis.terms:
        if term.concept in weights:
            continue
        weight = 1.0
        if term.concept in echo:
            weight = ECHO_WEIGHT
        elif term.concept in generic:
            weight = GENERIC_WEIGHT
        weights[term.concept] = weight
        order.append(term.concept)
    only_negated = frozenset(analysis.negated - analysis.positive)
    return Pattern(text, weights, only_negated, sum(weights.values()), tuple(order))


def reweight(pattern: Pattern, shared: frozenset[str], factor: float) -> Pattern:
    """The pattern with concepts in `shared` scaled by `factor`; the others become its core."""
    weights = {c: w * factor if c in shared else w for c, w in pattern.weights.items()}
    core = frozenset(c for c in pattern.weights if c not in shared)
    return Pattern(pattern.text, weights, pattern.negated, sum(weights.values()), pattern.order, core)


@dataclass(frozen=True)
class Coverage:
    """How much of a pattern the answer states (0..1), and how much it states with the opposite polarity."""

    matched: float
    conflict: float


@dataclass(frozen=True)
class SentenceMatch:
    """The best single-sentence match of a pattern: coverage, share of its core, word-order agreement."""

    coverage: float
    core: float
    in_order: bool
    sentence: int
    matched: int = 0
    span: int = 0


@dataclass(frozen=True)
class _Hit:
    concept: str
    weight: float
    positions: dict[int, int]  # sentence → first position there (same polarity only)


class AnswerIndex:
    """An answer's concepts with fast exact, fuzzy and polarity look-ups."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._by_concept: dict[str, list[Term]] = {}
        for term in analysis.terms:
            self._by_concept.setdefault(term.concept, []).append(term)
        # concept → (sentence → first position) for plain mentions, and for negated ones
        self._places: dict[str, tuple[dict[int, int], dict[int, int]]] = {
            c: self._placed(terms) for c, terms in self._by_concept.items()
        }
        self._choices = [c for c in self._by_concept if len(c) >= FUZZY_MIN_LENGTH and not c.isdigit()]
        self._fuzzy: dict[str, str | None] = {}
        self._hits: dict[int, tuple[Pattern, list[_Hit], float]] = {}

    @staticmethod
    def _placed(terms: list[Term]) -> tuple[dict[int, int], dict[int, int]]:
        plain: dict[int, int] = {}
        negated: dict[int, int] = {}
        for term in terms:
            target = negated if term.negated else plain
            target.setdefault(term.sentence, term.position)
        return plain, negated

    def _compound(self, concept: str) -> list[Term]:
        """Synthetic terms for a multi-word concept whose parts occur close together in one sentence."""
        parts = components().get(concept)
        if not parts or any(p not in self._by_concept for p in parts):
            return []
        reach = len(parts) + 2
        out = []
        for head in self._by_concept[parts[0]]:
            near = [
                min(
                    (
                        t
                        for t in self._by_concept[p]
                        if t.sentence == head.sentence and abs(t.position - head.position) <= reach
                    ),
                    key=lambda t: abs(t.position - head.position),
                    default=None,
                )
                for p in parts[1:]
            ]
            if all(t is not None for t in near):
                negated = head.negated or any(t.negated for t in near if t is not None)
                out.append(Term(concept, negated, head.sentence, head.position))
        return out

    def _resolve(self, concept: str) -> tuple[str | None, float]:
        if concept in self._by_concept:
            return concept, 1.0
        if concept in components():
            compound = self._compound(concept)
            if compound:
                self._by_concept[concept] = compound
                self._places[concept] = self._placed(compound)
                return concept, COMPOUND_CREDIT
        if len(concept) < FUZZY_MIN_LENGTH or concept.isdigit() or not self._choices:
            return None, 0.0
        if concept not in self._fuzzy:
            found = process.extractOne(concept, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            self._fuzzy[concept] = found[0] if found else None
        hit = self._fuzzy[concept]
        return (hit, FUZZY_CREDIT) if hit else (None, 0.0)

    def has(self, concept: str) -> bool:
        """Does the answer mention the concept at all (negated or not, allowing typos)?"""
        return self._resolve(concept)[0] is not None

    def _pattern_hits(self, pattern: Pattern) -> tuple[list[_Hit], float]:
        cached = self._hits.get(id(pattern))
        if cached is not None and cached[0] is pattern:
            return cached[1], cached[2]
        hits: list[_Hit] = []
        conflict = 0.0
        for concept, weight in pattern.weights.items():
            found, credit = self._resolve(concept)
            if found is None:
                continue
            positions = self._places[found][1 if concept in pattern.negated else 0]
            if positions:
                hits.append(_Hit(concept, weight * credit, positions))
            else:
                conflict += weight
        self._hits[id(pattern)] = (pattern, hits, conflict)
        return hits, conflict

    def cover(self, pattern: Pattern) -> Coverage:
        """Weighted share of the pattern stated anywhere with the same polarity, and of conflicts."""
        if pattern.is_empty:
            return Coverage(0.0, 0.0)
        hits, conflict = self._pattern_hits(pattern)
        return Coverage(sum(h.weight for h in hits) / pattern.total, conflict / pattern.total)

    def local_cover(self, pattern: Pattern, window: int = 2) -> float:
        """Coverage within the best run of `window` consecutive sentences: ideas stated together."""
        if pattern.is_empty:
            return 0.0
        hits, _ = self._pattern_hits(pattern)
        best = 0.0
        for start in {s for h in hits for s in h.positions}:
            span = range(start, start + window)
            best = max(best, sum(h.weight for h in hits if any(s in h.positions for s in span)))
        return min(1.0, best / pattern.total)

    def best_sentence(self, pattern: Pattern) -> SentenceMatch:
        """The sentence stating most of the pattern, with its core share and word-order agreement."""
        none = SentenceMatch(0.0, 0.0, False, -1, 0, 0)
        if pattern.is_empty:
            return none
        hits, _ = self._pattern_hits(pattern)
        core_total = sum(pattern.weights[c] for c in pattern.core)
        best = none
        for sentence in {s for h in hits for s in h.positions}:
            here = [h for h in hits if sentence in h.positions]
            coverage = sum(h.weight for h in here) / pattern.total
            core = (
                (sum(h.weight for h in here if h.concept in pattern.core) / core_total) if core_total else 1.0
            )
            if (coverage, core) <= (best.coverage, best.core):
                continue
            rank = {c: i for i, c in enumerate(pattern.order)}
            placed = sorted(here, key=lambda h: h.positions[sentence])
            pairs = [
                (rank[a.concept], rank[b.concept]) for i, a in enumerate(placed) for b in placed[i + 1 :]
            ]
            discordant = sum(1 for x, y in pairs if x > y)
            in_order = discordant == 0 or (len(placed) >= 4 and discordant == 1)
            span = placed[-1].positions[sentence] - placed[0].positions[sentence] + 1
            best = SentenceMatch(coverage, core, in_order, sentence, len(placed), span)
        return best


def asserts(index: AnswerIndex, pattern: Pattern) -> float:
    """How strongly one sentence of the answer states this (wrong) claim: 0 when it does not.

    The claim must be stated in one sentence, in the claim's word order, and include what it adds to the
    topic (its core). A claim made only of topic words is a relation between them, so all of them must
    appear, close together.
    """
    if index.cover(pattern).conflict > 0.2:
        return 0.0  # the answer denies the wrong claim, which is right
    match = index.best_sentence(pattern)
    size = len(pattern.weights)
    if match.coverage < MISCONCEPTION_AT or match.core < 0.5 or match.matched < min(2, size):
        return 0.0
    if not match.in_order:
        return 0.0
    if not pattern.core and (match.coverage < 0.99 or match.span > size + 2):
        return 0.0
    return match.coverage
