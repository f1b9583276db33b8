"""Turning free-text signals into a Grade with short feedback an interviewer would give.

Feedback names what was wrong first (a misconception and its correction, a denied key point, an echo of
the question, a bare keyword list, an off-topic answer), then the key points that were missed.
"""

from __future__ import annotations

from bot.core.checking.freetext import Signals, Weights, combine, signals, weights_for
from bot.core.checking.grade import Grade, verdict_for
from bot.core.checking.profile import profile
from questions.schema import Question

MAX_LISTED = 3
MAX_POINT_CHARS = 120


def _short(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text if len(text) <= MAX_POINT_CHARS else text[: MAX_POINT_CHARS - 1].rstrip() + "…"


def open_grade(question: Question, answer: str) -> Grade:
    """Grade a free-text answer against the question's key points, reference and misconceptions."""
    prof = profile(question)
    weights = weights_for(prof)
    s = signals(prof, answer)
    score = combine(s, weights)
    covered = tuple(p.text for p in s.points if p.credit(weights) >= 0.5)
    missed = tuple(p.text for p in s.points if p.credit(weights) < 0.5)
    feedback = feedback_text(s, weights, score, covered, missed, prof.pseudo_points)
    return Grade(
        score, verdict_for(score), covered, missed, feedback, tuple(m.text for m in s.misconceptions)
    )


def feedback_text(
    s: Signals,
    weights: Weights,
    score: float,
    covered: tuple[str, ...],
    missed: tuple[str, ...],
    pseudo: bool,
) -> str:
    """Short feedback: problems first, then what a complete answer would add."""
    parts: list[str] = []
    if s.wordless:
        return "No words to grade: the answer holds only symbols, emoji or filler."
    if s.offtopic:
        parts.append("This does not seem to answer the question.")
    for wrong in s.misconceptions[:MAX_LISTED]:
        correction = f" {wrong.correction}" if wrong.correction else ""
        parts.append(f'Careful: "{_short(wrong.text)}" is a misconception.{correction}')
    denied = [p.text for p in s.points if p.negated]
    if denied:
        parts.append("You stated the opposite of: " + "; ".join(_short(t) for t in denied[:MAX_LISTED]) + ".")
    if s.shape.echo > 0.4:
        parts.append("Much of the answer restates the question.")
    if s.salad > 0.5:
        parts.append("It reads like a list of keywords; explain what they do and why.")
    if missed and not s.offtopic:
        label = "Parts of the reference answer you did not cover" if pseudo else "Missed"
        shown = "; ".join(_short(t) for t in missed[:MAX_LISTED])
        more = f" (and {len(missed) - MAX_LISTED} more)" if len(missed) > MAX_LISTED else ""
        parts.append(f"{label}: {shown}{more}.")
    total = len(covered) + len(missed)
    if total and not pseudo:
        parts.insert(0, f"Covered {len(covered)} of {total} key points.")
    if not parts:
        parts.append("Good answer." if score >= 0.8 else "Partly right.")
    return " ".join(parts)
