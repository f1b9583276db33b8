"""Connections a unit of work hands to the next one instead of returning them to the pool.

Why: checking a connection out of SQLAlchemy's pool and returning it (events, the reset on return, the
pool's bookkeeping) cost about 0.15 ms of CPU per unit of work on SQLite, more than the short
transactions group commit produces spend on their statements. In a fan-out to thousands of channels,
each post is two such transactions (claim, record), so the pool's round trip was a fifth of the bot's
cost per channel (bench/fanout.py).

How: a finished unit of work whose connection is healthy and out of its transaction puts it here (up to
`limit`, newest reused first, so one connection serves nearly all units of work and stays warm); the
next unit of work takes it. A connection is only kept for `max_age_s`: after that it goes back to the
pool, whose recycling and liveness check (PostgreSQL) then apply again. Connections belong to the event
loop they were opened on; a spare from another loop is dropped, never used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE_S = 30.0


def driver_alive(connection: AsyncConnection) -> bool:
    """Whether the driver's connection under `connection` is still open (asyncpg notices a server that
    closed the socket; the inline SQLite connection knows whether it was closed)."""
    try:
        driver = connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    except Exception:
        return False
    is_closed = getattr(driver, "is_closed", None)
    if callable(is_closed):
        return not is_closed()
    return getattr(driver, "_connection", driver) is not None


class SpareConnections:
    """A small stack of open connections between units of work (see the module docstring)."""

    def __init__(
        self,
        limit: int,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        alive: Callable[[AsyncConnection], bool] = driver_alive,
    ) -> None:
        self.limit = max(int(limit), 0)
        self.max_age_s = max_age_s
        self.alive = alive
        self._spare: list[tuple[AsyncConnection, asyncio.AbstractEventLoop, float]] = []
        self.reused = 0
        """Units of work that began on a spare connection (tests and benchmarks read it)."""

    def __len__(self) -> int:
        return len(self._spare)

    async def take(self) -> AsyncConnection | None:
        """A spare connection of this event loop, young and alive, or None (then check one out)."""
        loop = asyncio.get_running_loop()
        while self._spare:
            connection, owner, kept_at = self._spare.pop()
            if owner is not loop:
                continue  # opened on another (finished) loop: unusable here, and cannot be closed here
            young = loop.time() - kept_at <= self.max_age_s
            if young and not connection.invalidated and self.alive(connection):
                self.reused += 1
                return connection
            await _close(connection)
        return None

    def give(self, connection: AsyncConnection) -> bool:
        """Keep `connection` for the next unit of work; False when it must be closed instead (full, broken,
        or still in a transaction)."""
        if len(self._spare) >= self.limit or connection.closed or connection.invalidated:
            return False
        if connection.in_transaction():
            return False
        loop = asyncio.get_running_loop()
        self._spare.append((connection, loop, loop.time()))
        return True

    async def close(self) -> None:
        """Return every spare of this loop to the pool (before the engine is disposed)."""
        spare, self._spare = self._spare, []
        loop = asyncio.get_running_loop()
        for connection, owner, _kept_at in spare:
            if owner is loop:
                await _close(connection)


async def _close(connection: AsyncConnection) -> None:
    with contextlib.suppress(Exception):
        await connection.close()
