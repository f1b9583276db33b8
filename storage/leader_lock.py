"""A PostgreSQL session-level advisory lock, for electing one process to do a job (the daily scheduler).

The lock lives on a connection of its own, outside the pool: when the holder dies, PostgreSQL ends its
session and the lock is free for the next process that tries.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

LOCK_NAMESPACE = "interview-bot:daily-scheduler:"
CHECK_TIMEOUT = 10.0


def lock_key(platform: str) -> int:
    """A stable signed 64-bit advisory-lock key per platform."""
    digest = hashlib.sha256((LOCK_NAMESPACE + platform).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on a connection of its own (no pool: closing the
    connection ends the session, which releases the lock even if the unlock never ran)."""

    def __init__(self, url: URL, key: int, connect_timeout: float = 10.0) -> None:
        self.url = url
        self.key = key
        self.connect_timeout = connect_timeout
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    async def try_acquire(self) -> bool:
        """Take the lock if it is free; False when another session holds it."""
        if self._connection is not None:
            return True
        if self._engine is None:
            self._engine = create_async_engine(
                self.url, poolclass=NullPool,
                connect_args={"timeout": self.connect_timeout,
                              "server_settings": {"application_name": "interview-bot-leader"}},
            )
        connection = await self._engine.connect()
        try:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            got = bool(result.scalar())
        except BaseException:
            await _close(connection)
            raise
        if not got:
            await _close(connection)
            return False
        self._connection = connection
        return True

    async def still_held(self) -> bool:
        """Whether the lock's session is alive (a lock is only lost with its session)."""
        if self._connection is None:
            return False
        try:
            await asyncio.wait_for(self._connection.execute(text("SELECT 1")), CHECK_TIMEOUT)
        except Exception:
            return False
        return True

    async def release(self) -> None:
        """Unlock and close the connection (closing alone would release it too)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}), 5
                )
            await _close(connection)

    async def dispose(self) -> None:
        await self.release()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


async def _close(connection: AsyncConnection) -> None:
    with contextlib.suppress(Exception):
        await connection.close()
