"""What the service returns to adapters: neutral results each adapter renders its own way."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.checking.grade import Grade
from bot.core.model import (
    Appeal,
    Attempt,
    AttemptMode,
    Group,
    LeaderboardRow,
    SessionState,
    Team,
    Window,
)
from questions.schema import Question


@dataclass(frozen=True)
class QuestionView:
    """A question being asked: `position` is 1-based within the session's `total`."""

    session_id: int
    question: Question
    position: int
    total: int
    mode: AttemptMode
    hints_used: int = 0
    hints_available: int = 0
    hint_cost: int = 0


@dataclass(frozen=True)
class SessionSummary:
    """How a quiz session went, shown when it ends (finished or stopped)."""

    session_id: int
    state: SessionState
    total: int
    answered: int
    skipped: int
    points: int


@dataclass(frozen=True)
class Feedback:
    """A graded answer: the stored attempt, the checker's grade, the question (for its reference answer and
    explanation), and what comes next (the next question, or the summary when the session ended)."""

    attempt: Attempt
    grade: Grade
    question: Question
    counted: bool
    points: int
    next_question: QuestionView | None = None
    summary: SessionSummary | None = None


@dataclass(frozen=True)
class HintView:
    """A hint on the current question and what it costs (points off a counted answer)."""

    text: str
    hints_used: int
    hints_available: int
    cost_each: int


@dataclass(frozen=True)
class SkipResult:
    skipped_question: Question | None
    next_question: QuestionView | None
    summary: SessionSummary | None


@dataclass(frozen=True)
class Leaderboard:
    team: Team
    window: Window
    topic: str | None
    group: Group | None
    rows: tuple[LeaderboardRow, ...]
    me: LeaderboardRow | None = None


@dataclass(frozen=True)
class AppealDetails:
    """An appeal with the attempt it is about and who made it, for the admins' list."""

    appeal: Appeal
    attempt: Attempt | None
    player_name: str
