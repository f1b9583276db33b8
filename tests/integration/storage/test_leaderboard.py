"""Leaderboards and stats from the rollup must equal summing the attempts.

The same random history is written through the ports into the SQL database and into the core's
in-memory fake (the reference behaviour), then every board (window × topic × group) and every player's
row are compared. Ties are frequent on purpose (few distinct point values) to exercise the ordering.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.core.checking.grade import Verdict
from bot.core.model import AttemptDraft, AttemptMode, LeaderboardRow, TeamRef
from bot.core.ports import UnitOfWork
from storage.database import Database
from tests.unit.core.fakes import MemoryDatabase

TODAY = date(2025, 3, 12)  # a Wednesday; the month starts on a Saturday, the week on Monday the 10th
TOPICS = ("cnn", "math", "optimization")


def _history(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for n in range(260):
        user = f"u{rng.randrange(24)}"
        day = TODAY - timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 9, 12, 20, 40, 70]))
        if n % 50 == 0:
            day = TODAY + timedelta(days=rng.choice([1, 7, 25]))  # later periods: the GROUP BY path
        score = rng.choice([0.0, 0.5, 1.0])
        verdict = {0.0: Verdict.INCORRECT, 0.5: Verdict.PARTIAL, 1.0: Verdict.CORRECT}[score]
        rows.append(
            {
                "user": user,
                "question": f"q{n}",
                "day": day,
                "score": score,
                "verdict": verdict,
                "points": rng.choice([0, 5, 10]) if score else 0,
                "topics": tuple(rng.sample(TOPICS, rng.randrange(1, 3))),
                "at": datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=UTC),
            }
        )
    return rows


async def _load(uow: UnitOfWork, history: list[dict[str, Any]]) -> tuple[int, dict[str, int], int]:
    team = await uow.teams.get_or_create(TeamRef("discord", "g1"))
    other = await uow.teams.get_or_create(TeamRef("discord", "g2"))
    ids: dict[str, int] = {}
    for i in range(24):
        ids[f"u{i}"] = (await uow.players.get_or_create(team.id, f"u{i}", f"User {i}")).id
    outsider = await uow.players.get_or_create(other.id, "u0", "Other team")
    red = await uow.groups.get_or_create(team.id, "red")
    for i in range(0, 24, 3):
        await uow.groups.join(red.id, ids[f"u{i}"])
    for row in [*history, {**history[0], "user": "outsider", "points": 1000}]:
        player_id = outsider.id if row["user"] == "outsider" else ids[row["user"]]
        await uow.attempts.add(
            AttemptDraft(
                player_id=player_id,
                team_id=other.id if row["user"] == "outsider" else team.id,
                question_id=row["question"],
                topics=row["topics"],
                difficulty="fresher",
                mode=AttemptMode.QUIZ,
                answer="a",
                score=row["score"],
                verdict=row["verdict"],
                points=row["points"],
                hints_used=0,
                counted=True,
                covered=(),
                missed=(),
                created_at=row["at"],
                local_date=row["day"],
            )
        )
    await uow.commit()
    return team.id, ids, red.id


def _named(rows: list[LeaderboardRow], names: dict[int, str]) -> list[tuple[int, str, int, int, int]]:
    return [(r.rank, names[r.player_id], r.points, r.answers, r.correct) for r in rows]


async def test_boards_and_ranks_match_summing_attempts(db: Database) -> None:
    history = _history(seed=7)
    memory = MemoryDatabase()
    async with memory.uow() as fake:
        fake_team, fake_ids, fake_red = await _load(fake, history)
    async with db.uow_factory() as uow:
        team_id, ids, red = await _load(uow, history)
    fake_names = {v: k for k, v in fake_ids.items()}
    names = {v: k for k, v in ids.items()}
    windows = [
        None,
        TODAY,
        TODAY - timedelta(days=2),
        date(2025, 3, 1),
        date(2025, 2, 1),
        TODAY - timedelta(days=30),
    ]
    checked = 0
    async with memory.uow() as fake, db.uow_factory() as uow:
        for since in windows:
            since_utc = datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None
            for topic in (None, *TOPICS):
                for group, fake_group in ((None, None), (red, fake_red)):
                    expected = await fake.leaderboard.top(fake_team, since_utc, topic, fake_group, 100)
                    got = await uow.leaderboard.top(
                        team_id, since_utc, topic, group, 100, since_local_date=since
                    )
                    assert _named(got, names) == _named(expected, fake_names), (since, topic, group)
                    assert _named(
                        await uow.leaderboard.top(
                            team_id, since_utc, topic, group, 5, since_local_date=since
                        ),
                        names,
                    ) == _named(expected[:5], fake_names)
                    for user in ("u0", "u3", "u7", "u23"):
                        mine = await uow.leaderboard.row_of(
                            team_id, ids[user], since_utc, topic, group, since_local_date=since
                        )
                        want = await fake.leaderboard.row_of(
                            fake_team, fake_ids[user], since_utc, topic, fake_group
                        )
                        assert (mine is None) == (want is None)
                        if mine and want:
                            assert _named([mine], names) == _named([want], fake_names)
                    checked += 1
            # A window given only as a UTC instant is answered from the attempts themselves.
            if since_utc is not None:
                got = await uow.leaderboard.top(team_id, since_utc, "math", None, 100)
                expected = await fake.leaderboard.top(fake_team, since_utc, "math", None, 100)
                assert _named(got, names) == _named(expected, fake_names)
    assert checked == len(windows) * 4 * 2


async def test_player_stats_match_summing_attempts(db: Database) -> None:
    history = _history(seed=11)
    memory = MemoryDatabase()
    async with memory.uow() as fake:
        _t, fake_ids, _g = await _load(fake, history)
    async with db.uow_factory() as uow:
        _t, ids, _g = await _load(uow, history)
    async with memory.uow() as fake, db.uow_factory() as uow:
        for user in ("u1", "u5", "u17"):
            mine, ref = ids[user], fake_ids[user]
            assert await uow.attempts.totals(mine) == await fake.attempts.totals(ref)
            got = await uow.attempts.topic_stats(mine)
            want = await fake.attempts.topic_stats(ref)
            assert [(s.topic, s.attempts, s.correct) for s in got] == [
                (s.topic, s.attempts, s.correct) for s in want
            ]
            assert [round(s.mean_score, 9) for s in got] == [round(s.mean_score, 9) for s in want]
            since = TODAY - timedelta(days=30)
            assert await uow.attempts.points_by_day(mine, since) == await fake.attempts.points_by_day(
                ref, since
            )
            assert await uow.attempts.points_by_day(mine) == await fake.attempts.points_by_day(ref)
            assert await uow.attempts.active_dates(mine, since) == await fake.attempts.active_dates(
                ref, since
            )


async def test_empty_board(db: Database) -> None:
    async with db.uow_factory() as uow:
        team = await uow.teams.get_or_create(TeamRef("console", "empty"))
        assert await uow.leaderboard.top(team.id, None, None, None, 10) == []
        assert await uow.leaderboard.top(team.id, None, "cnn", None, 10, since_local_date=TODAY) == []
        assert await uow.leaderboard.row_of(team.id, 1, None, None, None) is None


async def test_rebuilding_the_rollup_from_attempts_changes_nothing(db: Database) -> None:
    from sqlalchemy import select

    from storage.repositories import rollups
    from storage.tables import points_rollup

    async with db.uow_factory() as uow:
        await _load(uow, _history(seed=3))
    order = (
        points_rollup.c.player_id,
        points_rollup.c.period,
        points_rollup.c.period_start,
        points_rollup.c.topic,
    )
    async with db.uow_factory() as uow:
        before = [tuple(r) for r in await uow.tx.all(select(points_rollup).order_by(*order))]
        await rollups.rebuild(uow.tx)
        await uow.commit()
    async with db.uow_factory() as uow:
        after = [tuple(r) for r in await uow.tx.all(select(points_rollup).order_by(*order))]
    assert len(after) == len(before) > 0
    assert [r[:-1] for r in after] == [r[:-1] for r in before]  # score_sum is a float: compare apart
    assert all(abs(a[-1] - b[-1]) < 1e-9 for a, b in zip(after, before, strict=True))
