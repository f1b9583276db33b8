"""Attempts: every graded answer, with the rules the database enforces on them.

A daily question takes one answer per player (unique (daily_post_id, player_id)) and a question earns
points once per player (unique (player_id, question_id) where counted); the unique indexes turn a race
into `AlreadyAnswered` / `AlreadyCounted`. Stats per player read the points rollup, which `add` and
`correct_grade` keep equal to the attempts in the same transaction.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import sqlalchemy as sa

from bot.core.checking.grade import Verdict
from bot.core.errors import NotFound
from bot.core.model import Attempt, AttemptDraft, AttemptMode, DayPoints, TopicStats
from bot.core.timekeeping import as_utc
from storage.repositories import rollups
from storage.repositories.base import Repository, prepared, str_tuple
from storage.tables import ALL_TIME, ALL_TOPICS, attempts, points_rollup


def _verdict(value: str) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        return Verdict.INCORRECT


def attempt_of(row: Any) -> Attempt:
    """An `Attempt` from an attempts row."""
    return Attempt(
        id=row.id,
        player_id=row.player_id,
        team_id=row.team_id,
        question_id=row.question_id,
        topics=str_tuple(row.topics),
        difficulty=row.difficulty,
        mode=AttemptMode(row.mode),
        answer=row.answer,
        score=float(row.score),
        verdict=_verdict(row.verdict),
        points=int(row.points),
        hints_used=int(row.hints_used),
        counted=bool(row.counted),
        covered=str_tuple(row.covered),
        missed=str_tuple(row.missed),
        created_at=row.created_at,
        local_date=row.local_date,
        daily_post_id=row.daily_post_id,
        session_id=row.session_id,
    )


def _is_correct(verdict: str) -> int:
    return 1 if verdict == Verdict.CORRECT.value else 0


class SqlAttempts(Repository):
    async def add(self, draft: AttemptDraft) -> Attempt:
        values = {f.name: getattr(draft, f.name) for f in dataclasses.fields(AttemptDraft)}
        values.update(
            topics=list(draft.topics),
            covered=list(draft.covered),
            missed=list(draft.missed),
            mode=AttemptMode(draft.mode).value,
            verdict=Verdict(draft.verdict).value,
            created_at=as_utc(draft.created_at),
            score=float(draft.score),
        )
        insert = prepared(self.tx, "attempts.add", lambda _tx: sa.insert(attempts).returning(attempts.c.id))
        attempt_id = (await self.tx.execute(insert, values)).scalar_one()
        await rollups.apply(
            self.tx, team_id=draft.team_id, player_id=draft.player_id, day=draft.local_date,
            topics=draft.topics,
            delta=rollups.Delta(draft.points, 1, _is_correct(values["verdict"]), float(draft.score)),
        )
        return Attempt(**{**{f.name: getattr(draft, f.name) for f in dataclasses.fields(AttemptDraft)},
                          "created_at": values["created_at"]}, id=int(attempt_id))

    async def get(self, attempt_id: int) -> Attempt | None:
        row = await self.tx.first(sa.select(attempts).where(attempts.c.id == attempt_id))
        return attempt_of(row) if row else None

    async def latest_for_player(self, player_id: int) -> Attempt | None:
        row = await self.tx.first(
            sa.select(attempts).where(attempts.c.player_id == player_id)
            .order_by(attempts.c.created_at.desc(), attempts.c.id.desc()).limit(1)
        )
        return attempt_of(row) if row else None

    async def has_counted(self, player_id: int, question_id: str) -> bool:
        query = prepared(self.tx, "attempts.has_counted", lambda _tx: sa.select(attempts.c.id).where(
            attempts.c.player_id == sa.bindparam("player_id"),
            attempts.c.question_id == sa.bindparam("question_id"),
            attempts.c.counted,
        ).limit(1))
        found = (await self.tx.execute(query, {"player_id": player_id, "question_id": question_id})).first()
        return found is not None

    async def answered_question_ids(self, player_id: int) -> set[str]:
        rows = await self.tx.all(
            sa.select(attempts.c.question_id).where(attempts.c.player_id == player_id).distinct()
        )
        return {r.question_id for r in rows}

    async def daily_answer(self, daily_post_id: int, player_id: int) -> Attempt | None:
        query = prepared(self.tx, "attempts.daily_answer", lambda _tx: sa.select(attempts).where(
            attempts.c.daily_post_id == sa.bindparam("daily_post_id"),
            attempts.c.player_id == sa.bindparam("player_id"),
        ))
        row = (await self.tx.execute(query, {"daily_post_id": daily_post_id, "player_id": player_id})).first()
        return attempt_of(row) if row else None

    async def for_daily_post(self, daily_post_id: int) -> list[Attempt]:
        rows = await self.tx.all(
            sa.select(attempts).where(attempts.c.daily_post_id == daily_post_id).order_by(attempts.c.id)
        )
        return [attempt_of(r) for r in rows]

    async def correct_grade(self, attempt_id: int, score: float, verdict: Verdict, points: int) -> Attempt:
        old = await self.tx.first(
            sa.select(attempts).where(attempts.c.id == attempt_id).with_for_update()
        )
        if old is None:
            raise NotFound("There is no such answer.")
        new_verdict = Verdict(verdict).value
        row = await self.tx.first(
            sa.update(attempts).where(attempts.c.id == attempt_id)
            .values(score=float(score), verdict=new_verdict, points=int(points)).returning(*attempts.c)
        )
        if row is None:  # pragma: no cover - the row is locked above
            raise NotFound("There is no such answer.")
        delta = rollups.Delta(
            points=int(points) - int(old.points),
            answers=0,
            correct=_is_correct(new_verdict) - _is_correct(old.verdict),
            score=float(score) - float(old.score),
        )
        if delta != rollups.Delta(0, 0, 0, 0.0):
            await rollups.apply(self.tx, team_id=old.team_id, player_id=old.player_id, day=old.local_date,
                                topics=str_tuple(old.topics), delta=delta)
        return attempt_of(row)

    # --- per-player stats, from the rollup -----------------------------------------------------------

    def _mine(self, player_id: int, period: str) -> sa.Select[Any]:
        r = points_rollup.c
        return sa.select(points_rollup).where(r.player_id == player_id, r.period == period, r.answers > 0)

    async def totals(self, player_id: int) -> tuple[int, int, int]:
        r = points_rollup.c
        row = await self.tx.first(
            self._mine(player_id, rollups.ALL).where(r.period_start == ALL_TIME, r.topic == ALL_TOPICS)
        )
        if row is None:
            return 0, 0, 0
        return int(row.answers), int(row.correct), int(row.points)

    async def topic_stats(self, player_id: int) -> list[TopicStats]:
        r = points_rollup.c
        rows = await self.tx.all(
            self._mine(player_id, rollups.ALL).where(r.period_start == ALL_TIME, r.topic != ALL_TOPICS)
            .order_by(r.topic)
        )
        return [
            TopicStats(row.topic, int(row.answers), int(row.correct), float(row.score_sum) / int(row.answers))
            for row in rows
        ]

    async def points_by_day(self, player_id: int, since: date | None = None) -> list[DayPoints]:
        r = points_rollup.c
        query = self._mine(player_id, rollups.DAY).where(r.topic == ALL_TOPICS).order_by(r.period_start)
        if since is not None:
            query = query.where(r.period_start >= since)
        rows = await self.tx.all(query)
        return [DayPoints(row.period_start, int(row.points), int(row.answers)) for row in rows]

    async def active_dates(self, player_id: int, since: date) -> list[date]:
        return [d.local_date for d in await self.points_by_day(player_id, since)]
