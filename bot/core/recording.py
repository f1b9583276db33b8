"""Storing a graded answer: the one place that decides points, the counted flag and the review card.

Quiz, review and daily answers all go through `record_attempt`, so the no-farming rule and spaced
repetition apply the same way whatever the mode. What it needs to know of the player's past with the
question (`AnswerHistory`) is one read when the storage offers `HistoryQuery`, three otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast, runtime_checkable

from bot.core.checking.grade import Grade
from bot.core.context import note_recorded
from bot.core.model import Attempt, AttemptDraft, AttemptMode, PlayerRecord, ReviewCard, Team
from bot.core.ports import UnitOfWork
from bot.core.review import reschedule
from bot.core.scoring import points_for
from bot.core.timekeeping import local_date
from questions.schema import Question


@dataclass(frozen=True)
class AnswerHistory:
    """The player's past with a question, as far as recording a new answer is concerned."""

    counted: bool
    """An earlier attempt already earned points (the new one cannot: no farming)."""
    daily_answered: bool
    """The player already answered the daily post asked about (False when none was)."""
    card: ReviewCard | None


@runtime_checkable
class HistoryQuery(Protocol):
    """Optional extra of the attempt repository: `AnswerHistory` in one read. Equivalent to
    `has_counted`, `daily_answer` (when `daily_post_id` is given) and `reviews.get` together."""

    async def history(self, player_id: int, question_id: str, daily_post_id: int | None) -> AnswerHistory: ...


_QUERIES: dict[type, bool] = {}


async def answer_history(
    uow: UnitOfWork, player_id: int, question_id: str, daily_post_id: int | None = None
) -> AnswerHistory:
    """The player's past with the question (and the daily post), read within `uow`."""
    repo = uow.attempts
    kind = type(repo)
    if kind not in _QUERIES:
        _QUERIES[kind] = isinstance(repo, HistoryQuery)
    if _QUERIES[kind]:
        return await cast(HistoryQuery, repo).history(player_id, question_id, daily_post_id)
    counted = await repo.has_counted(player_id, question_id)
    answered = daily_post_id is not None and await repo.daily_answer(daily_post_id, player_id) is not None
    return AnswerHistory(counted, answered, await uow.reviews.get(player_id, question_id))


async def record_attempt(
    uow: UnitOfWork,
    *,
    team: Team,
    player: PlayerRecord,
    question: Question,
    answer: str,
    grade: Grade,
    mode: AttemptMode,
    hints_used: int,
    now: datetime,
    session_id: int | None = None,
    daily_post_id: int | None = None,
    history: AnswerHistory | None = None,
) -> Attempt:
    """Store the attempt (counted only if no earlier attempt of this question earned points) and
    reschedule the player's review card. `history` is `answer_history` read earlier in the same
    transaction (read here when not given). Raises what `AttemptRepository.add` raises."""
    if history is None:
        history = await answer_history(uow, player.id, question.id)
    counted = not history.counted
    points = points_for(question.difficulty, grade.score, hints_used) if counted else 0
    attempt = await uow.attempts.add(
        AttemptDraft(
            player_id=player.id,
            team_id=team.id,
            question_id=question.id,
            topics=tuple(str(t) for t in question.topics),
            difficulty=str(question.difficulty),
            mode=mode,
            answer=answer,
            score=float(grade.score),
            verdict=grade.verdict,
            points=points,
            hints_used=hints_used,
            counted=counted,
            covered=tuple(grade.covered),
            missed=tuple(grade.missed),
            created_at=now,
            local_date=local_date(now, team.timezone),
            daily_post_id=daily_post_id,
            session_id=session_id,
        )
    )
    await uow.reviews.save(reschedule(history.card, player.id, question.id, grade.score, hints_used, now))
    note_recorded(uow, attempt, question)
    return attempt
