"""One pass over a text: concepts (lemmas and lexicon synonyms), their negation, and shape statistics.

Both sides of a comparison (answer, reference, key point, misconception) go through `analyse`, so they
meet in the same normal form. A term is *negated* when a negation cue ("not", "never", "without",
"instead of", ...) precedes it in the same clause, which is how "it does not saturate" is told apart from
"it saturates".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.core.checking.function_words import CLAUSE_WORDS, STOPWORDS, stop_lemmas
from bot.core.checking.lemmatize import lemma
from bot.core.checking.lexicon import ARTICLES, concepts, expand
from bot.core.checking.normalize import clauses, clean, sentences, words
from bot.core.checking.polarity import (
    NEGATED,
    NEGATION_CUES,
    PLAIN,
    PURPOSE_OPENERS,
    SOFT,
    identity_words,
    is_negation,
    polarities,
)
from bot.core.checking.subjects import segments

__all__ = ["CLAUSE_WORDS", "STOPWORDS", "Analysis", "Term", "analyse"]


@dataclass(frozen=True, slots=True)
class Term:
    """One content concept of a text: where it sits and how the text holds it.

    `negated`: a negation cue denies it ("does *not* saturate"). `soft`: it is mentioned but set aside
    (after "instead of" or "unlike", in a purpose clause, under a negation of degree such as "don't
    decay *too fast*"), so it neither states nor denies a claim. `lead`: it comes before the first verb
    of its clause, where the clause's subject sits.
    """

    concept: str
    negated: bool
    sentence: int
    position: int
    soft: bool = False
    clause: int = 0
    lead: bool = False
    hedged: bool = False  # plain, but in a clause with a negation that may reach it ("can't train it *with
    # backprop*"): its polarity is uncertain, so it never contradicts a claim
    predicate: bool = False  # it comes after its sub-clause's first verb, where what is claimed sits

    @property
    def plain(self) -> bool:
        """Stated as a plain assertion: neither negated nor set aside."""
        return not self.negated and not self.soft


@dataclass(frozen=True)
class Analysis:
    """Everything the free-text checker needs from one text, computed once."""

    cleaned: str
    terms: tuple[Term, ...]
    word_count: int
    clause_word_count: int
    sentence_count: int
    list_items: int
    counts: Counter[str]
    positive: frozenset[str]
    negated: frozenset[str]
    soft: frozenset[str] = frozenset()

    @property
    def concepts(self) -> frozenset[str]:
        """Every concept the text mentions, negated or not."""
        return self.positive | self.negated | self.soft

    @property
    def is_empty(self) -> bool:
        return not self.terms


def _clause_terms(
    clause: str, sentence: int, clause_index: int, start: int, out: list[Term]
) -> tuple[int, int, int, int]:
    raw = [w for w in words(clause) if w not in ARTICLES]
    expanded = [part for w in raw for part in expand(w)]
    lemmas = [lemma(w) for w in expanded]
    purpose = bool(raw) and (raw[0] in PURPOSE_OPENERS or raw[:2] == ["so", "that"])
    spans = concepts(lemmas)
    inert = frozenset(j for _, begin, end in spans if end - begin > 1 for j in range(begin, end))
    identity = identity_words(expanded)
    flags, cues = polarities(expanded, purpose, inert, frozenset(identity))
    segment, lead, after_verb = segments(expanded, NEGATION_CUES)
    first_negation = min((j for j in cues if is_negation(expanded, j)), default=len(expanded))
    stop = stop_lemmas()
    position = start
    for concept, begin, end in spans:
        if end - begin == 1 and (
            expanded[begin] in STOPWORDS
            or concept in stop
            or expanded[begin] in NEGATION_CUES
            or begin in cues
        ):
            continue
        if (identity or cues) and all(j in identity or j in cues for j in range(begin, end)):
            continue
        if end - begin == 1:
            flag = flags[begin]
        else:
            span = flags[begin:end]
            flag = NEGATED if NEGATED in span else max(span)
        out.append(
            Term(
                concept,
                flag == NEGATED,
                sentence,
                position,
                soft=flag == SOFT,
                clause=clause_index + segment[begin],
                lead=lead[begin],
                hedged=flag == PLAIN and first_negation < begin,
                predicate=after_verb[begin],
            )
        )
        position += 1
    clause_words = sum(1 for w in raw if w in CLAUSE_WORDS)
    return position, len(raw), clause_words, (segment[-1] + 1 if segment else 1)


def analyse(text: str) -> Analysis:
    """Analyse a text: clean it, split it, and list its concepts with their negation."""
    cleaned = clean(text)
    terms: list[Term] = []
    word_count = clause_word_count = list_items = 0
    position = clause_index = 0
    sents = sentences(cleaned)
    for index, sentence in enumerate(sents):
        parts = clauses(sentence)
        list_items += sum(1 for part in parts if 0 < len(part.split()) <= 3)
        for part in parts:
            position, n_words, n_clause, n_segments = _clause_terms(
                part, index, clause_index, position, terms
            )
            clause_index += n_segments
            word_count += n_words
            clause_word_count += n_clause
    counts = Counter(term.concept for term in terms)
    positive = frozenset(t.concept for t in terms if t.plain)
    negated = frozenset(t.concept for t in terms if t.negated)
    soft = frozenset(t.concept for t in terms if t.soft)
    return Analysis(
        cleaned=cleaned,
        terms=tuple(terms),
        word_count=word_count,
        clause_word_count=clause_word_count,
        sentence_count=len(sents),
        list_items=list_items,
        counts=counts,
        positive=positive,
        negated=negated,
        soft=soft,
    )
