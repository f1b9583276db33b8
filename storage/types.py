"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no timezone-aware timestamp: it stores text and hands back naive datetimes. The core only deals
in aware UTC instants, so `UtcDateTime` normalises on the way in (to UTC) and re-attaches UTC on the way
out, whichever database is behind it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime column (`timestamptz` on PostgreSQL, ISO text on SQLite).

    A naive value given to it is taken to be UTC already (the core's `as_utc` convention). On SQLite the
    stored text is naive UTC so that string comparison orders instants correctly.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_datetime() -> UtcDateTime:
    """A fresh `UtcDateTime` column type (one call per column keeps table definitions readable)."""
    return UtcDateTime()


BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""A 64-bit surrogate key on PostgreSQL that is still SQLite's fast `INTEGER PRIMARY KEY` rowid alias."""
