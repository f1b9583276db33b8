"""Forgiving typos without confusing different words.

Fuzzy matching is what lets "gradeints" count as "gradients", but a plain similarity cut-off also lets
"completely" pass for "complex", "equivariant" for "invariant" and "undirected" for "directed". A typo
keeps a word's first letter and its length roughly; a negating prefix (un-, in-, non-, ir-, ...) makes a
different word, never a typo; and short words need a closer match, since one changed letter in a short
word is often another word.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 84.0  # rapidfuzz ratio (0..100) for words of `LONG_WORD` characters or more
LONG_WORD = 8
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "non", "dis", "de", "anti", "a")
_CANDIDATES = 4


def negates(a: str, b: str) -> bool:
    """Is one word the other with a negating prefix ("undirected" / "directed")?"""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    for prefix in NEGATING_PREFIXES:
        if longer.startswith(prefix) and longer[len(prefix) :].lstrip("_ ") == shorter:
            return True
    return False


def plausible_typo(word: str, candidate: str) -> bool:
    """Could `candidate` be `word` mistyped (or the other way round)?

    Long words allow a few edits (rapidfuzz ratio); a short word only one swapped, missing or extra
    letter, since one *changed* letter in a short word often makes another word ("complet"/"complex").
    """
    if not word or not candidate or word[0] != candidate[0] or negates(word, candidate):
        return False
    if max(len(word), len(candidate)) >= LONG_WORD:
        return fuzz.ratio(word, candidate) >= FUZZY_CUTOFF
    if OSA.distance(word, candidate) != 1:
        return False
    changed = sum(1 for a, b in zip(word, candidate, strict=False) if a != b)
    return not (len(word) == len(candidate) and changed == 1)


def typo_of(word: str, choices: list[str]) -> str | None:
    """The choice `word` is most plausibly a typo of, or None."""
    best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    if plausible_typo(word, best[0]):
        return str(best[0])
    found = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=_CANDIDATES)
    for candidate, _, _ in found:
        if plausible_typo(word, candidate):
            return str(candidate)
    return None
