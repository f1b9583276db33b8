"""Races decided by the database, through the core's service, on SQLite and PostgreSQL.

1,000 players answering one daily question at once must give 1,000 attempts; one player sending the same
answer 20 times at once must give one scored attempt. SQLite must queue writers, never report
"database is locked"; PostgreSQL must let its unique indexes pick the winner.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from bot.core.errors import AlreadyAnswered, CoreError, NoActiveQuestion, StaleQuestion
from bot.core.model import Player, TeamRef
from storage.database import Database, open_database
from storage.tables import attempts, points_rollup, quiz_sessions
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


async def test_twenty_copies_of_one_quiz_answer_move_the_session_once(db: Database) -> None:
    """A double-clicked answer button, delivered to four processes at once (four services on one database,
    each with its own group commit): one attempt, the session moved on by one question, the copies refused
    with `StaleQuestion` (the compare-and-set on the session, or the stale-question check after it)."""
    questions = [choice(f"q{i}") for i in range(1, 4)]
    services = [service_on(db, questions)[0] for _ in range(4)]
    player = Player("slack", "T1", "clicker", "Clicker")
    first = await services[0].start_quiz(player, count=3)

    results = await asyncio.gather(
        *(services[i % 4].submit(player, "b", question_id=first.question.id) for i in range(20)),
        return_exceptions=True,
    )

    taken = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(taken) == 1 and taken[0].question.id == first.question.id
    assert len(refused) == 19 and all(isinstance(r, StaleQuestion) and r.message for r in refused), refused
    assert await _count(db, sa.select(sa.func.count()).select_from(attempts)) == 1
    async with db.engine.connect() as connection:
        stored = (await connection.execute(sa.select(quiz_sessions))).one()
    assert (stored.position, stored.answered, stored.points) == (1, 1, taken[0].points)
    following = await services[1].current_question(player)
    assert following.position == 2 and following.question.id != first.question.id


async def test_a_duplicate_inside_a_batch_costs_no_other_answer(db: Database) -> None:
    """Thirty players answer at once through two processes, and one of them answers through both: the
    database refuses the second copy inside some shared transaction; every other answer is kept."""
    one, _clock = service_on(db)
    two, _ = service_on(db)
    await one.configure_daily(CHANNEL, TeamRef("discord", "g1"), "09:00")
    post = await one.open_daily(CHANNEL, force=True)
    both = Player("discord", "g1", "both", "Both")
    calls = [one.submit_daily(both, post.id, "b"), two.submit_daily(both, post.id, "b")]
    calls += [(one, two)[i % 2].submit_daily(Player("discord", "g1", f"p{i}", f"P{i}"), post.id, "b")
              for i in range(30)]

    results = await asyncio.gather(*calls, return_exceptions=True)

    assert sum(isinstance(r, AlreadyAnswered) for r in results[:2]) == 1
    assert not any(isinstance(r, BaseException) for r in results[2:])
    assert await _count(db, sa.select(sa.func.count()).select_from(attempts)) == 31
    board = await one.team_leaderboard(TeamRef("discord", "g1"), "all", limit=50)
    assert len(board.rows) == 31 and all(row.points > 0 for row in board.rows)


class _Paused:
    """Session reads that stop once, right after the read, until the test lets them go: the request then
    writes what it decided from a session another request has moved on meanwhile."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.go = asyncio.Event()
        self.used = False

    def factory(self, db: Database) -> Any:
        def make() -> Any:
            uow = db.uow_factory()
            uow.sessions = _PausingSessions(uow.sessions, self)  # type: ignore[assignment]
            return uow

        return make

    async def hold(self) -> None:
        if not self.used:
            self.used = True
            self.reached.set()
            await self.go.wait()


class _PausingSessions:
    def __init__(self, inner: Any, pause: _Paused) -> None:
        self.inner = inner
        self.pause = pause

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def active_for(self, player_id: int) -> Any:
        found = await self.inner.active_for(player_id)
        await self.pause.hold()
        return found

    async def active_with_history(self, player_id: int) -> Any:
        found = await self.inner.active_with_history(player_id)
        await self.pause.hold()
        return found


@pytest.mark.parametrize("late", ["hint", "submit", "skip"])
async def test_a_request_overtaken_after_reading_the_session_changes_nothing(
    database_url: str, late: str
) -> None:
    """The compare-and-set, made deterministic: request A reads the quiz session and stalls; request B (same
    question, another process) answers and commits; A then tries to save what it decided from its stale
    read. A is refused with `StaleQuestion`, and the session stays where B left it (without the check a
    late hint or skip would move it back to the first question, or count it twice)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: a transaction cannot stall between read and write "
                    "while another commits (the stalled one holds the lock)")
    database = await open_database(database_url)
    try:
        questions = [choice(f"q{i}") for i in range(1, 4)]
        pause = _Paused()
        stalled, _clock = service_on(database, questions)
        stalled.ctx.uow_factory = pause.factory(database)
        stalled.ctx.group_commit = None  # one transaction, so the pause is inside it
        winner, _ = service_on(database, questions)
        player = Player("discord", "g1", "twice", "Twice")
        first = await winner.start_quiz(player, count=3)
        qid = first.question.id
        calls = {"hint": lambda: stalled.hint(player, qid), "skip": lambda: stalled.skip(player, qid),
                 "submit": lambda: stalled.submit(player, "b", question_id=qid)}
        a = asyncio.ensure_future(calls[late]())
        await asyncio.wait_for(pause.reached.wait(), 10)
        taken = await winner.submit(player, "b", question_id=qid)
        pause.go.set()
        with pytest.raises(StaleQuestion):
            await asyncio.wait_for(a, 10)
        async with database.engine.connect() as connection:
            stored = (await connection.execute(sa.select(quiz_sessions))).one()
            count = sa.select(sa.func.count()).select_from(attempts)
            recorded = (await connection.execute(count)).scalar_one()
        assert (stored.position, stored.hints_used, stored.answered, stored.skipped) == (1, 0, 1, 0)
        assert stored.points == taken.points and recorded == 1
    finally:
        await database.close()
