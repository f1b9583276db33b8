"""The result of checking one answer: the neutral value every adapter renders its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    """Bands of the score; thresholds live in `verdict_for` so all adapters agree."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"


CORRECT_AT = 0.8
PARTIAL_AT = 0.4


def verdict_for(score: float) -> Verdict:
    """Map a 0..1 score to a verdict: correct at 0.8 (a 4/5 interviewer grade), partial at 0.4 (2/5)."""
    if score >= CORRECT_AT:
        return Verdict.CORRECT
    if score >= PARTIAL_AT:
        return Verdict.PARTIAL
    return Verdict.INCORRECT


@dataclass(frozen=True)
class Grade:
    """A graded answer: score in 0..1, verdict, the key points covered and missed, and feedback text.

    `misconceptions` names the wrong claims the answer asserted, so feedback can correct them.
    """

    score: float
    verdict: Verdict
    covered: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    feedback: str = ""
    misconceptions: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """The stable JSON shape of `interview-bot grade --json`."""
        return {
            "score": round(self.score, 4),
            "verdict": self.verdict.value,
            "covered": list(self.covered),
            "missed": list(self.missed),
            "feedback": self.feedback,
            "misconceptions": list(self.misconceptions),
        }
