"""The connection of one unit of work as the repositories see it.

Repositories never touch SQLAlchemy's exceptions: every statement goes through `Transaction.execute`, or
`Transaction.run` (the driver-level path of `storage.fast` for the statements on the answer path), which
turn them into the core's errors (`storage.errors.translate`). It also hands out the dialect's INSERT,
since both SQLite and PostgreSQL speak `INSERT ... ON CONFLICT` but SQLAlchemy builds it per dialect, and
counts `changes` (statements that wrote or failed), so the core's group commit can tell whether a use
case that raised left anything behind in a shared transaction.

On PostgreSQL it also holds the answer path's write buffer (storage.write_buffer): `execute` and `run`
send it first, unless the caller says the statement cannot see the buffered rows (`flush=False`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from storage.errors import translate
from storage.fast import FastStatement, compile_fast, run_asyncpg, run_sqlite
from storage.write_buffer import IdBlocks, WriteBuffer

UpsertInsert = sqlite.Insert | postgresql.Insert
log = logging.getLogger(__name__)

_FAST: dict[tuple[str, str], FastStatement] = {}


class Transaction:
    """The connection of one unit of work, as repositories use it: statements whose failures arrive as
    core errors, and the dialect's INSERT that knows `ON CONFLICT`."""

    def __init__(self, dialect: str, ids: IdBlocks | None = None) -> None:
        self.dialect = dialect
        self._connection: AsyncConnection | None = None
        self._driver: Any = None
        self._ids = ids
        self.buffer: WriteBuffer | None = None
        self.memo: dict[Any, Any] = {}
        """Reads a repository may reuse until the transaction ends (it clears what its writes change)."""
        self.fresh_players: set[int] = set()
        """Players created in this transaction: nothing stored elsewhere can refer to them yet (no
        attempt, no review card), so the answer path skips those reads for them."""
        self.changes = 0
        """Statements so far that changed data or failed: equal before and after a use case means it
        left the transaction exactly as it found it."""

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `async with factory() as uow:`")
        return self._connection

    def _attach(self, connection: AsyncConnection | None) -> None:
        self._connection = connection
        self._driver = None
        self.memo = {}
        self.fresh_players = set()
        buffered = connection is not None and self.dialect == "postgresql" and self._ids is not None
        self.buffer = WriteBuffer() if buffered else None

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        await self.flush()
        connection = self.connection
        if getattr(statement, "is_dml", False):
            self.changes += 1
        try:
            return await connection.execute(statement, params)
        except Exception as err:
            self.changes += 1
            translated = translate(err)
            if translated is err:
                raise
            raise translated from err

    async def first(self, statement: Executable) -> Row[Any] | None:
        return (await self.execute(statement)).first()

    async def all(self, statement: Executable) -> Sequence[Row[Any]]:
        return (await self.execute(statement)).all()

    async def scalar(self, statement: Executable) -> Any:
        return (await self.execute(statement)).scalar()

    def insert(self, table: Table) -> UpsertInsert:
        """INSERT with `on_conflict_do_nothing/do_update` for this dialect (both speak `ON CONFLICT`)."""
        return postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)

    # --- the driver-level path ------------------------------------------------------------------------

    def fast(self, name: str, build: Callable[[Transaction], Executable]) -> FastStatement:
        """The statement `name`, built and compiled once per dialect (see `storage.fast`)."""
        key = (self.dialect, name)
        statement = _FAST.get(key)
        if statement is None:
            statement = compile_fast(build(self), self.connection.dialect)
            _FAST[key] = statement
        return statement

    async def _driver_connection(self) -> Any:
        """The driver's connection under this unit of work, inside its transaction."""
        if self._driver is not None:
            return self._driver
        fairy = await self.connection.get_raw_connection()
        driver = fairy.driver_connection
        if self.dialect == "postgresql":
            adapter = fairy.dbapi_connection
            # SQLAlchemy's asyncpg adapter begins lazily, on its first statement; ours may come first.
            if getattr(adapter, "_transaction", None) is None:
                start = getattr(adapter, "_start_transaction", None)
                if start is not None:
                    await start()
                else:  # pragma: no cover - another SQLAlchemy version: let it begin with a statement
                    await self.connection.exec_driver_sql("SELECT 1")
        else:
            driver = getattr(driver, "sqlite", driver)
        self._driver = driver
        return driver

    async def run(
        self, statement: FastStatement, values: Mapping[str, Any], *, flush: bool = True
    ) -> list[Any]:
        """Run a compiled statement on the driver's connection; rows as named tuples. `flush=False` only
        for statements that cannot see the write buffer's rows (other tables, or a read that looked in
        the buffer first)."""
        if flush:
            await self.flush()
        try:
            driver = await self._driver_connection()
            if statement.writes:
                self.changes += 1
            if self.dialect == "postgresql":
                return await run_asyncpg(driver, statement, values)
            return await run_sqlite(driver, statement, values)
        except Exception as err:
            self.changes += 1
            await self._drop_if_broken()
            translated = translate(err)
            if translated is err:
                raise
            raise translated from err

    async def _drop_if_broken(self) -> None:
        """After a failure on the driver's connection: if the connection is gone, tell the pool not to
        reuse it (SQLAlchemy does that itself for its own statements, but does not see these)."""
        driver = self._driver
        is_closed = getattr(driver, "is_closed", None)
        if driver is not None and is_closed is not None and is_closed():
            try:
                await self.connection.invalidate()
            except Exception:  # pragma: no cover - invalidating a dead connection may itself fail
                log.debug("invalidating a broken connection failed", exc_info=True)
            self._driver = None

    # --- the write buffer (PostgreSQL) ----------------------------------------------------------------

    async def next_attempt_id(self) -> int:
        """An id from the attempts' sequence, for a buffered insert."""
        assert self._ids is not None
        try:
            return await self._ids.next(await self._driver_connection())
        except Exception as err:
            self.changes += 1
            await self._drop_if_broken()
            translated = translate(err)
            if translated is err:
                raise
            raise translated from err

    async def flush(self) -> None:
        """Send the buffered writes, if any (see storage.write_buffer)."""
        buffer = self.buffer
        if not buffer:
            return
        try:
            await buffer.flush(await self._driver_connection())
        except Exception as err:
            self.changes += 1
            await self._drop_if_broken()
            translated = translate(err)
            if translated is err:
                raise
            raise translated from err
