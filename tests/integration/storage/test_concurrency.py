"""Races decided by the database, through the core's service, on SQLite and PostgreSQL.

1,000 players answering one daily question at once must give 1,000 attempts; one player sending the same
answer 20 times at once must give one scored attempt. SQLite must queue writers, never report
"database is locked"; PostgreSQL must let its unique indexes pick the winner.
"""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from bot.core.errors import AlreadyAnswered, CoreError, NoActiveQuestion
from bot.core.model import Player, TeamRef
from storage.database import Database
from storage.tables import attempts, points_rollup
from tests.integration.storage.service_world import CHANNEL, choice, service_on


async def _count(db: Database, query: sa.Select[Any]) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.execute(query)).scalar_one())


async def test_a_thousand_players_answer_one_daily_question_at_once(db: Database) -> None:
    service, _clock = service_on(db)
    await service.configure_daily(CHANNEL, TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily(CHANNEL, force=True)
    players = [Player("discord", "g1", f"user-{i}", f"Player {i}") for i in range(1000)]
    answers = ["b" if i % 3 else "a" for i in range(1000)]

    results = await asyncio.gather(
        *(service.submit_daily(p, post.id, a) for p, a in zip(players, answers, strict=True)),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    assert (
        await _count(
            db, sa.select(sa.func.count()).select_from(attempts).where(attempts.c.daily_post_id == post.id)
        )
        == 1000
    )
    assert (
        await _count(
            db,
            sa.select(sa.func.count(sa.distinct(attempts.c.player_id))).where(
                attempts.c.daily_post_id == post.id
            ),
        )
        == 1000
    )
    closed = await service.close_daily(post.id)
    assert closed.answers == 1000
    assert closed.correct == sum(1 for a in answers if a == "b")
    # The board agrees with the attempts: every player who answered right is on it with their points.
    board = await service.team_leaderboard(TeamRef("discord", "g1"), "all", limit=100)
    assert len(board.rows) == 100 and board.rows[0].points > 0


async def test_the_same_player_answering_twenty_times_at_once_scores_once(db: Database) -> None:
    service, _clock = service_on(db)
    await service.configure_daily(CHANNEL, TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily(CHANNEL, force=True)
    player = Player("discord", "g1", "eager", "Eager")

    results = await asyncio.gather(
        *(service.submit_daily(player, post.id, "b") for _ in range(20)), return_exceptions=True
    )

    scored = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(scored) == 1 and scored[0].points > 0
    assert len(refused) == 19 and all(isinstance(r, AlreadyAnswered) for r in refused)
    assert await _count(db, sa.select(sa.func.count()).select_from(attempts)) == 1
    # The rollup counted the one answer once.
    assert (
        await _count(
            db,
            sa.select(sa.func.sum(points_rollup.c.answers)).where(
                points_rollup.c.period == "a", points_rollup.c.topic == ""
            ),
        )
        == 1
    )


async def test_the_same_quiz_answer_sent_twenty_times_at_once_earns_points_once(db: Database) -> None:
    service, _clock = service_on(db, [choice("only")])
    player = Player("console", "team", "fast", "Fast")
    await service.start_quiz(player, count=1)

    results = await asyncio.gather(*(service.submit(player, "b") for _ in range(20)), return_exceptions=True)

    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, CoreError)]
    assert unexpected == []
    assert all(
        isinstance(r, NoActiveQuestion | AlreadyAnswered) for r in results if isinstance(r, BaseException)
    )
    assert (
        await _count(
            db,
            sa.select(sa.func.count())
            .select_from(attempts)
            .where(attempts.c.counted, attempts.c.question_id == "only"),
        )
        == 1
    )
    assert (
        await _count(db, sa.select(sa.func.count()).select_from(attempts).where(attempts.c.points > 0)) == 1
    )
