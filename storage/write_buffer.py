"""PostgreSQL: the answer path's writes held back and sent together, one round trip per transaction.

Why: on PostgreSQL each statement is a network round trip plus the server's per-statement work, and in
this deployment a round trip (two `send`s, two wake-ups) costs more CPU than the statement itself. An
answer writes its attempt, its 8-16 rollup rows, its review card and (in a quiz) its session; with the
core's group commit, dozens of answers share one transaction, and all their writes go out as one
statement: a `WITH` of up to four data-modifying parts, each taking every row at once as arrays
(`INSERT ... SELECT * FROM unnest($1::integer[], ...)`), instead of a dozen statements per answer.

How: `SqlAttempts.add`, `rollups.apply`, `SqlReviewCards.save` and `SqlSessions.save` put their rows here
instead of running them. The attempt's id comes from the table's own sequence, taken in blocks
(`IdBlocks`), so `add` still returns the stored id at once. The reads on the answer path that could see
these rows (`has_counted`, `daily_answer`, the review card, `history`, `active_for`) look here first; any
other statement, and `commit`, sends the buffer first (`Transaction` does that), so every statement sees
the transaction's writes as if they had been run one by one. Rollup rows of one key are summed, so a
flush never touches a row twice; rows go out sorted by key, so concurrent transactions lock them in the
same order. A session save keeps its compare-and-set: the UPDATE returns the sessions it matched, and a
miss raises `StaleQuestion` at the flush; a unique violation surfaces there too, as the same core error
(`AlreadyAnswered`, `AlreadyCounted`) the immediate insert would raise.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from bot.core.errors import NotFound, StaleQuestion
from bot.core.model import QuizSession, SessionState
from bot.core.timekeeping import as_utc
from storage.tables import attempts, points_rollup, review_cards

ROLLUP_SUMS = ("points", "answers", "correct", "score_sum")
ID_BLOCK = 64
"""Attempt ids taken from the sequence per round trip (unused ones are gaps, as after any rollback)."""


class IdBlocks:
    """Attempt ids for one database, taken from its sequence `ID_BLOCK` at a time (per process)."""

    def __init__(self) -> None:
        self._free: list[int] = []
        self._lock = asyncio.Lock()

    async def next(self, connection: Any) -> int:
        """One unused id; `connection` is the asyncpg connection to ask the sequence on."""
        if not self._free:
            async with self._lock:
                if not self._free:
                    rows = await connection.fetch(
                        "SELECT nextval(pg_get_serial_sequence('attempts', 'id')) "
                        "FROM generate_series(1, $1::integer)",
                        ID_BLOCK,
                    )
                    self._free = sorted((int(r[0]) for r in rows), reverse=True)
        return self._free.pop()


@dataclass
class HeldSession:
    """A quiz session's latest state in this transaction, and the stored state its first save was based
    on (None: no compare-and-set)."""

    session: QuizSession
    expected: tuple[int, int, str] | None


@dataclass
class WriteBuffer:
    """Rows waiting to be sent, with the lookups the answer path's reads need."""

    attempts: list[dict[str, Any]] = field(default_factory=list)
    rollups: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    cards: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    sessions: dict[int, HeldSession] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.attempts or self.rollups or self.cards or self.sessions)

    def hold_session(self, session: QuizSession, expected: tuple[int, int, str] | None) -> None:
        """A session save; a second save of the same session in this transaction keeps the first one's
        expected state (the stored row has not moved since)."""
        held = self.sessions.get(session.id)
        self.sessions[session.id] = HeldSession(session, held.expected if held else expected)

    def session_of(self, player_id: int) -> QuizSession | None:
        return next((h.session for h in self.sessions.values() if h.session.player_id == player_id), None)

    def add_rollup(self, values: dict[str, Any]) -> None:
        key = (values["player_id"], values["period"], values["period_start"], values["topic"])
        held = self.rollups.get(key)
        if held is None:
            self.rollups[key] = dict(values)
        else:
            for name in ROLLUP_SUMS:
                held[name] += values[name]

    def counted(self, player_id: int, question_id: str) -> bool:
        return any(
            a["counted"] and a["player_id"] == player_id and a["question_id"] == question_id
            for a in self.attempts
        )

    def daily_answer(self, daily_post_id: int, player_id: int) -> dict[str, Any] | None:
        return next(
            (a for a in self.attempts if a["daily_post_id"] == daily_post_id and a["player_id"] == player_id),
            None,
        )

    def card(self, player_id: int, question_id: str) -> dict[str, Any] | None:
        return self.cards.get((player_id, question_id))

    async def flush(self, connection: Any) -> None:
        """Send everything on the asyncpg `connection` in one statement (one round trip: a `WITH` of
        up to four data-modifying parts) and empty the buffer, also when sending fails."""
        held_attempts, rollups, cards, sessions = self.attempts, self.rollups, self.cards, self.sessions
        self.attempts, self.rollups, self.cards, self.sessions = [], {}, {}, {}
        update_sessions, insert_attempts, upsert_rollups, upsert_cards = _statements()
        parts: list[tuple[_Unnest, Sequence[dict[str, Any]]]] = []
        held = [sessions[k] for k in sorted(sessions)]
        if held:
            parts.append((update_sessions, [_session_row(h) for h in held]))
        if held_attempts:
            parts.append((insert_attempts, held_attempts))
        if rollups:
            parts.append((upsert_rollups, [rollups[k] for k in sorted(rollups)]))
        if cards:
            parts.append((upsert_cards, [cards[k] for k in sorted(cards)]))
        bodies: list[str] = []
        arguments: list[list[Any]] = []
        for i, (part, rows) in enumerate(parts):
            bodies.append(f"p{i} AS ({part.sql(len(arguments) + 1)})")
            arguments.extend(part.arrays(rows))
        final = "SELECT id FROM p0" if held else "SELECT 1"
        result = await connection.fetch(f"WITH {', '.join(bodies)} {final}", *arguments)
        if held:
            updated = {int(r[0]) for r in result}
            for h in held:
                if h.session.id not in updated:
                    if h.expected is not None:
                        raise StaleQuestion()  # another transaction moved the session first
                    raise NotFound("That quiz no longer exists.")


def _session_row(held: HeldSession) -> dict[str, Any]:
    s = held.session
    expected = held.expected or (None, None, None)
    return {
        "id": s.id, "position": s.position, "hints_used": s.hints_used, "state": SessionState(s.state).value,
        "answered": s.answered, "skipped": s.skipped, "points": s.points,
        "updated_at": as_utc(s.updated_at) if s.updated_at else None, "checked": held.expected is not None,
        "expected_position": expected[0], "expected_hints_used": expected[1], "expected_state": expected[2],
    }


class _Unnest:
    """A statement taking any number of rows as one array per column (`unnest($1::integer[], ...)`), so
    its text is fixed and asyncpg prepares it once per connection. JSON columns travel as text."""

    def __init__(self, columns: Sequence[tuple[str, str, bool]], template: str) -> None:
        """`columns`: (name, SQL type, is JSON); `template`: the statement with `{unnest}` where the
        unnest call goes."""
        self.columns = tuple(columns)
        self.template = template

    def sql(self, first: int) -> str:
        arrays = [
            f"(${first + i}::text[])::json[]" if is_json else f"${first + i}::{kind}[]"
            for i, (_name, kind, is_json) in enumerate(self.columns)
        ]
        return self.template.format(unnest=f"unnest({', '.join(arrays)})")

    def arrays(self, rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
        out = []
        for name, _kind, is_json in self.columns:
            values = [row[name] for row in rows]
            out.append([None if v is None else json.dumps(v) for v in values] if is_json else values)
        return out


def _insert(table: sa.Table, conflict: str = "") -> _Unnest:
    dialect = postgresql.dialect()
    columns = [(c.name, c.type.compile(dialect=dialect), isinstance(c.type, sa.JSON)) for c in table.c]
    names = ", ".join(c.name for c in table.c)
    return _Unnest(columns, f"INSERT INTO {table.name} ({names}) SELECT * FROM {{unnest}} {conflict}".strip())


@cache
def _statements() -> tuple[_Unnest, _Unnest, _Unnest, _Unnest]:
    """The flush statements: session updates with their compare-and-set (returning the ids updated),
    attempts, rollup rows adding to the sums, review cards replaced."""
    sessions = _Unnest(
        [("id", "integer", False), ("position", "integer", False), ("hints_used", "integer", False),
         ("state", "varchar", False), ("answered", "integer", False), ("skipped", "integer", False),
         ("points", "integer", False), ("updated_at", "timestamptz", False), ("checked", "boolean", False),
         ("expected_position", "integer", False), ("expected_hints_used", "integer", False),
         ("expected_state", "varchar", False)],
        "UPDATE quiz_sessions AS s SET position = v.position, hints_used = v.hints_used, state = v.state, "
        "answered = v.answered, skipped = v.skipped, points = v.points, updated_at = v.updated_at "
        "FROM {unnest} AS v(id, position, hints_used, state, answered, skipped, points, updated_at, checked, "
        "expected_position, expected_hints_used, expected_state) "
        "WHERE s.id = v.id AND (NOT v.checked OR (s.position = v.expected_position "
        "AND s.hints_used = v.expected_hints_used AND s.state = v.expected_state)) RETURNING s.id",
    )
    return (
        sessions,
        _insert(attempts),
        _insert(points_rollup, "ON CONFLICT (player_id, period, period_start, topic) DO UPDATE SET "
                + ", ".join(f"{n} = points_rollup.{n} + excluded.{n}" for n in ROLLUP_SUMS)),
        _insert(review_cards, "ON CONFLICT (player_id, question_id) DO UPDATE SET "
                + ", ".join(f"{n} = excluded.{n}" for n in ("due", "state", "last_review", "reviews"))),
    )
