"""Storing a graded answer: the one place that decides points, the counted flag and the review card.

Quiz, review and daily answers all go through `record_attempt`, so the no-farming rule and spaced
repetition apply the same way whatever the mode.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.checking.grade import Grade
from bot.core.model import Attempt, AttemptDraft, AttemptMode, PlayerRecord, Team
from bot.core.ports import UnitOfWork
from bot.core.review import reschedule
from bot.core.scoring import points_for
from bot.core.timekeeping import local_date
from questions.schema import Question


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
) -> Attempt:
    """Store the attempt (counted only if no earlier attempt of this question earned points) and
    reschedule the player's review card. Raises what `AttemptRepository.add` raises."""
    counted = not await uow.attempts.has_counted(player.id, question.id)
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
    card = await uow.reviews.get(player.id, question.id)
    await uow.reviews.save(reschedule(card, player.id, question.id, grade.score, hints_used, now))
    return attempt
