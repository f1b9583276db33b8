"""Matching weighted concept patterns (key points, misconceptions, the reference) against an answer.

A *pattern* is one phrasing reduced to weighted concepts. Coverage is the weighted share of a pattern's
concepts the answer states with the same polarity: a concept the pattern asserts but the answer only
mentions under a negation ("it does *not* saturate") counts as a conflict, not a match. A concept the
answer only sets aside ("instead of X", "unlike X", "so X doesn't happen") counts as mentioned for
coverage but neither conflicts nor asserts. Typos are forgiven by fuzzy matching (`fuzzy.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from bot.core.checking.analysis import Analysis, Term, analyse
from bot.core.checking.fuzzy import FUZZY_MIN_LENGTH, typo_of
from bot.core.checking.lemmatize import lemma
from bot.core.checking.lexicon import components, concept_of
from bot.core.checking.polarity import NEGATED, PLAIN, SOFT

COMPOUND_CREDIT = 0.9
FUZZY_CREDIT = 0.85
ECHO_WEIGHT = 0.35
GENERIC_WEIGHT = 0.5
MAX_SUBJECT = 3  # concepts; a longer "subject" means the phrasing's verb was not recognised

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
    listed = _GENERIC_WORDS.split()
    synonyms = frozenset(concept_of(w) for w in listed if "_" not in w)  # "same" → identical
    return frozenset(lemma(w) for w in listed) | frozenset(listed) | synonyms


_MOVABLE_VERBS = "learn train use need have hold store compute apply perform produce give make take keep work"


@cache
def movable_verbs() -> frozenset[str]:
    """Generic verbs whose place in a sentence changes with the voice ("learns weights" / "where the
    weights are learned"), unlike the things a claim relates; they never make a claim specific."""
    return frozenset(concept_of(verb) for verb in _MOVABLE_VERBS.split())


@dataclass(frozen=True)
class Pattern:
    """One phrasing as weighted concepts, with the concepts the phrasing itself negates.

    `core` holds the concepts that carry the phrasing's specific claim (for a misconception: what it
    adds to the topic's vocabulary); empty means every concept counts alike. `subject` holds the
    concepts before the phrasing's first verb ("*element-wise multiplication* requires ..."), which a
    sentence about something else must not be credited with.
    """

    text: str
    weights: dict[str, float]
    negated: frozenset[str]
    total: float
    order: tuple[str, ...]
    core: frozenset[str] = frozenset()
    subject: frozenset[str] = frozenset()
    soft: frozenset[str] = frozenset()  # only set aside ("*prevents* overfitting"): any polarity fits

    @property
    def is_empty(self) -> bool:
        return self.total <= 0.0

    @cached_property
    def items(self) -> tuple[tuple[str, float, int], ...]:
        """(concept, weight, polarity) triples, computed once per pattern."""
        return tuple(
            (c, w, NEGATED if c in self.negated else SOFT if c in self.soft else PLAIN)
            for c, w in self.weights.items()
        )

    @cached_property
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
    only_soft = frozenset(analysis.soft - analysis.positive - analysis.negated)
    first_clause = analysis.terms[0].clause if analysis.terms else 0
    subject = frozenset(t.concept for t in analysis.terms if t.lead and t.clause == first_clause and t.plain)
    if len(subject) == len(weights) or len(subject) > MAX_SUBJECT:
        subject = frozenset()  # all subject, or no verb where one was looked for: no anchor
    return Pattern(
        text, weights, only_negated, sum(weights.values()), tuple(order), subject=subject, soft=only_soft
    )


def reweight(pattern: Pattern, shared: frozenset[str], factor: float) -> Pattern:
    """The pattern with concepts in `shared` scaled by `factor`; the others (but generic verbs) are its
    core."""
    weights = {c: w * factor if c in shared else w for c, w in pattern.weights.items()}
    weak = movable_verbs()
    core = frozenset(c for c in pattern.weights if c not in shared and c not in weak)
    return Pattern(
        pattern.text,
        weights,
        pattern.negated,
        sum(weights.values()),
        pattern.order,
        core,
        pattern.subject,
        pattern.soft,
    )


@dataclass(frozen=True)
class Coverage:
    """How much of a pattern the answer states (0..1), and how much it states with the opposite polarity."""

    matched: float
    conflict: float


@dataclass(frozen=True)
class Hit:
    """One pattern concept the answer mentions with a fitting polarity: its weight and where it is."""

    concept: str
    weight: float
    terms: tuple[Term, ...]
    where: frozenset[int] = frozenset()  # the sentences of `terms`

    def sentences(self) -> frozenset[int]:
        return self.where


def _fits(term: Term, polarity: int, strict: bool) -> bool:
    """Does a mention match a pattern concept held with this polarity (PLAIN, NEGATED or SOFT)?

    Loose matching (coverage) lets a set-aside or uncertain mention count either way. Strict matching
    (asserting a claim) needs the claim's own polarity: a set-aside mention never asserts a plain claim,
    and a claim that only sets something aside ("prevents X") is asserted by a denial or a set-aside.
    """
    if polarity == SOFT:
        return not strict or term.negated or term.soft
    if term.soft or (term.hedged and not strict):
        return polarity == NEGATED or not strict
    return term.negated == (polarity == NEGATED)


def _deniable(concept: str) -> bool:
    """Can a mention of this concept with the opposite polarity deny a claim? Not a number (a value) and
    not a generic word: "the *same* positions" does not contradict "not the same as matmul"."""
    return not concept.removeprefix("neg").replace(".", "").isdigit() and concept not in generic_concepts()


class AnswerIndex:
    """An answer's concepts with fast exact, fuzzy and polarity look-ups."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._by_concept: dict[str, list[Term]] = {}
        for term in analysis.terms:
            self._by_concept.setdefault(term.concept, []).append(term)
        self._choices = [c for c in self._by_concept if len(c) >= FUZZY_MIN_LENGTH and not c.isdigit()]
        self._fuzzy: dict[str, str | None] = {}
        self._hits: dict[tuple[int, bool], tuple[Pattern, list[Hit], float]] = {}
        self._fitting: dict[tuple[str, int, bool], tuple[Term, ...]] = {}
        self._resolved: dict[str, tuple[str | None, float]] = {}

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
            found = [t for t in near if t is not None]
            if len(found) == len(near):
                group = [head, *found]
                negated = any(t.negated for t in group)
                soft = not negated and any(t.soft for t in group)
                out.append(
                    Term(
                        concept,
                        negated,
                        head.sentence,
                        min(t.position for t in group),
                        soft=soft,
                        clause=head.clause,
                        lead=head.lead,
                        predicate=head.predicate,
                    )
                )
        return out

    def _resolve(self, concept: str) -> tuple[str | None, float]:
        known = self._resolved.get(concept)
        if known is None:
            known = self._resolved[concept] = self._lookup(concept)
        return known

    def _lookup(self, concept: str) -> tuple[str | None, float]:
        if concept in self._by_concept:
            return concept, 1.0
        if concept in components():
            compound = self._compound(concept)
            if compound:
                self._by_concept[concept] = compound
                return concept, COMPOUND_CREDIT
        if len(concept) < FUZZY_MIN_LENGTH or concept.isdigit() or not self._choices:
            return None, 0.0
        if concept not in self._fuzzy:
            self._fuzzy[concept] = typo_of(concept, self._choices)
        hit = self._fuzzy[concept]
        return (hit, FUZZY_CREDIT) if hit else (None, 0.0)

    def has(self, concept: str) -> bool:
        """Does the answer mention the concept at all (negated or not, allowing typos)?"""
        return self._resolve(concept)[0] is not None

    def hits(self, pattern: Pattern, strict: bool = False) -> tuple[list[Hit], float]:
        """The pattern's concepts the answer mentions with a fitting polarity, and the weight of those it
        only mentions with the opposite one (conflicts).

        A conflict must be local: "takes forever to converge" does not deny "too high and it never
        converges" unless the sentence is about the rest of that phrasing too.
        """
        key = (id(pattern), strict)
        cached = self._hits.get(key)
        if cached is not None and cached[0] is pattern:
            return cached[1], cached[2]
        hits: list[Hit] = []
        opposed: list[tuple[str, float, list[Term]]] = []
        for concept, weight, polarity in pattern.items:
            found, credit = self._resolve(concept)
            if found is None:
                continue
            mentions = self._by_concept[found]
            fit_key = (found, polarity, strict)
            terms = self._fitting.get(fit_key)
            if terms is None:
                terms = self._fitting[fit_key] = tuple(t for t in mentions if _fits(t, polarity, strict))
            if terms:
                hits.append(Hit(concept, weight * credit, terms, frozenset(t.sentence for t in terms)))
            elif polarity != SOFT and _deniable(concept) and not any(t.soft for t in mentions):
                opposed.append((concept, weight, mentions))
        conflict = 0.0
        for concept, weight, mentions in opposed:
            # ... the sentence must state another part of the phrasing plainly
            # (or the rest of it is the question's own topic, which a pronoun can stand for: "it doesn't")
            stated = {t.sentence for h in hits if h.concept != concept for t in h.terms if not t.soft}
            topical = all(w == ECHO_WEIGHT for c, w in pattern.weights.items() if c != concept)
            if topical or any(t.sentence in stated for t in mentions):
                conflict += weight
        self._hits[key] = (pattern, hits, conflict)
        return hits, conflict

    def cover(self, pattern: Pattern) -> Coverage:
        """Weighted share of the pattern stated anywhere with the same polarity, and of conflicts."""
        if pattern.is_empty:
            return Coverage(0.0, 0.0)
        hits, conflict = self.hits(pattern)
        return Coverage(sum(h.weight for h in hits) / pattern.total, conflict / pattern.total)

    def local_cover(self, pattern: Pattern, window: int = 2) -> float:
        """Coverage within the best run of `window` consecutive sentences: ideas stated together."""
        if pattern.is_empty:
            return 0.0
        hits, _ = self.hits(pattern)
        if not hits:
            return 0.0
        best = 0.0
        for start in frozenset().union(*(h.where for h in hits)):
            span = range(start, start + window)
            best = max(best, sum(h.weight for h in hits if any(x in h.where for x in span)))
        return min(1.0, best / pattern.total)

    def clause_terms(self, clause: int) -> list[Term]:
        """The answer's terms in one clause, in order."""
        return [t for t in self.analysis.terms if t.clause == clause]
