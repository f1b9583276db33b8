"""Grading matching questions: credit per correct left → right pair.

Answers name pairs by text ("rule-based system -> hand-designed program, ...", one pair per line, comma
or semicolon) or by position ("1-b, 2-a": numbers index the left items and letters the right items, both
in the order the question lists its pairs). Each side is matched fuzzily to the closest item.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from bot.core.checking.grade import Grade, verdict_for
from bot.core.checking.normalize import strip_control
from questions.schema import Question

MAX_PAIRS_CHARS = 4000
SIDE_CUTOFF = 55.0

_SEGMENTS = re.compile(r"\n|;|,(?![^()\[\]]*[)\]])")
_INDEXED = re.compile(r"(?<![\w])(\d{1,2})\s*[-–—:=>→.)]*\s*\(?([a-z])\)?(?![\w])")
_SEPARATOR = re.compile(r"\s*(?:-+>|=>|→|⇒|->|:|=|\s[-–—]\s|\s[-–—]|[-–—]\s)\s*")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", strip_control(text[:MAX_PAIRS_CHARS])).lower()


def _best(text: str, items: list[str]) -> tuple[int, float]:
    scored = [(fuzz.token_set_ratio(text, item.lower()), index) for index, item in enumerate(items)]
    score, index = max(scored)
    return index, float(score)


def parse_pairs(answer: str, question: Question) -> dict[int, int]:
    """Left index → right index, as the answer states them (later statements win)."""
    pairs = question.pairs or []
    lefts = [p.left for p in pairs]
    rights = [p.right for p in pairs]
    text = _clean(answer)
    found: dict[int, int] = {}
    for match in _INDEXED.finditer(text):
        left, right = int(match.group(1)) - 1, ord(match.group(2)) - ord("a")
        if 0 <= left < len(lefts) and 0 <= right < len(rights):
            found[left] = right
    if found:
        return found
    for segment in _SEGMENTS.split(text):
        parts = [p for p in _SEPARATOR.split(segment.strip(), maxsplit=1) if p.strip()]
        if len(parts) != 2:
            continue
        left, left_score = _best(parts[0], lefts)
        right, right_score = _best(parts[1], rights)
        if left_score >= SIDE_CUTOFF and right_score >= SIDE_CUTOFF:
            found[left] = right
    return found


def grade_matching(question: Question, answer: str) -> Grade:
    """Score = correct pairs / all pairs; feedback lists the pairs that were wrong or missing."""
    pairs = question.pairs or []
    if not pairs:
        return Grade(0.0, verdict_for(0.0), feedback="This question has no pairs to match.")
    stated = parse_pairs(answer, question)
    if not stated:
        return Grade(
            0.0,
            verdict_for(0.0),
            feedback="No pairs recognised; answer like '1-b, 2-a' or 'left -> right', one pair per comma.",
        )
    right = sum(1 for left, chosen in stated.items() if chosen == left)
    score = right / len(pairs)
    wrong = [pairs[i].left for i in range(len(pairs)) if stated.get(i) != i]
    if not wrong:
        return Grade(1.0, verdict_for(1.0), feedback="All pairs correct.")
    shown = "; ".join(f"{p.left} → {p.right}" for p in pairs if p.left in wrong)
    return Grade(
        score, verdict_for(score), feedback=f"{right} of {len(pairs)} pairs right. Correct pairs: {shown}."
    )
