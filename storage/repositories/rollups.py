"""The points rollup: per-player sums by day, week, month and all time, per topic and over all topics.

Each attempt adds to (1 + its topics) × 4 rows in one multi-row `INSERT ... ON CONFLICT DO UPDATE` issued in
the attempt's own transaction, and an accepted appeal adds the difference the same way, so the rollup always
equals what summing the attempts would give. Leaderboards and player stats read it instead of the
attempts table. `rebuild` recomputes it from attempts (bulk loads, repairs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa

from storage import answer_statements as answer
from storage.repositories.base import prepared
from storage.tables import ALL_TIME, ALL_TOPICS, attempts, points_rollup
from storage.transaction import Transaction

DAY, WEEK, MONTH, ALL = "d", "w", "m", "a"


def week_start(day: date) -> date:
    """Monday of the day's week (leaderboard weeks start on Monday in the team's timezone)."""
    return day - timedelta(days=day.weekday())


def periods_of(day: date) -> list[tuple[str, date]]:
    """Every (period, period start) an attempt on `day` adds to."""
    return [(DAY, day), (WEEK, week_start(day)), (MONTH, day.replace(day=1)), (ALL, ALL_TIME)]


def coarsest_period(since: date) -> str:
    """The coarsest period whose starts include `since`: then "local_date >= since" is exactly the union
    of that period's buckets starting at or after `since`, and a board reads the fewest rows."""
    if since.day == 1:
        return MONTH
    if since.weekday() == 0:
        return WEEK
    return DAY


@dataclass(frozen=True)
class Delta:
    """What one attempt (or a correction of one) adds to each of its rollup rows."""

    points: int
    answers: int
    correct: int
    score: float


def _build_upsert(tx: Transaction) -> Any:
    insert = tx.insert(points_rollup)
    excluded = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["player_id", "period", "period_start", "topic"],
        set_={
            "points": points_rollup.c.points + excluded.points,
            "answers": points_rollup.c.answers + excluded.answers,
            "correct": points_rollup.c.correct + excluded.correct,
            "score_sum": points_rollup.c.score_sum + excluded.score_sum,
        },
    )


def _upsert(tx: Transaction) -> Any:
    """One `INSERT ... ON CONFLICT DO UPDATE` adding to the counters, compiled once per dialect; every
    call is an executemany of it (one parameter set per rollup row)."""
    return prepared(tx, "rollup.upsert", _build_upsert)


async def apply(
    tx: Transaction, *, team_id: int, player_id: int, day: date, topics: Iterable[str], delta: Delta
) -> None:
    """Add `delta` to every rollup row of an attempt by `player_id` on local `day` with these topics: one
    multi-row upsert, or (PostgreSQL) rows added to the transaction's write buffer."""
    keys = sorted({ALL_TOPICS, *(str(t) for t in topics)})
    rows = [
        {"player_id": player_id, "period": period, "period_start": start, "topic": topic, "team_id": team_id,
         "points": delta.points, "answers": delta.answers, "correct": delta.correct, "score_sum": delta.score}
        for period, start in periods_of(day)
        for topic in keys
    ]
    buffer = tx.buffer
    if buffer is not None:
        for row in rows:
            buffer.add_rollup(row)
        tx.changes += 1
        return
    names = _bind_names(len(rows))
    values = {names[i][name]: value for i, row in enumerate(rows) for name, value in row.items()}
    await tx.run(tx.fast(f"rollup.upsert.{len(rows)}", answer.rollup_upsert(len(rows))), values)


@cache
def _bind_names(rows: int) -> list[dict[str, str]]:
    """The bind names of the multi-row upsert's row `i` (`points_3`, ...), formatted once."""
    return [{name: f"{name}_{i}" for name in answer.ROLLUP_COLUMNS} for i in range(rows)]


async def rebuild(tx: Transaction, team_id: int | None = None) -> int:
    """Recompute the rollup from the attempts (of one team, or all); returns the number of rows written.

    Used after bulk imports (the benchmark) and as a repair; it runs in the caller's transaction.
    """
    deleting = sa.delete(points_rollup)
    if team_id is not None:
        deleting = deleting.where(points_rollup.c.team_id == team_id)
    await tx.execute(deleting)
    written = 0
    last_id = 0
    batch = 20_000
    while True:
        query = sa.select(
            attempts.c.id, attempts.c.team_id, attempts.c.player_id, attempts.c.local_date, attempts.c.topics,
            attempts.c.points, attempts.c.verdict, attempts.c.score,
        ).where(attempts.c.id > last_id).order_by(attempts.c.id).limit(batch)
        if team_id is not None:
            query = query.where(attempts.c.team_id == team_id)
        rows = await tx.all(query)
        if not rows:
            return written
        sums: dict[tuple[int, str, date, str], list[float]] = {}
        teams: dict[int, int] = {}
        for r in rows:
            teams[r.player_id] = r.team_id
            topics = sorted({ALL_TOPICS, *(str(t) for t in (r.topics or []))})
            for period, start in periods_of(r.local_date):
                for topic in topics:
                    acc = sums.setdefault((r.player_id, period, start, topic), [0, 0, 0, 0.0])
                    acc[0] += r.points
                    acc[1] += 1
                    acc[2] += r.verdict == "correct"
                    acc[3] += r.score
        values = [
            {"player_id": pid, "period": period, "period_start": start, "topic": topic, "team_id": teams[pid],
             "points": int(acc[0]), "answers": int(acc[1]), "correct": int(acc[2]), "score_sum": acc[3]}
            for (pid, period, start, topic), acc in sorted(sums.items())
        ]
        await tx.execute(_upsert(tx), values)
        written += len(values)
        last_id = rows[-1].id
