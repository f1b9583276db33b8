"""What every repository shares: the unit of work's transaction and small row-mapping helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from storage.transaction import Transaction

T = TypeVar("T")


class Repository:
    """A repository works inside one unit of work's transaction and never commits itself."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx


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
