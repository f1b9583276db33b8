"""Leaderboards from the points rollup.

A window's start is a local date; `rollups.coarsest_period` picks the period (month, ISO week or day)
whose buckets tile "local_date >= start" exactly. Usually one bucket covers the window (nothing was
answered after the current period), and the board is then a plain range of the rollup's board index,
already ordered (points desc, correct desc, player id): a top-10 reads ten index entries whatever the
number of players. Several buckets (a window reaching into later periods) are summed with GROUP BY. A
window given only as a UTC instant, without its local date, falls back to summing attempts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.core.model import LeaderboardRow
from bot.core.timekeeping import as_utc
from storage.repositories import rollups
from storage.repositories.base import Repository
from storage.tables import ALL_TIME, ALL_TOPICS, attempts, group_memberships, players, points_rollup


def _topic_pattern(topic: str) -> str:
    """A LIKE pattern finding `"topic"` in the JSON text of an attempt's topics."""
    escaped = topic.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f'%"{escaped}"%'


class SqlLeaderboard(Repository):
    async def _board(
        self,
        team_id: int,
        since_utc: datetime | None,
        topic: str | None,
        group_id: int | None,
        since_local_date: date | None,
    ) -> sa.Subquery | None:
        """A subquery of (player_id, points, answers, correct) for the window, or None when it is empty."""
        r = points_rollup.c
        topic_key = topic or ALL_TOPICS
        if since_local_date is None and since_utc is not None:
            return self._from_attempts(team_id, as_utc(since_utc), topic or None, group_id)
        if since_local_date is None:
            period, first, last = rollups.ALL, ALL_TIME, ALL_TIME
        else:
            period = rollups.coarsest_period(since_local_date)
            bounds = await self.tx.first(
                sa.select(sa.func.min(r.period_start), sa.func.max(r.period_start)).where(
                    r.team_id == team_id, r.topic == topic_key, r.period == period,
                    r.period_start >= since_local_date,
                )
            )
            first, last = tuple(bounds) if bounds is not None else (None, None)
            if first is None:
                return None
        where = [r.team_id == team_id, r.topic == topic_key, r.period == period]
        if first == last:
            query = sa.select(r.player_id, r.points, r.answers, r.correct).where(
                *where, r.period_start == first, r.answers > 0
            )
        else:
            query = (
                sa.select(
                    r.player_id,
                    sa.func.sum(r.points).label("points"),
                    sa.func.sum(r.answers).label("answers"),
                    sa.func.sum(r.correct).label("correct"),
                )
                .where(*where, r.period_start >= first)
                .group_by(r.player_id)
                .having(sa.func.sum(r.answers) > 0)
            )
        if group_id is not None:
            query = query.join(
                group_memberships,
                sa.and_(group_memberships.c.player_id == r.player_id,
                        group_memberships.c.group_id == group_id),
            )
        return query.subquery("board")

    def _from_attempts(
        self, team_id: int, since_utc: datetime, topic: str | None, group_id: int | None
    ) -> sa.Subquery:
        a = attempts.c
        query = (
            sa.select(
                a.player_id,
                sa.func.sum(a.points).label("points"),
                sa.func.count().label("answers"),
                sa.func.sum(sa.case((a.verdict == "correct", 1), else_=0)).label("correct"),
            )
            .where(a.team_id == team_id, a.created_at >= since_utc)
            .group_by(a.player_id)
        )
        if topic:
            query = query.where(sa.cast(a.topics, sa.Text).like(_topic_pattern(topic), escape="\\"))
        if group_id is not None:
            query = query.join(
                group_memberships,
                sa.and_(group_memberships.c.player_id == a.player_id,
                        group_memberships.c.group_id == group_id),
            )
        return query.subquery("board")

    @staticmethod
    def _row(rank: int, row: Any) -> LeaderboardRow:
        return LeaderboardRow(rank=rank, player_id=row.player_id, display_name=row.display_name,
                              points=int(row.points), answers=int(row.answers), correct=int(row.correct))

    async def top(
        self,
        team_id: int,
        since_utc: datetime | None,
        topic: str | None,
        group_id: int | None,
        limit: int,
        since_local_date: date | None = None,
    ) -> list[LeaderboardRow]:
        board = await self._board(team_id, since_utc, topic, group_id, since_local_date)
        if board is None or limit <= 0:
            return []
        b = board.c
        rows = await self.tx.all(
            sa.select(b.player_id, b.points, b.answers, b.correct, players.c.display_name)
            .join(players, players.c.id == b.player_id)
            .order_by(b.points.desc(), b.correct.desc(), b.player_id)
            .limit(int(limit))
        )
        return [self._row(i + 1, row) for i, row in enumerate(rows)]

    async def row_of(
        self,
        team_id: int,
        player_id: int,
        since_utc: datetime | None,
        topic: str | None,
        group_id: int | None,
        since_local_date: date | None = None,
    ) -> LeaderboardRow | None:
        board = await self._board(team_id, since_utc, topic, group_id, since_local_date)
        if board is None:
            return None
        b = board.c
        mine = await self.tx.first(
            sa.select(b.player_id, b.points, b.answers, b.correct, players.c.display_name)
            .join(players, players.c.id == b.player_id)
            .where(b.player_id == player_id)
        )
        if mine is None:
            return None
        points, correct = int(mine.points), int(mine.correct)
        ahead = await self.tx.scalar(
            sa.select(sa.func.count()).select_from(board).where(
                sa.or_(
                    b.points > points,
                    sa.and_(b.points == points, b.correct > correct),
                    sa.and_(b.points == points, b.correct == correct, b.player_id < player_id),
                )
            )
        )
        return self._row(int(ahead or 0) + 1, mine)
