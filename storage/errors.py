"""Turning database exceptions into the core's errors.

Two families matter. A unique index refusing a row means a lost race or a repeat the rules forbid; each
index maps to the core error that explains it (`AlreadyAnswered`, `DuplicateClaim`, ...). Anything that
means the database cannot do the work now (connection refused or lost, pool exhausted, SQLite still locked
after the busy timeout, a deadlock or serialization failure) becomes `StorageUnavailable`: the transaction
is gone and nothing of it was kept.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from sqlalchemy import exc as sa_exc

from bot.core.errors import (
    AlreadyAnswered,
    AlreadyAppealed,
    AlreadyCounted,
    CoreError,
    DuplicateClaim,
    InvalidInput,
    NotFound,
    StorageUnavailable,
)

# Unique index or constraint name (PostgreSQL reports it) and its columns (SQLite reports those).
_UNIQUE_RULES: tuple[tuple[str, str, type[CoreError], str | None], ...] = (
    ("uq_attempts_daily_answer", "attempts.daily_post_id, attempts.player_id", AlreadyAnswered, None),
    ("uq_attempts_counted", "attempts.player_id, attempts.question_id", AlreadyCounted, None),
    ("uq_daily_posts_channel_ref_local_date", "daily_posts.channel_ref, daily_posts.local_date",
     DuplicateClaim, None),
    ("uq_appeals_attempt_id", "appeals.attempt_id", AlreadyAppealed, None),
    ("uq_quiz_sessions_one_active", "quiz_sessions.player_id", InvalidInput,
     "Another quiz was started at the same moment; try again."),
    ("uq_groups_team_id_name", "groups.team_id, groups.name", InvalidInput,
     "That group was created at the same moment; try again."),
    ("uq_teams_platform_external_id", "teams.platform, teams.external_id", StorageUnavailable,
     "The team was created at the same moment; please try again."),
    ("uq_players_team_id_user_id", "players.team_id, players.user_id", StorageUnavailable,
     "Your player was created at the same moment; please try again."),
)
_PG_NAME = re.compile(r'unique constraint "([^"]+)"')
_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: (.+)$", re.MULTILINE)


def _causes(err: BaseException) -> Iterator[BaseException]:
    """The exception, the DB-API error it wraps, and their causes (asyncpg's own errors hide there)."""
    seen: set[int] = set()
    stack: list[BaseException] = [err]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        for nxt in (orig, current.__cause__, current.__context__):
            if isinstance(nxt, BaseException):
                stack.append(nxt)


def _asyncpg_unavailable_types() -> tuple[type[BaseException], ...]:
    try:
        from asyncpg import exceptions as pg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return ()
    return (
        pg.PostgresConnectionError,
        pg.InterfaceError,
        pg.InsufficientResourcesError,
        pg.OperatorInterventionError,
        pg.InvalidAuthorizationSpecificationError,
        pg.InvalidCatalogNameError,
        pg.TransactionRollbackError,  # serialization failure, deadlock detected
        pg.ConnectionDoesNotExistError,
    )


def is_unavailable(err: BaseException) -> bool:
    """Whether the error means the database cannot do the work right now (retrying later may succeed)."""
    unavailable = (
        OSError,
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.TimeoutError,
        sa_exc.DisconnectionError,
        sqlite3.OperationalError,
        *_asyncpg_unavailable_types(),
    )
    for cause in _causes(err):
        if isinstance(cause, unavailable):
            return True
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, sqlite3.DatabaseError) and "not a database" in str(cause):
            return True
    return False


def is_busy(err: BaseException) -> bool:
    """Whether SQLite refused because another connection holds its lock (worth retrying shortly)."""
    return any(
        isinstance(c, sqlite3.OperationalError | sa_exc.OperationalError)
        and ("database is locked" in str(c) or "database is busy" in str(c))
        for c in _causes(err)
    )


def describe_failure(err: BaseException) -> str:
    """A one-line reason for a failure, without SQL or parameters (they may hold user text)."""
    for cause in _causes(err):
        if isinstance(cause, sa_exc.StatementError):
            continue
        text = str(cause).strip()
        if text:
            first = text.splitlines()[0]
            return first[:300]
    return type(err).__name__


def _is_integrity(err: BaseException) -> bool:
    """A constraint violation, from SQLAlchemy or straight from the driver (storage.fast runs statements on
    sqlite3 and asyncpg without SQLAlchemy's wrapping)."""
    if isinstance(err, sa_exc.IntegrityError | sqlite3.IntegrityError):
        return True
    try:
        from asyncpg.exceptions import IntegrityConstraintViolationError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(err, IntegrityConstraintViolationError)


def _unique_rule(err: BaseException) -> tuple[type[CoreError], str | None] | None:
    text = "\n".join(str(c) for c in _causes(err))
    names = set(_PG_NAME.findall(text))
    columns = {m.strip() for m in _SQLITE_COLUMNS.findall(text)}
    for name, cols, error, message in _UNIQUE_RULES:
        if name in names or cols in columns:
            return error, message
    return None


def translate(err: BaseException) -> BaseException:
    """The core error to raise for a database exception, or `err` itself when it is not one we map (a bug
    to surface, not to hide)."""
    if isinstance(err, CoreError):
        return err
    if _is_integrity(err):
        rule = _unique_rule(err)
        if rule is not None:
            error, message = rule
            return error(message)
        if "FOREIGN KEY" in str(err).upper():
            return NotFound("That refers to something that no longer exists.")
        return InvalidInput("The database refused that change: " + describe_failure(err))
    if is_unavailable(err):
        return StorageUnavailable()
    if _is_bad_value(err):
        return InvalidInput("The database cannot store that value: " + describe_failure(err))
    return err


def _is_bad_value(err: BaseException) -> bool:
    """A value the database refuses (NUL in PostgreSQL text, lone surrogates, out-of-range numbers)."""
    try:
        from asyncpg.exceptions import DataError as PgDataError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        PgDataError = sa_exc.DataError
    bad = (sa_exc.DataError, sqlite3.DataError, PgDataError, UnicodeError, OverflowError)
    return any(isinstance(cause, bad) for cause in _causes(err))
