"""Function words: the words that carry grammar rather than content.

Stopwords are dropped from the concepts a text is compared on; clause words (verbs, auxiliaries,
connectives) tell a claim ("it saturates because ...") from a bare label ("saturation").
"""

from __future__ import annotations

from functools import cache

from bot.core.checking.lemmatize import lemma

# fmt: off
STOPWORDS: frozenset[str] = frozenset(
    [
        "a", "about", "again", "against", "also", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does",
        "doing", "during", "each", "either", "else", "etc", "even", "ever", "for", "from", "further", "get",
        "gets", "getting", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
        "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "let", "like",
        "may", "me", "might", "mine", "my", "myself", "of", "on", "once", "onto", "or", "other",
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
def stop_lemmas() -> frozenset[str]:
    """Stopwords and their lemmas, except the negations, which carry meaning."""
    return frozenset({lemma(w) for w in STOPWORDS} | STOPWORDS) - {"not", "no"}
