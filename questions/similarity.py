"""Word-level text similarity for the seed importer: tokens, TF-IDF vectors (numpy) and duplicate grouping.

The four seed pages ask many of the same questions in different words ("What is Backpropagation?",
"Backpropagation", "Explain forward and back propagation"). Interview phrasing ("what do you understand
by", "explain", "differentiate between") carries no topic, so it is dropped before weighting; what is left
is compared with TF-IDF over unigrams and bigrams, so a shared rare term ("autoencoder", "end-to-end")
counts for more than a shared common one ("network"). Everything here is pure and deterministic.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

_WORD = re.compile(r"[a-z0-9]+")

# Function words plus the words interview questions are phrased with ("explain", "differentiate", "vs").
_STOPWORD_LINES = (
    "a about above after again all also am an and any are as at be because been before being below between",
    "both but by can could did do does doing done during each either etc few for from further had has have",
    "having he her here hers how i if in into is it its itself just let me my no nor not of off on once only",
    "or other our out over own same she should so such than that the their them then there these they this",
    "those through to too under until up very was we were what when where which while who whom why will",
    "with would you your yours",
    "explain describe define definition mean meaning understand know tell give brief briefly word words",
    "differentiate difference differences versus vs compare comparison main term various different",
    "some exactly think please example examples procedure procedures one way ways thing things e g eg ie",
)
STOPWORDS: frozenset[str] = frozenset(word for line in _STOPWORD_LINES for word in line.split())
# "... in the context of deep learning" says where, not what: "What is a tensor in deep learning?" asks
# about tensors. (A question *about* deep learning keeps the words: there they are the subject.)
_CONTEXT_PHRASE = re.compile(
    r"\b(?:in|for|with|when using) (?:the )?(?:context of )?(?:deep learning|neural networks?)(?: models?)?\b"
)

# British "-ise/-isation" folded onto "-ize/-ization" so "normalisation" meets "normalization".
_BRITISH = re.compile(r"(?<=\w{3})is(ation|e|ed|es|ing)$")
_SIBILANT_PLURAL = re.compile(r"(?:s|x|z|ch|sh)es$")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A deliberately light stemmer: plurals and British spellings only, so technical terms stay readable."""
    word = _BRITISH.sub(r"iz\1", word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and _SIBILANT_PLURAL.search(word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


def content_tokens(text: str) -> list[str]:
    """Lower-cased, stemmed words of `text` without stopwords, in order (bigrams are built from this)."""
    words = _WORD.findall(_CONTEXT_PHRASE.sub(" ", text.lower()))
    return [stem(w) for w in words if w not in STOPWORDS and not w.isdigit() and len(w) > 1]


def features(text: str) -> list[str]:
    """Unigrams and bigrams of the content tokens: bigrams tell "deep learning" from "machine learning"."""
    tokens = content_tokens(text)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def tfidf_matrix(documents: Sequence[Sequence[str]]) -> NDArray[np.float64]:
    """Rows are L2-normalised TF-IDF vectors (sublinear tf, smoothed idf) of the feature lists given.

    An empty document gets a zero row, so its similarity to everything is 0 rather than NaN.
    """
    vocabulary: dict[str, int] = {}
    for doc in documents:
        for term in doc:
            vocabulary.setdefault(term, len(vocabulary))
    matrix = np.zeros((len(documents), max(1, len(vocabulary))), dtype=np.float64)
    document_frequency = np.zeros(matrix.shape[1], dtype=np.float64)
    for row, doc in enumerate(documents):
        for term, count in Counter(doc).items():
            column = vocabulary[term]
            matrix[row, column] = 1.0 + math.log(count)
            document_frequency[column] += 1.0
    idf = np.log((1.0 + len(documents)) / (1.0 + document_frequency)) + 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def cosine_matrix(documents: Sequence[Sequence[str]]) -> NDArray[np.float64]:
    """Pairwise cosine similarity of the documents' TF-IDF vectors (diagonal 1 for non-empty documents)."""
    vectors = tfidf_matrix(documents)
    return np.asarray(vectors @ vectors.T, dtype=np.float64)


def connected_groups(similarity: NDArray[np.float64], threshold: float) -> list[list[int]]:
    """Union-find over every pair at or above `threshold`; groups of two or more, in first-member order."""
    size = similarity.shape[0]
    parent = list(range(size))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    rows, cols = np.nonzero(np.triu(similarity >= threshold, k=1))
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    members: dict[int, list[int]] = {}
    for node in range(size):
        members.setdefault(find(node), []).append(node)
    return [group for _, group in sorted(members.items()) if len(group) > 1]


class PageVocabulary:
    """Word weights of one page (inverse paragraph frequency), so sharing a rare word ("dropout") says
    more about two paragraphs being on one subject than sharing "network" does."""

    def __init__(self, paragraphs: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        size = 0
        for paragraph in paragraphs:
            counts.update(set(content_tokens(paragraph)))
            size += 1
        self._counts, self._size = counts, max(1, size)

    def words(self, text: str) -> list[str]:
        """The content words of `text`, as `content_tokens` gives them."""
        return content_tokens(text)

    def share(self, words: Iterable[str], known: set[str]) -> float:
        """Weighted fraction of `words` found in `known`; 1.0 when there are no words to judge."""
        unique = set(words)
        if not unique:
            return 1.0
        weight = {w: math.log((1 + self._size) / (1 + self._counts[w])) + 1.0 for w in unique}
        return sum(weight[w] for w in unique & known) / sum(weight.values())
