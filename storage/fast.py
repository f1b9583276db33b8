"""Statements on the answer path, run straight on the driver's connection instead of through SQLAlchemy.

Why: SQLAlchemy's execution layer (greenlet hand-over, execution context, result objects, events) costs
about 160 µs per statement on SQLite, whose own work for our indexed one-row statements is 3-5 µs, and
about 290 µs of client CPU per statement on PostgreSQL. An answer runs a handful of statements, so that
layer alone capped throughput at a few hundred answers per second.

How: the statements stay SQLAlchemy Core constructs (one definition for both databases, checked against
the tables); each is compiled once per dialect into its SQL text, the order of its positional
parameters and the type processors of its parameters and result columns, taken from the column types
(JSON, the UTC datetime type, SQLite's text dates). `run` then costs a cursor call on sqlite3 or one
`fetch` on asyncpg (whose statement cache prepares it once per connection), plus the processors.
Failures arrive as the driver's exceptions; `storage.errors.translate` maps those like SQLAlchemy's.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None
_REQUIRED = object()


@dataclass(frozen=True)
class FastStatement:
    """One compiled statement: SQL text, parameter names in order with their bind processors, and the
    result row type with one processor per column."""

    sql: str
    params: tuple[tuple[str, Processor, Any], ...]
    """(name, bind processor, value the statement carries itself, e.g. a LIMIT, or _REQUIRED)."""
    row: Any  # a namedtuple class, or None for statements that return no rows
    results: tuple[Processor, ...]
    writes: bool

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional arguments for `values` (a missing name is a bug: KeyError)."""
        out = []
        for name, process, own in self.params:
            value = values[name] if own is _REQUIRED else values.get(name, own)
            out.append(process(value) if process is not None and value is not None else value)
        return out

    def rows(self, raw: Sequence[Sequence[Any]]) -> list[Any]:
        """Driver rows as named tuples with the columns' result processing applied."""
        if self.row is None:
            return []
        make = self.row._make
        results = self.results
        if not any(results):
            return [make(r) for r in raw]
        return [make([p(v) if p is not None else v for p, v in zip(results, r, strict=True)]) for r in raw]


def bind(column: Any, name: str | None = None) -> Any:
    """A bind parameter named after the column (or `name`) with the column's type, so the statement's
    compiled form knows how to convert the value (JSON, UTC datetimes, SQLite dates)."""
    return sa.bindparam(name or column.name, type_=column.type)


def compile_fast(statement: Executable, dialect: Dialect) -> FastStatement:
    """Compile a Core statement for `dialect` once; its bind parameters must all be named."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    names = compiled.positiontup or []
    params = []
    for name in names:
        bind = compiled.binds[name]
        own = _REQUIRED if bind.required or bind.value is None else bind.value
        params.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect), own))
    columns = list(getattr(statement, "exported_columns", None) or [])
    row = namedtuple("Row", [c.name for c in columns]) if columns else None
    results = tuple(_result_processor(c.type, dialect) for c in columns)
    return FastStatement(
        sql=compiled.string,
        params=tuple(params),
        row=row,
        results=results,
        writes=bool(getattr(statement, "is_dml", False)),
    )


def _result_processor(column_type: Any, dialect: Dialect) -> Processor:
    try:
        process: Processor = column_type.dialect_impl(dialect).result_processor(dialect, None)
    except TypeError:
        # asyncpg's numeric types want the column's type oid; asyncpg already returns float8 as float.
        return None
    return process


async def run_sqlite(
    connection: sqlite3.Connection, statement: FastStatement, values: Mapping[str, Any]
) -> list[Any]:
    cursor = connection.execute(statement.sql, statement.args(values))
    try:
        return statement.rows(cursor.fetchall()) if statement.row is not None else []
    finally:
        cursor.close()


async def run_asyncpg(connection: Any, statement: FastStatement, values: Mapping[str, Any]) -> list[Any]:
    if statement.row is None:
        await connection.execute(statement.sql, *statement.args(values))
        return []
    return statement.rows(await connection.fetch(statement.sql, *statement.args(values)))
