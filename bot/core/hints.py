"""Hints: reveal one key point at a time, or for choice-like questions take away one wrong option.

The n-th hint is always the same for a question, so a session that survives a restart shows the same hints
again, and the cost is known before asking.
"""

from __future__ import annotations

import re

from questions.schema import Kind, Question


def _wrong_options(question: Question) -> list[str]:
    correct = set(question.correct or [])
    return [o.key for o in question.options or [] if o.key not in correct]


def _first_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)
    return parts[0][:300] if parts and parts[0] else ""


def hints_available(question: Question) -> int:
    """How many distinct hints the question offers."""
    if question.key_points:
        return len(question.key_points)
    if question.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        return max(len(_wrong_options(question)) - 1, 0)
    if question.kind is Kind.MATCHING:
        return max(len(question.pairs or []) - 1, 0)
    if question.kind is Kind.NUMERIC:
        units = question.numeric.units if question.numeric else None
        return 1 if (units or _first_sentence(question.explanation)) else 0
    return 0


def hint_text(question: Question, number: int) -> str:
    """The `number`-th hint (1-based); callers check `hints_available` first."""
    if question.key_points:
        point = question.key_points[number - 1]
        return f"Key point {number} of {len(question.key_points)}: {point.text}"
    if question.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        key = sorted(_wrong_options(question), reverse=True)[number - 1]
        return f"It is not ({key}) {question.option_text(key) or ''}".rstrip()
    if question.kind is Kind.MATCHING:
        pair = (question.pairs or [])[number - 1]
        return f"{pair.left} → {pair.right}"
    units = question.numeric.units if question.numeric else None
    sentence = _first_sentence(question.explanation)
    if sentence:
        return sentence + (f" (answer in {units})" if units else "")
    return f"The answer is in {units}."
