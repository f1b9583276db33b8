"""Bulk data for bench/answers.py: a team with N players and M attempts over a year, written fast.

Attempts are generated player by player (numpy draws which player answers, on which day, which question),
so each player's rollup rows (day, week, month, all time × all topics and each topic) are summed in
memory and streamed out with the attempts. Secondary indexes are dropped during the load and rebuilt
after (a sort beats M incremental inserts), then statistics are refreshed. SQLite is written through
sqlite3's executemany, PostgreSQL through asyncpg's binary COPY.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy.schema import CreateIndex

from storage.repositories.rollups import periods_of
from storage.tables import ALL_TOPICS, attempts, group_memberships, groups, players, points_rollup, teams

TOPICS = ("fundamentals", "activation-functions", "optimization", "regularization", "cnn", "rnn-lstm",
          "autoencoders", "generative-models", "transfer-learning", "frameworks", "math")
DIFFICULTY_POINTS = {"fresher": 10, "experienced": 20, "senior": 30}
DROPPED = (points_rollup, attempts)


@dataclass(frozen=True)
class Shape:
    players: int
    attempts: int
    days: int
    today: date
    group_size: int = 1000
    seed: int = 20250312


def _questions(rng: np.random.Generator, count: int = 400) -> list[tuple[str, str, list[str]]]:
    """(id, difficulty, topics) of a made-up bank: one to three topics each."""
    bank = []
    for i in range(count):
        k = int(rng.choice([1, 1, 2, 2, 3]))
        topics = sorted(rng.choice(len(TOPICS), size=k, replace=False).tolist())
        bank.append((f"bench-q{i}", str(rng.choice(list(DIFFICULTY_POINTS))), [TOPICS[t] for t in topics]))
    return bank


def batches(shape: Shape, per_batch: int = 2000) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(attempt rows, rollup rows) per batch of players, deterministic for the shape's seed.

    Attempt row: (id, player_id, question_id, topics, difficulty, score, verdict, points, counted,
    created_at, local_date). Rollup row: (player_id, period, period_start, topic, points, answers,
    correct, score_sum). Player ids are 1..players, the team id is 1.
    """
    rng = np.random.default_rng(shape.seed)
    bank = _questions(rng)
    owner = np.sort(rng.integers(1, shape.players + 1, size=shape.attempts))
    day_offset = rng.integers(0, shape.days, size=shape.attempts)
    question = rng.integers(0, len(bank), size=shape.attempts)
    score = rng.choice([0.0, 0.25, 0.5, 0.75, 0.9, 1.0], size=shape.attempts)
    second = rng.integers(0, 86_400, size=shape.attempts)
    bounds = np.searchsorted(owner, np.arange(1, shape.players + 2))
    attempt_id = 0
    for first_player in range(1, shape.players + 1, per_batch):
        rows: list[tuple] = []
        rollup: dict[tuple[int, str, date, str], list[float]] = {}
        last_player = min(first_player + per_batch, shape.players + 1)
        for player in range(first_player, last_player):
            seen: set[int] = set()
            for i in range(bounds[player - 1], bounds[player]):
                qid, difficulty, topics = bank[question[i]]
                counted = int(question[i]) not in seen
                seen.add(int(question[i]))
                s = float(score[i])
                verdict = "correct" if s >= 0.8 else "partial" if s >= 0.4 else "incorrect"
                points = round(DIFFICULTY_POINTS[difficulty] * s) if counted and s >= 0.4 else 0
                day = shape.today - timedelta(days=int(day_offset[i]))
                at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=int(second[i]))
                attempt_id += 1
                row = (attempt_id, player, qid, topics, difficulty, s, verdict, points, counted, at, day)
                rows.append(row)
                for period, start in periods_of(day):
                    for topic in (ALL_TOPICS, *topics):
                        acc = rollup.setdefault((player, period, start, topic), [0, 0, 0, 0.0])
                        acc[0] += points
                        acc[1] += 1
                        acc[2] += verdict == "correct"
                        acc[3] += s
        yield rows, [(*key, int(a[0]), int(a[1]), int(a[2]), a[3]) for key, a in rollup.items()]


def _index_ddl(dialect: object) -> tuple[list[str], list[str]]:
    drops, creates = [], []
    for table in DROPPED:
        for index in table.indexes:
            drops.append(f"DROP INDEX IF EXISTS {index.name}")
            creates.append(str(CreateIndex(index).compile(dialect=dialect)))  # type: ignore[arg-type]
    return drops, creates


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(path: str, shape: Shape) -> None:
    """Fill a migrated SQLite file with the shape's data (one transaction, indexes rebuilt at the end)."""
    from sqlalchemy.dialects import sqlite

    drops, creates = _index_ddl(sqlite.dialect())
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    for statement in drops:
        db.execute(statement)
    db.execute("INSERT INTO teams (id, platform, external_id, name, timezone) VALUES (1, 'bench', 'team', "
               "'Bench team', 'UTC')")
    db.executemany("INSERT INTO players (id, team_id, user_id, display_name) VALUES (?, 1, ?, ?)",
                   ((i, f"user-{i}", f"Player {i}") for i in range(1, shape.players + 1)))
    db.execute("INSERT INTO groups (id, team_id, name) VALUES (1, 1, 'bench-group')")
    db.executemany("INSERT INTO group_memberships (player_id, group_id) VALUES (?, 1)",
                   ((i,) for i in range(1, shape.players + 1, max(shape.players // shape.group_size, 1))))
    attempt_sql = (
        "INSERT INTO attempts (id, player_id, team_id, question_id, topics, difficulty, mode, answer, score, "
        "verdict, points, hints_used, counted, covered, missed, created_at, local_date) "
        "VALUES (?, ?, 1, ?, ?, ?, 'quiz', 'bench answer', ?, ?, ?, 0, ?, '[]', '[]', ?, ?)"
    )
    rollup_sql = (
        "INSERT INTO points_rollup (player_id, period, period_start, topic, team_id, points, answers, "
        "correct, score_sum) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)"
    )
    for rows, rollup in batches(shape):
        db.executemany(attempt_sql, (
            (r[0], r[1], r[2], json.dumps(r[3]), r[4], r[5], r[6], r[7], int(r[8]), _sqlite_time(r[9]),
             r[10].isoformat()) for r in rows
        ))
        db.executemany(rollup_sql, ((r[0], r[1], r[2].isoformat(), *r[3:]) for r in rollup))
    for statement in creates:
        db.execute(statement)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


async def load_postgres(dsn: str, shape: Shape) -> None:
    """Fill a migrated PostgreSQL database with the shape's data through COPY."""
    import asyncpg
    from sqlalchemy.dialects import postgresql

    drops, creates = _index_ddl(postgresql.dialect())
    db = await asyncpg.connect(dsn)
    try:
        async with db.transaction():
            for statement in drops:
                await db.execute(statement)
            await db.execute("INSERT INTO teams (id, platform, external_id, name, timezone) "
                             "VALUES (1, 'bench', 'team', 'Bench team', 'UTC')")
            await db.copy_records_to_table(
                players.name, columns=["id", "team_id", "user_id", "display_name"],
                records=[(i, 1, f"user-{i}", f"Player {i}") for i in range(1, shape.players + 1)])
            await db.execute(f"INSERT INTO {groups.name} (id, team_id, name) VALUES (1, 1, 'bench-group')")
            step = max(shape.players // shape.group_size, 1)
            await db.copy_records_to_table(group_memberships.name, columns=["player_id", "group_id"],
                                           records=[(i, 1) for i in range(1, shape.players + 1, step)])
            for rows, rollup in batches(shape):
                await db.copy_records_to_table(
                    attempts.name,
                    columns=["id", "player_id", "team_id", "question_id", "topics", "difficulty", "mode",
                             "answer", "score", "verdict", "points", "hints_used", "counted", "covered",
                             "missed", "created_at", "local_date"],
                    records=[(r[0], r[1], 1, r[2], json.dumps(r[3]), r[4], "quiz", "bench answer", r[5], r[6],
                              r[7], 0, r[8], "[]", "[]", r[9], r[10]) for r in rows])
                await db.copy_records_to_table(
                    points_rollup.name,
                    columns=["player_id", "period", "period_start", "topic", "team_id", "points", "answers",
                             "correct", "score_sum"],
                    records=[(r[0], r[1], r[2], r[3], 1, r[4], r[5], r[6], r[7]) for r in rollup])
            for statement in creates:
                await db.execute(statement)
            for table in (teams, players, groups, attempts):
                await db.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"(SELECT max(id) FROM {table.name}))")
        await db.execute("ANALYZE")
    finally:
        await db.close()
