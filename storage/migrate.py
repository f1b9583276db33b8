"""Applying the Alembic migrations from code: `interview-bot db upgrade`, and on every start.

The Alembic scripts ship inside the package (`storage/migrations`), so this works after a plain
`pip install .` with no alembic.ini in the working directory. On PostgreSQL an advisory lock makes
several processes starting together migrate one after the other; on SQLite `BEGIN IMMEDIATE` does that.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from bot.core.errors import StorageUnavailable
from storage.database import Database
from storage.errors import describe_failure, is_unavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK_KEY = 0x1B0_7DB
"""pg_advisory_xact_lock key held while migrating (any constant unlikely to clash with other apps)."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts; `connection` is handed to env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the installed code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships at least one revision
        raise RuntimeError("no migration scripts found in " + str(MIGRATIONS_DIR))
    return head


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    command.upgrade(alembic_config(connection), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _failure(database: Database, doing: str, err: Exception) -> StorageUnavailable:
    return StorageUnavailable(f"Cannot {doing} the database {database.display_url}: {describe_failure(err)}")


async def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest) in one transaction."""
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)
    except Exception as err:
        if is_unavailable(err):
            raise _failure(database, "migrate", err) from None
        raise


async def current_revision(database: Database) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(_current)
    except Exception as err:
        if is_unavailable(err):
            raise _failure(database, "read", err) from None
        raise
