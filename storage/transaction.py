"""The connection of one unit of work as the repositories see it.

Repositories never touch SQLAlchemy's exceptions: every statement goes through `Transaction.execute`, which
turns them into the core's errors (`storage.errors.translate`). It also hands out the dialect's INSERT,
since both SQLite and PostgreSQL speak `INSERT ... ON CONFLICT` but SQLAlchemy builds it per dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from storage.errors import translate

UpsertInsert = sqlite.Insert | postgresql.Insert


class Transaction:
    """The connection of one unit of work, as repositories use it: statements whose failures arrive as
    core errors, and the dialect's INSERT that knows `ON CONFLICT`."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `async with factory() as uow:`")
        return self._connection

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        connection = self.connection
        try:
            return await connection.execute(statement, params)
        except Exception as err:
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
