"""The Alembic migrations build exactly the schema of storage/tables.py, on both databases, from code."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from bot.core.model import DailyPostDraft, DailyStatus
from storage.database import open_database
from storage.migrate import current_revision, head_revision, upgrade
from storage.tables import metadata


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


async def test_upgrade_builds_the_declared_schema(empty_database_url: str) -> None:
    database = await open_database(empty_database_url, migrate=False)
    try:
        assert await current_revision(database) is None
        await upgrade(database)
        assert await current_revision(database) == head_revision()
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {t.name for t in metadata.sorted_tables} <= tables
        await upgrade(database)  # a second upgrade is a no-op
        assert await current_revision(database) == head_revision()
    finally:
        await database.close()


async def test_0004_adds_the_daily_claim_columns_to_an_existing_database(empty_database_url: str) -> None:
    """A database at 0003 with a closed but unrevealed post and a stale claim upgrades in place: the rows
    keep their values, the new columns are NULL (never taken over, nobody revealing), and both claims work
    on them."""
    database = await open_database(empty_database_url, migrate=False)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    try:
        await upgrade(database, "0003")
        async with database.engine.begin() as connection:
            columns = await connection.run_sync(
                lambda c: {x["name"] for x in inspect(c).get_columns("daily_posts")}
            )
            assert "reveal_claimed_at" not in columns and "first_claimed_at" not in columns
            await connection.execute(text("INSERT INTO teams (id, platform, external_id, name, timezone) "
                                          "VALUES (1, 'discord', 'g1', 'Guild', 'UTC')"))
            insert = text(
                "INSERT INTO daily_posts (id, channel_ref, team_id, local_date, question_id, status,"
                " claimed_at, reveal_at, message_ref, posted_at, closed_at)"
                " VALUES (:id, :ref, 1, :day, 'q1', :status, :at, :at, :msg, :posted, :closed)"
            )
            naive = at.replace(tzinfo=None) if database.engine.dialect.name == "sqlite" else at
            await connection.execute(insert, {"id": 1, "ref": "discord:g1/c1", "day": date(2026, 3, 2),
                                              "status": "closed", "at": naive, "msg": "m-1", "posted": naive,
                                              "closed": naive})
            await connection.execute(insert, {"id": 2, "ref": "discord:g1/c2", "day": date(2026, 3, 2),
                                              "status": "claimed", "at": naive, "msg": None, "posted": None,
                                              "closed": None})
        await upgrade(database)
        assert await current_revision(database) == head_revision()
        async with database.uow_factory() as uow:
            posts = uow.daily_posts
            closed = await posts.get(1)
            assert closed is not None and closed.status == DailyStatus.CLOSED and closed.message_ref == "m-1"
            assert closed.reveal_claimed_at is None and closed.first_claimed_at is None
            assert [p.id for p in await posts.unrevealed(at)] == [1]
            later = at + timedelta(hours=1)
            assert await posts.claim_reveal(1, later, at) is not None
            assert await posts.claim_reveal(1, later, at) is None
            stale = await posts.get(2)
            assert stale is not None and not stale.taken_over
            draft = DailyPostDraft("discord:g1/c2", 1, date(2026, 3, 2), "q9", later, later)
            taken = await posts.claim(draft, stale_before=later - timedelta(minutes=10))
            assert (taken.id, taken.question_id, taken.first_claimed_at) == (2, "q1", at)
            await uow.commit()
    finally:
        await database.close()


async def test_partial_unique_indexes_exist(empty_database_url: str) -> None:
    database = await open_database(empty_database_url)
    try:
        async with database.engine.connect() as connection:
            indexes = await connection.run_sync(lambda c: inspect(c).get_indexes("attempts"))
        unique = {ix["name"] for ix in indexes if ix["unique"]}
        assert {"uq_attempts_daily_answer", "uq_attempts_counted"} <= unique
    finally:
        await database.close()


def test_cli_upgrade_and_current(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    path = f"{tmp_path}/cli.sqlite3"
    assert main(["db", "current", "--url", path]) == 0
    assert "empty" in capsys.readouterr().out
    assert main(["db", "upgrade", "--url", path]) == 0
    assert head_revision() in capsys.readouterr().out
    assert main(["db", "current", "--url", path]) == 0
    assert f"{head_revision()} (head)" in capsys.readouterr().out
    assert main(["db", "rebuild-rollups", "--url", path]) == 0
    assert "recomputed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://bot:secret@127.0.0.1:1/bot", "Cannot reach the database"),
        ("postgres://bot@nowhere.invalid/bot", "Cannot reach the database"),
        ("mysql://bot@localhost/bot", "Unsupported database 'mysql'"),
        ("/proc/no-such-dir/bot.sqlite3", "Cannot create the folder"),
        ("postgresql://[::1", "cannot be parsed"),
    ],
)
def test_cli_reports_an_unusable_database_in_one_line(
    url: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    assert main(["db", "upgrade", "--url", url]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in captured.err
    assert "secret" not in captured.err


def test_cli_rejects_a_file_that_is_not_a_database(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    path = f"{tmp_path}/garbage.sqlite3"
    with open(path, "wb") as handle:
        handle.write(b"this is not sqlite" * 100)
    assert main(["db", "upgrade", "--url", path]) == 1
    err = capsys.readouterr().err
    assert "not a database" in err and "Traceback" not in err
