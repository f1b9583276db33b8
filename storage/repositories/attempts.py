"""Attempts: every graded answer, with the rules the database enforces on them.

A daily question takes one answer per player (unique (daily_post_id, player_id)) and a question earns
points once per player (unique (player_id, question_id) where counted); the unique indexes turn a race
into `AlreadyAnswered` / `AlreadyCounted`. Stats per player read the points rollup, which `add` and
`correct_grade` keep equal to the attempts in the same transaction.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from bot.core.checking.grade import Verdict
from bot.core.errors import NotFound
from bot.core.model import Attempt, AttemptDraft, AttemptMode, DayPoints, TopicStats
from bot.core.recording import AnswerHistory
from bot.core.timekeeping import as_utc
from storage import answer_statements as answer
from storage.repositories import rollups
from storage.repositories.base import Repository, str_tuple
from storage.repositories.history import read_history
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


_DRAFT_FIELDS = tuple(f.name for f in dataclasses.fields(AttemptDraft))


class SqlAttempts(Repository):
    async def add(self, draft: AttemptDraft) -> Attempt:
        values = {name: getattr(draft, name) for name in _DRAFT_FIELDS}
        values.update(
            topics=list(draft.topics),
            covered=list(draft.covered),
            missed=list(draft.missed),
            mode=AttemptMode(draft.mode).value,
            verdict=Verdict(draft.verdict).value,
            created_at=as_utc(draft.created_at),
            score=float(draft.score),
        )
        self.tx.fresh_players.discard(draft.player_id)  # it now has something stored
        buffer = self.tx.buffer
        if buffer is not None:  # PostgreSQL: sent with the transaction's other writes
            values["id"] = attempt_id = await self.tx.next_attempt_id()
            buffer.attempts.append(values)
            self.tx.changes += 1
        else:
            rows = await self.fetch("attempts.add", answer.attempt_insert, values)
            attempt_id = int(rows[0].id)
        await rollups.apply(
            self.tx, team_id=draft.team_id, player_id=draft.player_id, day=draft.local_date,
            topics=draft.topics,
            delta=rollups.Delta(draft.points, 1, _is_correct(values["verdict"]), float(draft.score)),
        )
        return Attempt(**{**{name: getattr(draft, name) for name in _DRAFT_FIELDS},
                          "created_at": values["created_at"]}, id=attempt_id)

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
        buffer = self.tx.buffer
        if buffer is not None and buffer.counted(player_id, question_id):
            return True
        if player_id in self.tx.fresh_players:
            return False
        values = {"player_id": player_id, "question_id": question_id}
        rows = await self.read("attempts.has_counted", answer.has_counted, values)
        return bool(rows)

    async def history(self, player_id: int, question_id: str, daily_post_id: int | None) -> AnswerHistory:
        """`has_counted`, `daily_answer` and the review card in one statement (bot.core.recording)."""
        return await read_history(self.tx, player_id, question_id, daily_post_id)

    async def answered_question_ids(self, player_id: int) -> set[str]:
        rows = await self.tx.all(
            sa.select(attempts.c.question_id).where(attempts.c.player_id == player_id).distinct()
        )
        return {r.question_id for r in rows}

    async def daily_answer(self, daily_post_id: int, player_id: int) -> Attempt | None:
        buffer = self.tx.buffer
        held = buffer.daily_answer(daily_post_id, player_id) if buffer is not None else None
        if held is not None:
            return attempt_of(SimpleNamespace(**held))
        if player_id in self.tx.fresh_players:
            return None
        values = {"daily_post_id": daily_post_id, "player_id": player_id}
        rows = await self.read("attempts.daily_answer", answer.daily_answer, values)
        return attempt_of(rows[0]) if rows else None

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
