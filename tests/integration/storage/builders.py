"""Builders for the storage tests: a stored team and player, and attempt drafts with sensible defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.checking.grade import Verdict
from bot.core.model import AttemptDraft, AttemptMode, PlayerRecord, Team, TeamRef
from storage.database import Database

T0 = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)  # a Wednesday


async def team_and_player(db: Database, user: str = "u1", team: str = "t1") -> tuple[Team, PlayerRecord]:
    async with db.uow_factory() as uow:
        stored = await uow.teams.get_or_create(TeamRef("discord", team, "Team"))
        player = await uow.players.get_or_create(stored.id, user, user.upper())
        await uow.commit()
    return stored, player


def draft(
    player: PlayerRecord,
    question_id: str = "q1",
    *,
    topics: tuple[str, ...] = ("cnn",),
    score: float = 1.0,
    verdict: Verdict = Verdict.CORRECT,
    points: int = 10,
    counted: bool = True,
    day: date | None = None,
    created_at: datetime = T0,
    daily_post_id: int | None = None,
    mode: AttemptMode = AttemptMode.QUIZ,
    answer_text: str = "an answer with ünïcode ✓ and 'quotes'",
) -> AttemptDraft:
    return AttemptDraft(
        player_id=player.id,
        team_id=player.team_id,
        question_id=question_id,
        topics=topics,
        difficulty="fresher",
        mode=mode,
        answer=answer_text,
        score=score,
        verdict=verdict,
        points=points,
        hints_used=0,
        counted=counted,
        covered=("point a",),
        missed=("point b",),
        created_at=created_at,
        local_date=day or created_at.date(),
        daily_post_id=daily_post_id,
    )
