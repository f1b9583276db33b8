"""What every repository shares: the unit of work's transaction and small row-mapping helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy.sql import Executable

from storage.fast import bind
from storage.transaction import Transaction

__all__ = ["Repository", "bind", "int_tuple", "json_list", "prepared", "str_tuple"]

T = TypeVar("T")


class Repository:
    """A repository works inside one unit of work's transaction and never commits itself."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    async def fetch(
        self, name: str, build: Callable[[Transaction], Executable], values: Mapping[str, Any]
    ) -> list[Any]:
        """Run the answer-path statement `name` (built once per dialect by `build`) on the driver's
        connection (`storage.fast`); rows are named tuples with the column names."""
        return await self.tx.run(self.tx.fast(name, build), values)

    async def read(
        self, name: str, build: Callable[[Transaction], Executable], values: Mapping[str, Any]
    ) -> list[Any]:
        """`fetch` for a statement that cannot see the PostgreSQL write buffer's rows (another table, or
        a read that looked in the buffer first), so the buffer is not sent for it."""
        return await self.tx.run(self.tx.fast(name, build), values, flush=False)


def str_tuple(value: Any) -> tuple[str, ...]:
    """A JSON list read back as a tuple of strings (anything else becomes empty, never a crash)."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v) for v in value)


def int_tuple(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(int(v) for v in value if isinstance(v, int | float | str) and str(v).lstrip("-").isdigit())


def json_list(values: Iterable[Any]) -> list[Any]:
    """A tuple or other iterable as the list a JSON column stores."""
    return list(values)


_STATEMENTS: dict[tuple[str, str], Any] = {}


def prepared(tx: Transaction, name: str, build: Callable[[Transaction], T]) -> T:
    """A statement built once per dialect and reused with bind parameters.

    Building a SQLAlchemy statement and computing its cache key costs more than running a small query
    on SQLite, so the statements on the answer path are built once (keyed by `name` and dialect).
    """
    key = (tx.dialect, name)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = build(tx)
        _STATEMENTS[key] = statement
    return statement
