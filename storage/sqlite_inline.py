"""A SQLite connection for SQLAlchemy's asyncio extension that runs statements on the event loop's thread.

Why: aiosqlite runs each call on a helper thread, and the hand-over costs 50-400 µs per call (several
calls per statement), ten to a hundred times what our statements cost in SQLite itself; answers per
second on SQLite were capped at a few hundred by that alone. SQLite has one writer anyway and `storage`
serialises units of work per process (`Database`'s write lock), so a thread buys no concurrency.

How: SQLAlchemy's aiosqlite dialect accepts any connection with aiosqlite's async API through
`create_async_engine(..., async_creator=...)`. `InlineConnection` offers that API over a plain `sqlite3`
connection: its coroutines finish without suspending, so each statement costs two greenlet switches.

The price: a statement blocks the loop while it runs. Statements here take micro- to milliseconds; the
one wait that could be long, another process holding SQLite's write lock, is bounded by a short busy
timeout, and `SqlUnitOfWork` retries `BEGIN IMMEDIATE` asynchronously (sleeping between tries) instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, Self


class InlineCursor:
    """aiosqlite's Cursor API over a sqlite3 cursor; every coroutine completes without suspending."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Self:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any] | dict[str, Any]]) -> Self:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """aiosqlite's Connection API (the part SQLAlchemy uses) over a sqlite3 connection in autocommit
    mode: SQLAlchemy's `begin` hook issues `BEGIN IMMEDIATE` itself."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection

    @property
    def _connection(self) -> sqlite3.Connection | None:
        # SQLAlchemy's adapter checks this attribute (aiosqlite's name) before commit and rollback.
        return self._conn

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection itself (storage.fast runs the answer path's statements on it)."""
        return self._live()

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._live().cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        return InlineCursor(self._live().execute(sql, parameters))

    async def commit(self) -> None:
        self._live().commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._live().create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._live().isolation_level

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """Force-close (SQLAlchemy's terminate); nothing runs elsewhere, so this is a plain close."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def inline_creator(path: str, busy_timeout_s: float) -> Any:
    """The `async_creator` for `create_async_engine`: opens `path` in autocommit mode."""

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(
            path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False,
            uri=path.startswith("file:"),
        )
        return InlineConnection(connection)

    return connect
