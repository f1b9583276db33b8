"""The SQL unit of work: one transaction on one pooled connection, with the core's repositories on it.

`async with database.uow_factory() as uow:` checks a connection out and begins; `commit()` makes the work
durable; leaving the block any other way rolls back, so a failed use case leaves no half record. Every
statement goes through `storage.transaction.Transaction`, which turns database exceptions into the core's
errors, so neither the core nor the repositories see SQLAlchemy's exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.errors import StorageUnavailable
from storage.errors import is_busy, translate
from storage.repositories import (
    SqlAppeals,
    SqlAttempts,
    SqlDailyConfigs,
    SqlDailyPosts,
    SqlGroups,
    SqlLeaderboard,
    SqlPlayers,
    SqlReviewCards,
    SqlSessions,
    SqlTeams,
)
from storage.repositories.team_packs import SqlTeamPacks
from storage.spare_connections import SpareConnections
from storage.transaction import Transaction
from storage.write_buffer import IdBlocks

log = logging.getLogger(__name__)

class SqlUnitOfWork:
    """The core's `UnitOfWork` on SQLAlchemy. On SQLite `write_lock` serialises units of work of this
    process (SQLite has one writer), waiting at most `lock_timeout_s`."""

    def __init__(
        self,
        engine: AsyncEngine,
        write_lock: asyncio.Lock | None,
        lock_timeout_s: float,
        ids: IdBlocks | None = None,
        spares: SpareConnections | None = None,
    ) -> None:
        self._engine = engine
        self._spares = spares
        self._lock = write_lock
        self._lock_timeout_s = lock_timeout_s
        self._locked = False
        self.tx = Transaction(engine.dialect.name, ids)
        self.teams = SqlTeams(self.tx)
        self.players = SqlPlayers(self.tx)
        self.groups = SqlGroups(self.tx)
        self.attempts = SqlAttempts(self.tx)
        self.sessions = SqlSessions(self.tx)
        self.reviews = SqlReviewCards(self.tx)
        self.daily_configs = SqlDailyConfigs(self.tx)
        self.daily_posts = SqlDailyPosts(self.tx)
        self.appeals = SqlAppeals(self.tx)
        self.leaderboard = SqlLeaderboard(self.tx)
        self.team_packs = SqlTeamPacks(self.tx)

    async def _acquire_lock(self) -> None:
        if self._lock is None:
            return
        try:
            async with asyncio.timeout(self._lock_timeout_s):
                await self._lock.acquire()
        except TimeoutError:
            raise StorageUnavailable("The database is busy; nothing was saved. Please try again.") from None
        self._locked = True

    def _release_lock(self) -> None:
        if self._locked and self._lock is not None:
            self._locked = False
            self._lock.release()

    async def __aenter__(self) -> Self:
        if self.tx._connection is not None:
            raise RuntimeError("a unit of work is entered once")
        await self._acquire_lock()
        try:
            self.tx._attach(await self._begin())
        except BaseException:
            self._release_lock()
            raise
        return self

    async def _begin(self) -> AsyncConnection:
        """Check a connection out and begin. On SQLite, another process holding the write lock makes
        BEGIN IMMEDIATE fail after a short busy wait; retry with sleeps (the loop keeps running) until
        the lock timeout, then give up with `StorageUnavailable`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._lock_timeout_s
        delay = 0.005
        while True:
            connection: AsyncConnection | None = None
            try:
                if self._spares is not None:
                    connection = await self._spares.take()
                if connection is None:
                    connection = await self._engine.connect()
                await connection.begin()
                return connection
            except Exception as err:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close()
                if self._lock is not None and is_busy(err) and loop.time() + delay < deadline:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 0.2)
                    continue
                translated = translate(err)
                if translated is err:
                    raise
                raise translated from err
            except BaseException:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close())
                raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self.tx._connection
        try:
            if connection is not None:
                kept = False
                try:
                    if connection.in_transaction():
                        await connection.rollback()
                    kept = self._spares is not None and self._spares.give(connection)
                except Exception:  # the connection may be gone; the server drops the transaction then
                    log.debug("rollback on exit failed", exc_info=True)
                finally:
                    if not kept:
                        with contextlib.suppress(Exception):
                            await connection.close()
        finally:
            self.tx._attach(None)
            self._release_lock()

    @property
    def changes(self) -> int:
        """Statements so far that wrote or failed (the core's group commit compares it around a use case)."""
        return self.tx.changes

    async def commit(self) -> None:
        """Make the transaction durable; `StorageUnavailable` (nothing kept) when the database fails."""
        await self.tx.flush()
        connection = self.tx.connection
        self.tx.memo.clear()
        try:
            await connection.commit()
        except Exception as err:
            translated = translate(err)
            if translated is err:
                raise
            raise translated from err

    async def rollback(self) -> None:
        connection = self.tx.connection
        self.tx.memo.clear()
        self.tx.fresh_players.clear()
        if self.tx.buffer is not None:
            self.tx.buffer = type(self.tx.buffer)()
        try:
            await connection.rollback()
        except Exception as err:
            log.debug("rollback failed", exc_info=True)
            translated = translate(err)
            if not isinstance(translated, StorageUnavailable):
                raise translated from err
