"""The answer checker: grades choice, numeric and free-text answers like a careful interviewer.

`check(question, answer_text)` is the one entry point: pure, deterministic and platform-free. It
dispatches on the question's kind and never raises on bad input; an empty or unusable answer gets a
zero grade whose feedback says what was wrong.
"""

from __future__ import annotations

from bot.core.checking.dispatch import check
from bot.core.checking.grade import CORRECT_AT, PARTIAL_AT, Grade, Verdict, verdict_for

__all__ = ["CORRECT_AT", "PARTIAL_AT", "Grade", "Verdict", "check", "verdict_for"]
