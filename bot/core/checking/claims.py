"""Does an answer *assert* a claim (a misconception), rather than merely mention its words?

Mentioning the words of a wrong claim is not making it: "unlike the sigmoid, tanh is zero-centred" uses
every word of "the sigmoid is zero-centred". An answer asserts a claim when one sentence states most of
it, plainly (not negated, not set aside by "instead of" or "unlike"), in the claim's word order, including
what the claim adds to the topic (its core), and about the claim's subject: the clause that states the
predicate must not be about something else.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.checking.analysis import Term
from bot.core.checking.lexicon import domain_concepts
from bot.core.checking.matching import AnswerIndex, Hit, Pattern, movable_verbs

MISCONCEPTION_AT = 0.7  # single-sentence coverage of a wrong claim that counts as asserting it
MAX_MENTIONS = 8  # mentions of one concept per sentence considered for word order (bounds the work)


@dataclass(frozen=True)
class Chain:
    """The best in-order run of a pattern's concepts in one sentence."""

    weight: float
    terms: tuple[Term, ...]  # one mention per concept, in the pattern's order and the sentence's
    concepts: tuple[str, ...] = ()  # the pattern's concept each mention stands for (typos differ)

    @property
    def span(self) -> int:
        return self.terms[-1].position - self.terms[0].position + 1 if self.terms else 0


def in_order_chain(hits: list[Hit], sentence: int, rank: dict[str, int]) -> Chain:
    """The heaviest choice of mentions whose concepts follow the pattern's order, over *all* mentions in
    the sentence (so a word that also appeared earlier does not spoil the order); ties go to the
    tightest span."""
    events: list[tuple[int, int, float, Term, str]] = []
    for hit in hits:
        mentions = [t for t in hit.terms if t.sentence == sentence][:MAX_MENTIONS]
        events.extend((t.position, rank[hit.concept], hit.weight, t, hit.concept) for t in mentions)
    events.sort(key=lambda e: (e[0], e[1]))
    # best[k]: (weight, -span, previous index) of the best chain ending with event k
    best: list[tuple[float, int, int]] = []
    starts: list[int] = []
    for k, (position, r, weight, _, _) in enumerate(events):
        choice = (weight, 0, -1)
        start = position
        for j in range(k):
            if events[j][1] < r and events[j][0] <= position:
                candidate = (best[j][0] + weight, -(position - starts[j]), j)
                if candidate[:2] > choice[:2]:
                    choice, start = candidate, starts[j]
        best.append(choice)
        starts.append(start)
    if not best:
        return Chain(0.0, ())
    last = max(range(len(best)), key=lambda i: best[i][:2])
    chosen: list[int] = []
    k = last
    while k >= 0:
        chosen.append(k)
        k = best[k][2]
    chosen.reverse()
    return Chain(best[last][0], tuple(events[k][3] for k in chosen), tuple(events[k][4] for k in chosen))


def out_of_order(hits: list[Hit], sentence: int, rank: dict[str, int], chain: Chain) -> tuple[int, int]:
    """Word-order disagreements of the concepts left out of the chain, each at its best-placed mention,
    and the span of the chain with those mentions."""
    placed = set(chain.concepts)
    chain_ranks = [(t.position, rank[c]) for t, c in zip(chain.terms, chain.concepts, strict=True)]
    positions = [t.position for t in chain.terms]
    total = 0
    for hit in hits:
        if hit.concept in placed:
            continue
        r = rank[hit.concept]
        cost, position = min(
            (sum(1 for p, other in chain_ranks if (p < t.position) != (other < r)), t.position)
            for t in hit.terms
            if t.sentence == sentence
        )
        total += cost
        positions.append(position)
    return total, (max(positions) - min(positions) + 1 if positions else 0)


def _other_subject(index: AnswerIndex, pattern: Pattern, chain: Chain) -> bool:
    """Is the (sub-)clause stating the claim's predicate about a technical subject of its own?

    "Classical ML needs hand-crafted features" does not assert "deep learning needs hand-crafted
    features". A clause without a subject ("..., but zero-centred") takes the one before it in the
    sentence; a sentence without any ("The columns of A must equal the rows of B.") continues the topic.
    """
    if not pattern.subject:
        return False
    predicate = next(
        (t for t, c in zip(chain.terms, chain.concepts, strict=True) if c not in pattern.subject), None
    )
    if predicate is None:
        return False
    clause = predicate.clause
    while clause >= 0:
        lead = [
            t
            for t in index.clause_terms(clause)
            if t.lead and t.plain and t.sentence == predicate.sentence and t.position < predicate.position
        ]
        if lead:
            ours = any(t.concept in pattern.subject for t in lead)
            technical = domain_concepts()
            return not ours and any(t.concept not in pattern.weights and t.concept in technical for t in lead)
        if not any(t.sentence == predicate.sentence for t in index.clause_terms(clause - 1)):
            return False
        clause -= 1
    return False


def _formula(index: AnswerIndex, chain: Chain) -> bool:
    """Do symbols sit between the claim's words ("Swish is x * sigmoid(x)")? Then it is a formula that
    uses them, not a claim relating them."""
    if len(chain.terms) < 2:
        return False
    first, last = chain.terms[0].position, chain.terms[-1].position
    placed = {t.position for t in chain.terms}
    symbols = (t for t in index.analysis.terms if len(t.concept) == 1 or t.concept.isdigit())
    return any(first < t.position < last and t.position not in placed for t in symbols)


def _predicated(index: AnswerIndex, pattern: Pattern, chain: Chain) -> bool:
    """A claim about a subject needs a verb in the clause that states its predicate: "Swish(x) = x *
    sigmoid(x)" names the sigmoid but does not say that Swish *is* the sigmoid."""
    if not pattern.subject:
        return True
    predicate = next(
        (t for t, c in zip(chain.terms, chain.concepts, strict=True) if c not in pattern.subject), None
    )
    if predicate is None:
        return True
    return any(t.lead or t.predicate for t in index.clause_terms(predicate.clause))


def asserts(index: AnswerIndex, pattern: Pattern) -> float:
    """How strongly one sentence of the answer states this (wrong) claim: 0 when it does not.

    The claim must be stated in one sentence, in the claim's word order (at most one word out of place
    in a long claim; a generic verb may move after the subject, as in the passive), and include what
    it adds to the topic (its core). A claim made only of topic words is a relation between them, so
    all of them must appear, close together.
    """
    if pattern.is_empty or index.cover(pattern).conflict > 0.2:
        return 0.0  # the answer denies the wrong claim, which is right
    hits, _ = index.hits(pattern, strict=True)
    rank = {c: i for i, c in enumerate(pattern.order)}
    core_total = sum(pattern.weights[c] for c in pattern.core)
    size = len(pattern.weights)
    best = 0.0
    for sentence in frozenset().union(*(h.where for h in hits)) if hits else ():
        here = [h for h in hits if sentence in h.where]
        if sum(h.weight for h in here) / pattern.total < max(MISCONCEPTION_AT, best):
            continue
        chain = in_order_chain(here, sentence, rank)
        if chain.concepts and chain.concepts[0] in pattern.subject:
            # The subject leads, so a generic verb may move ("the input layer, where the weights are
            # learned"); the order of the things the claim relates still counts.
            movable = movable_verbs()
            ordered = [h for h in here if h.concept not in movable or h.concept in pattern.subject]
            if len(ordered) < len(here):
                chain = in_order_chain(ordered, sentence, rank)
        else:
            ordered = here
        allowance = 1 if len(here) >= 4 else 0  # one word out of place in a long claim is still the claim
        disorder, span = out_of_order(ordered, sentence, rank, chain)
        if len(chain.terms) < min(2, size) or disorder > allowance:
            continue
        coverage = sum(h.weight for h in here) / pattern.total
        core = sum(h.weight for h in here if h.concept in pattern.core) / core_total if core_total else 1.0
        if core < 0.5:
            continue
        if not pattern.core and (coverage < 0.99 or span > size + 2 or _formula(index, chain)):
            continue
        if _other_subject(index, pattern, chain) or not _predicated(index, pattern, chain):
            continue
        best = coverage
    return best
