"""When the database fails: a clear core error, nothing half-written, and the player's answer handed back."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
import sqlalchemy as sa

from bot.core.checking.grade import Grade
from bot.core.errors import CoreError, NotFound, StorageUnavailable
from bot.core.model import Player, TeamRef
from questions.schema import Question
from storage.database import Database, DatabaseSettings, create_engine_for, normalize_url, open_database
from storage.tables import attempts
from storage.testing_pg import run_in_thread
from tests.integration.storage.builders import draft, team_and_player
from tests.integration.storage.service_world import service_on

DEAD_PG = "postgresql://bot:secret@127.0.0.1:1/bot"


async def test_opening_an_unreachable_database_says_so() -> None:
    with pytest.raises(StorageUnavailable) as caught:
        await open_database(DEAD_PG)
    assert "Cannot reach the database" in caught.value.message and "secret" not in caught.value.message


async def test_an_answer_to_an_unreachable_database_is_handed_back() -> None:
    url = normalize_url(DEAD_PG)
    database = Database(create_engine_for(url, DatabaseSettings(connect_timeout_s=2)), url)
    service, _clock = service_on(database)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            async with database.uow_factory():
                pass
        assert caught.value.message
        with pytest.raises(StorageUnavailable) as submitted:
            await service.submit(Player("console", "t", "u", "U"), "my careful answer")
        assert submitted.value.unsaved_answer == "my careful answer"
        assert "NOT saved" in submitted.value.message
    finally:
        await database.close()


async def _kill_other_connections(database: Database) -> None:
    dsn = database.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def kill() -> None:
        import asyncpg

        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()

    run_in_thread(kill())


async def test_a_connection_lost_mid_answer_keeps_nothing_and_hands_the_answer_back(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("a server-side disconnect needs a server")
    service, _clock = service_on(db)
    player = Player("console", "team", "u1", "User")
    await service.start_quiz(player, count=2)
    real_grader = service.ctx.grader
    calls = 0

    def grader_losing_the_connection(question: Question, answer: str) -> Grade:
        nonlocal calls
        calls += 1
        if calls == 1:  # the grade happens inside the transaction: kill it there, once
            run_in_thread(_kill_other_connections(db))
        return real_grader(question, answer)

    service.ctx.grader = grader_losing_the_connection
    with pytest.raises(StorageUnavailable) as caught:
        await service.submit(player, "b")
    assert caught.value.unsaved_answer == "b"
    async with db.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).select_from(attempts))).scalar_one() == 0
    feedback = await service.submit(player, "b")  # the pool recovers; the same question is still waiting
    assert feedback.attempt.id > 0


async def test_sqlite_waits_for_another_process_and_gives_up_cleanly(
    tmp_path: pytest.TempPathFactory,
) -> None:
    path = f"{tmp_path}/locked.sqlite3"
    database = await open_database(path, settings=DatabaseSettings(busy_timeout_s=0.5))
    _team, player = await team_and_player(database)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        beat = asyncio.create_task(ticker())
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            async with database.uow_factory() as uow:
                await uow.attempts.add(draft(player))
        waited = time.monotonic() - started
        beat.cancel()
        assert 0.4 <= waited < 3
        assert ticks >= 10, "the event loop must keep running while SQLite is locked"

        # Released while a unit of work is waiting: it goes through.
        async def release_soon() -> None:
            await asyncio.sleep(0.15)
            other.execute("COMMIT")

        releaser = asyncio.create_task(release_soon())
        async with database.uow_factory() as uow:
            await uow.attempts.add(draft(player))
            await uow.commit()
        await releaser
    finally:
        other.close()
        await database.close()


async def test_foreign_keys_are_enforced(db: Database) -> None:
    _team, player = await team_and_player(db)
    with pytest.raises(NotFound):
        async with db.uow_factory() as uow:
            await uow.groups.join(10**6, player.id)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * 100_000,
        "emoji 🧠 and RTL \u200fשלום and combining e\u0301",
        "quote ' \" ; DROP TABLE attempts; --",
        "lone surrogate \ud800 here",
    ],
)
async def test_odd_text_round_trips_or_is_refused_with_a_core_error(db: Database, text: str) -> None:
    team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        try:
            stored = await uow.attempts.add(draft(player, answer_text=text))
            await uow.players.get_or_create(team.id, text or "blank", text or "blank")
            await uow.commit()
        except CoreError:  # acceptable: a clear message instead of a crash
            return
    async with db.uow_factory() as uow:
        loaded = await uow.attempts.get(stored.id)
    assert loaded is not None and loaded.answer == text


async def test_nul_characters_never_crash(db: Database) -> None:
    _team, player = await team_and_player(db)
    try:
        async with db.uow_factory() as uow:
            await uow.attempts.add(draft(player, answer_text="nul \x00 inside"))
            await uow.commit()
    except CoreError as err:  # PostgreSQL text cannot hold NUL: refused with a message
        assert err.message
    async with db.uow_factory() as uow:
        await uow.teams.get_or_create(TeamRef("console", "still-works"))
