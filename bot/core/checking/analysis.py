"""One pass over a text: concepts (lemmas and lexicon synonyms), their negation, and shape statistics.

Both sides of a comparison (answer, reference, key point, misconception) go through `analyse`, so they
meet in the same normal form. A term is *negated* when a negation cue ("not", "never", "without",
"instead of", ...) precedes it in the same clause, which is how "it does not saturate" is told apart from
"it saturates".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from bot.core.checking.lemmatize import lemma
from bot.core.checking.lexicon import ARTICLES, concepts, expand
from bot.core.checking.normalize import clauses, clean, sentences, words

# fmt: off
STOPWORDS: frozenset[str] = frozenset(
    [
        "a", "about", "again", "against", "also", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does",
        "doing", "during", "each", "either", "else", "etc", "even", "ever", "for", "from", "further", "get",
        "gets", "getting", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
        "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "let", "like",
        "may", "me", "might", "mine", "must", "my", "myself", "of", "on", "once", "onto", "or", "other",
        "others", "otherwise", "our", "ours", "ourselves", "out", "own", "per", "quite", "rather", "really",
        "say", "says", "she", "should", "since", "so", "some", "such", "than", "that", "the", "their",
        "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "though",
        "through", "thus", "to", "too", "until", "upon", "us", "use", "used", "uses", "using", "very",
        "via", "was", "way", "we", "well", "were", "what", "whatever", "when", "where", "whether", "which",
        "while", "who", "whom", "whose", "why", "will", "with", "within", "would", "yet", "you", "your",
        "yours", "yourself", "yourselves", "basically", "actually", "thing", "things", "stuff", "something",
        "anything", "everything", "kind", "sort", "make", "makes", "made", "called", "call", "calls",
        "mean", "means", "meaning", "usually", "often", "typically", "generally", "mostly", "simply", "e",
        "g", "ie", "eg", "versus", "vs", "instead", "whereas", "although", "however", "therefore", "hence",
        "maybe", "perhaps", "probably", "pretty", "bit", "kinda", "sorta", "okay", "yeah", "yes",
    ]
)
# fmt: on

# fmt: off
NEGATION_CUES: frozenset[str] = frozenset(
    {
        "not", "no", "never", "without", "neither", "nor", "none", "nothing", "nobody", "hardly", "lack",
        "lacks", "lacking", "unable", "fail", "fails", "failed", "cannot", "nowhere", "noone",
    }
)
# fmt: on
_NEGATION_PHRASES: tuple[tuple[str, str], ...] = (("instead", "of"), ("rather", "than"))
_NOT_NEGATION_AFTER = frozenset({"only", "just", "merely", "necessarily", "doubt", "matter", "longer"})
# fmt: off
PURPOSE_OPENERS = frozenset(
    {
        "so", "to", "ensure", "ensures", "ensuring", "avoid", "avoids", "avoiding", "prevent", "prevents",
        "preventing",
    }
)
# fmt: on
NEGATION_SCOPE = 6  # content terms a cue can reach

# Words that make a sentence a claim rather than a label: verbs, auxiliaries, connectives.
# fmt: off
CLAUSE_WORDS: frozenset[str] = frozenset(
    [
        "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "can",
        "could", "will", "would", "should", "may", "might", "must", "because", "so", "if", "when", "since",
        "therefore", "thus", "which", "that", "where", "while", "whereas", "but", "although", "then",
        "than", "lets", "allows", "makes", "means", "gives", "takes", "needs", "learns", "learn", "learns",
        "maps", "uses", "computes", "produces", "turns", "helps", "keeps", "stops", "prevents", "avoids",
        "causes", "leads", "works", "tends", "becomes", "gets", "passes", "applies", "adds",
    ]
)
# fmt: on


@cache
def _stop_lemmas() -> frozenset[str]:
    return frozenset({lemma(w) for w in STOPWORDS} | STOPWORDS) - {"not", "no"}


@dataclass(frozen=True, slots=True)
class Term:
    """One content concept of a text, where it sits and whether a negation cue governs it."""

    concept: str
    negated: bool
    sentence: int
    position: int


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

    @property
    def concepts(self) -> frozenset[str]:
        """Every concept the text mentions, negated or not."""
        return self.positive | self.negated

    @property
    def is_empty(self) -> bool:
        return not self.terms


def _negation_flags(tokens: list[str]) -> list[bool]:
    """Per token: is it inside the scope of a negation cue of this clause?"""
    flags = [False] * len(tokens)
    stop = _stop_lemmas()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        is_cue = token in NEGATION_CUES and not (i + 1 < len(tokens) and tokens[i + 1] in _NOT_NEGATION_AFTER)
        if not is_cue and i + 1 < len(tokens) and (token, tokens[i + 1]) in _NEGATION_PHRASES:
            is_cue = True
            i += 1
        if is_cue:
            reach = 0
            j = i + 1
            while j < len(tokens) and reach < NEGATION_SCOPE:
                flags[j] = True
                if tokens[j] not in stop:
                    reach += 1
                j += 1
        i += 1
    return flags


def _clause_terms(clause: str, sentence: int, start: int, out: list[Term]) -> tuple[int, int, int]:
    raw = [w for w in words(clause) if w not in ARTICLES]
    expanded = [part for w in raw for part in expand(w)]
    lemmas = [lemma(w) for w in expanded]
    # "so (that) gradients don't vanish" states a purpose, not a denial of the fact it mentions.
    purpose = bool(raw) and raw[0] in PURPOSE_OPENERS
    flags = [False] * len(expanded) if purpose else _negation_flags(expanded)
    stop = _stop_lemmas()
    position = start
    for concept, begin, end in concepts(lemmas):
        if end - begin == 1 and (
            expanded[begin] in STOPWORDS or concept in stop or expanded[begin] in NEGATION_CUES
        ):
            continue
        out.append(Term(concept, flags[begin], sentence, position))
        position += 1
    clause_words = sum(1 for w in raw if w in CLAUSE_WORDS)
    return position, len(raw), clause_words


def analyse(text: str) -> Analysis:
    """Analyse a text: clean it, split it, and list its concepts with their negation."""
    cleaned = clean(text)
    terms: list[Term] = []
    word_count = clause_word_count = list_items = 0
    position = 0
    sents = sentences(cleaned)
    for index, sentence in enumerate(sents):
        parts = clauses(sentence)
        list_items += sum(1 for part in parts if 0 < len(part.split()) <= 3)
        for part in parts:
            position, n_words, n_clause = _clause_terms(part, index, position, terms)
            word_count += n_words
            clause_word_count += n_clause
    counts = Counter(term.concept for term in terms)
    positive = frozenset(t.concept for t in terms if not t.negated)
    negated = frozenset(t.concept for t in terms if t.negated)
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
    )
