"""Opening the database: URL handling, the async engine tuned per backend, and the `Database` handle.

SQLite (a file, the embedded default) and PostgreSQL (asyncpg, for several processes) are both first
class. SQLite allows one writer at a time, so on SQLite every unit of work takes an in-process lock and
opens its transaction with `BEGIN IMMEDIATE`: writers queue instead of failing with "database is locked",
and the busy timeout covers other processes. PostgreSQL runs units of work concurrently on a pool and lets
its unique indexes settle races.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.core.errors import InvalidInput, StorageUnavailable
from storage.errors import describe_failure, is_unavailable
from storage.spare_connections import SpareConnections
from storage.sqlite_inline import inline_creator
from storage.unit_of_work import SqlUnitOfWork
from storage.write_buffer import IdBlocks

ENV_URL = "INTERVIEW_BOT_DATABASE_URL"
ENV_DATA_DIR = "INTERVIEW_BOT_DATA_DIR"
DB_FILE_NAME = "interview-bot.sqlite3"
BUSY_TIMEOUT_S = 30.0
"""How long a SQLite writer waits for another one (in this or another process) before giving up."""
CONNECT_TIMEOUT_S = 10.0
MIN_SQLITE = (3, 35, 0)
"""RETURNING and `INSERT ... ON CONFLICT DO UPDATE` need SQLite 3.35."""


@dataclass(frozen=True)
class DatabaseSettings:
    """Pool and timeout knobs; the defaults suit one bot process with a few hundred concurrent users."""

    pool_size: int = 10
    max_overflow: int = 20
    pool_timeout_s: float = 30.0
    busy_timeout_s: float = BUSY_TIMEOUT_S
    sqlite_busy_wait_s: float = 0.05
    connect_timeout_s: float = CONNECT_TIMEOUT_S
    echo: bool = False


def default_data_dir() -> Path:
    """Where the SQLite file lives by default: $INTERVIEW_BOT_DATA_DIR, else the platform's per-user data
    directory (XDG on Linux, Application Support on macOS, LOCALAPPDATA on Windows)."""
    override = os.environ.get(ENV_DATA_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "interview-bot"


def default_database_url() -> str:
    """$INTERVIEW_BOT_DATABASE_URL when set, else the SQLite file in `default_data_dir()`."""
    configured = os.environ.get(ENV_URL, "").strip()
    if configured:
        return configured
    return f"sqlite+aiosqlite:///{default_data_dir() / DB_FILE_NAME}"


def normalize_url(raw: str | None) -> URL:
    """An async SQLAlchemy URL from what a user typed.

    Accepts `postgres://` and `postgresql://` (rewritten to asyncpg, `sslmode` becoming asyncpg's `ssl`),
    `sqlite:///path` (rewritten to aiosqlite) and a bare file path (a SQLite file). Anything else raises
    `InvalidInput` with a message naming the problem.
    """
    text = (raw if raw is not None else default_database_url()).strip()
    if not text:
        text = default_database_url()
    if "://" not in text:
        if text == ":memory:":
            return make_url("sqlite+aiosqlite://")
        return make_url("sqlite+aiosqlite://").set(database=str(Path(text).expanduser().absolute()))
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise InvalidInput(f"That database URL cannot be parsed: {_redact_text(text)!r}.") from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        query = dict(url.query)
        if "sslmode" in query and "ssl" not in query:
            query["ssl"] = query.pop("sslmode")
        return url.set(drivername="postgresql+asyncpg", query=query)
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    raise InvalidInput(
        f"Unsupported database {backend!r}: use a SQLite file path, sqlite:///PATH or postgresql://..."
    )


def _redact_text(text: str) -> str:
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return text.split("@")[-1][:200]


def display(url: URL) -> str:
    """The URL as it may be shown in messages and logs: no password, and a SQLite file as sqlite:///PATH
    (the driver is an implementation detail)."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{url.database or ':memory:'}"
    return url.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _create_sqlite_engine(url: URL, settings: DatabaseSettings) -> AsyncEngine:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StorageUnavailable(
            f"SQLite {sqlite3.sqlite_version} is too old: the bot needs {'.'.join(map(str, MIN_SQLITE))} "
            "or newer (or use PostgreSQL)."
        )
    path = _sqlite_file(url)
    in_memory = path is None
    kwargs: dict[str, Any] = {"echo": settings.echo}
    if in_memory:
        kwargs["poolclass"] = StaticPool  # one shared in-memory database, not one per connection
    else:
        # LIFO: units of work take turns on the write lock, so one connection serves nearly all of them
        # and its page cache stays warm (a FIFO pool rotates, and each connection re-reads what another
        # connection's commit invalidated).
        kwargs.update(pool_size=2, max_overflow=3, pool_timeout=settings.pool_timeout_s, pool_use_lifo=True)
    # Statements run on the loop's thread (see storage.sqlite_inline), so SQLite's own busy wait stays
    # short; the unit of work retries BEGIN IMMEDIATE asynchronously up to `busy_timeout_s`.
    wait_s = settings.sqlite_busy_wait_s
    engine = create_async_engine(
        url, async_creator=inline_creator(str(path) if path else ":memory:", wait_s), **kwargs
    )
    wait_ms = int(wait_s * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that reads and then writes can fail with
        # SQLITE_BUSY at once when another connection committed in between, whatever the busy timeout.
        # Straight on the driver's cursor: this runs once per unit of work, on the answer path.
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        finally:
            cursor.close()

    return engine


def _create_postgres_engine(url: URL, settings: DatabaseSettings) -> AsyncEngine:
    engine = create_async_engine(
        url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_s,
        # No pre-ping: SQLAlchemy's asyncpg ping is three round trips (BEGIN, ping, ROLLBACK) per checkout,
        # i.e. per group-committed transaction, as much as the transaction itself. A connection the
        # server dropped is noticed by asyncpg (EOF on the socket) and refused at checkout below; one
        # that breaks in use is invalidated by the unit of work (storage.transaction).
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={
            "timeout": settings.connect_timeout_s,
            "command_timeout": 60,
            "server_settings": {"application_name": "interview-bot"},
        },
    )

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the server closed this connection")  # the pool opens another

    return engine


def create_engine_for(url: URL, settings: DatabaseSettings | None = None) -> AsyncEngine:
    """The async engine for a normalized URL, with the backend's tuning applied."""
    chosen = settings or DatabaseSettings()
    if url.get_backend_name() == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StorageUnavailable(f"Cannot create the folder for the database {path}: {err}") from None
        return _create_sqlite_engine(url, chosen)
    return _create_postgres_engine(url, chosen)


class Database:
    """An open database: the engine and the unit-of-work factory the core's service is built with.

    `uow_factory` is a bound method, so `PracticeService(database.uow_factory, ...)` gives the core its
    `UnitOfWorkFactory`. Close it with `await database.close()` (or `async with database:`).
    """

    def __init__(self, engine: AsyncEngine, url: URL, settings: DatabaseSettings | None = None) -> None:
        self.engine = engine
        self.url = url
        self.settings = settings or DatabaseSettings()
        self.dialect = engine.dialect.name
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.dialect == "sqlite" else None
        self._attempt_ids = IdBlocks() if self.dialect == "postgresql" else None
        # SQLite runs one unit of work at a time per process (the write lock): one spare serves them all.
        spare_limit = 1 if self.dialect == "sqlite" else self.settings.pool_size
        self.spares = SpareConnections(spare_limit)

    @property
    def display_url(self) -> str:
        return display(self.url)

    def uow_factory(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction); use as `async with database.uow_factory() as uow:`."""
        return SqlUnitOfWork(
            self.engine, self._write_lock, self.settings.busy_timeout_s, self._attempt_ids, self.spares
        )

    async def ping(self) -> None:
        """Check the database answers; raises `StorageUnavailable` with the reason when it does not."""
        try:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")
        except Exception as err:
            if is_unavailable(err):
                raise StorageUnavailable(
                    f"Cannot reach the database {self.display_url}: {describe_failure(err)}"
                ) from None
            raise

    async def close(self) -> None:
        await self.spares.close()
        await self.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def open_database(
    url: str | None = None, *, migrate: bool = True, settings: DatabaseSettings | None = None
) -> Database:
    """Open the database at `url` (default: `default_database_url()`), check it answers, and bring its
    schema to the latest migration unless `migrate=False`.

    Raises `InvalidInput` for a URL that cannot be used and `StorageUnavailable` (one-line message naming
    the database and the reason) when it cannot be reached or migrated.
    """
    from storage.migrate import upgrade  # alembic is only imported when a database is opened

    normalized = normalize_url(url)
    engine = create_engine_for(normalized, settings)
    database = Database(engine, normalized, settings)
    try:
        await database.ping()
        if migrate:
            await upgrade(database)
    except BaseException:
        await database.close()
        raise
    return database
