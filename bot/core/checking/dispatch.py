"""`check`: route an answer to the grader for its question's kind, guarding against bad input.

Every path returns a Grade; an unexpected failure inside a grader is a bug, but the player still gets
a zero grade with an apology rather than a crashed handler.
"""

from __future__ import annotations

import logging

from bot.core.checking.choice import grade_choice, grade_multi_choice, grade_true_false
from bot.core.checking.feedback import open_grade
from bot.core.checking.grade import Grade, Verdict
from bot.core.checking.normalize import MAX_ANALYSED_CHARS, strip_control
from bot.core.checking.numeric import grade_numeric
from bot.core.checking.pairs import grade_matching
from questions.schema import Kind, Question

log = logging.getLogger(__name__)

_GRADERS = {
    Kind.CHOICE: grade_choice,
    Kind.MULTI_CHOICE: grade_multi_choice,
    Kind.TRUE_FALSE: grade_true_false,
    Kind.NUMERIC: grade_numeric,
    Kind.MATCHING: grade_matching,
    Kind.OPEN: open_grade,
}


def check(question: Question, answer_text: str) -> Grade:
    """Grade one answer to one question: score 0..1, verdict, covered/missed key points, feedback.

    Pure and deterministic; bounded time whatever the input (long answers are analysed up to
    `MAX_ANALYSED_CHARS` characters).
    """
    text = answer_text if isinstance(answer_text, str) else ""
    points = tuple(kp.text for kp in question.key_points or ())
    if not strip_control(text.strip()[:MAX_ANALYSED_CHARS]).strip():
        return Grade(0.0, Verdict.INCORRECT, missed=points, feedback="Empty answer: nothing to grade.")
    grader = _GRADERS.get(question.kind)
    if grader is None:
        return Grade(
            0.0, Verdict.INCORRECT, missed=points, feedback=f"Cannot grade a {question.kind} question."
        )
    try:
        grade = grader(question, text)
    except Exception:  # a grader bug must not crash the adapter that called us
        log.exception("checker failed on question %s", question.id)
        return Grade(
            0.0,
            Verdict.INCORRECT,
            missed=points,
            feedback="Sorry, this answer could not be graded automatically; an admin can review it.",
        )
    if len(text) > MAX_ANALYSED_CHARS and question.kind == Kind.OPEN:
        note = f" (Only the first {MAX_ANALYSED_CHARS:,} characters were graded.)"
        grade = Grade(
            grade.score,
            grade.verdict,
            grade.covered,
            grade.missed,
            grade.feedback + note,
            grade.misconceptions,
        )
    return grade
