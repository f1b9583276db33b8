"""Leaderboards and player stats: windows in the team's timezone, per topic and per group.

The heavy aggregation is storage's (`LeaderboardQueries`); this module turns what a user typed into the
query's bounds and puts together the stats a player sees (accuracy by topic, streak, due reviews, weakest
topics, points over time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.core.context import CoreContext, clean_text, find_player, resolve_player, team_ref_of
from bot.core.errors import InvalidInput, NotFound
from bot.core.model import Group, Player, PlayerRecord, PlayerStats, Team, TeamRef, TopicStats, Window
from bot.core.ports import UnitOfWork
from bot.core.scoring import STREAK_LOOKBACK_DAYS, streak
from bot.core.selection import parse_topic
from bot.core.timekeeping import local_date, parse_window, window_start
from bot.core.views import Leaderboard

MAX_LIMIT = 100
WEAKEST = 3
CHART_DAYS = 90
"""Days of history in stats' points series (the progress chart)."""


def weakest_topics(by_topic: Sequence[TopicStats], count: int = WEAKEST) -> tuple[str, ...]:
    """Topics with the lowest mean score first; ties go to the topic with more attempts (more evidence)."""
    ranked = sorted(by_topic, key=lambda t: (t.mean_score, -t.attempts, t.topic))
    return tuple(t.topic for t in ranked[:count])


class Boards:
    def __init__(self, ctx: CoreContext) -> None:
        self.ctx = ctx

    async def _group(self, uow: UnitOfWork, team: Team, name: str | None) -> Group | None:
        cleaned = clean_text(name, 60)
        if not cleaned:
            return None
        group = await uow.groups.find(team.id, cleaned)
        if group is None:
            raise NotFound(f"There is no group {cleaned!r} in this team.")
        return group

    async def _board(
        self,
        uow: UnitOfWork,
        team: Team,
        window: str | Window | None,
        topic: str | None,
        group: str | None,
        limit: int,
        me: PlayerRecord | None,
    ) -> Leaderboard:
        chosen = window if isinstance(window, Window) else parse_window(window)
        parsed_topic = parse_topic(topic)
        topic_value = parsed_topic.value if parsed_topic else None
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"A leaderboard shows 1 to {MAX_LIMIT} rows.")
        found_group = await self._group(uow, team, group)
        group_id = found_group.id if found_group else None
        since_utc, since_day = window_start(chosen, self.ctx.now(), team.timezone)
        rows = await uow.leaderboard.top(
            team.id, since_utc, topic_value, group_id, limit, since_local_date=since_day
        )
        mine = None
        if me is not None:
            mine = await uow.leaderboard.row_of(
                team.id, me.id, since_utc, topic_value, group_id, since_local_date=since_day
            )
        return Leaderboard(team, chosen, topic_value, found_group, tuple(rows), mine)

    async def for_player(
        self,
        player: Player,
        window: str | Window | None = None,
        topic: str | None = None,
        group: str | None = None,
        limit: int = 10,
    ) -> Leaderboard:
        """The board of the player's team, with the player's own row (rank) when they have one."""

        async def work(uow: UnitOfWork) -> Leaderboard:
            found = await find_player(uow, player)
            if found is None:
                team = await uow.teams.get_or_create(team_ref_of(player))
                return await self._board(uow, team, window, topic, group, limit, None)
            return await self._board(uow, found[0], window, topic, group, limit, found[1])

        return await self.ctx.transact(work)

    async def for_team(
        self,
        team: TeamRef,
        window: str | Window | None = None,
        topic: str | None = None,
        group: str | None = None,
        limit: int = 10,
    ) -> Leaderboard:
        """An admin's view of a team's board; `NotFound` for a team never seen."""

        async def work(uow: UnitOfWork) -> Leaderboard:
            stored = await uow.teams.find(team.platform, team.external_id)
            if stored is None:
                raise NotFound(f"There is no team {team.external_id[:80]!r} on {team.platform}.")
            return await self._board(uow, stored, window, topic, group, limit, None)

        return await self.ctx.read(work)

    # --- stats ------------------------------------------------------------------------------------

    async def _stats(self, uow: UnitOfWork, team: Team, record: PlayerRecord) -> PlayerStats:
        now = self.ctx.now()
        today = local_date(now, team.timezone)
        attempts, correct, points = await uow.attempts.totals(record.id)
        by_topic = await uow.attempts.topic_stats(record.id)
        days = await uow.attempts.active_dates(record.id, today - timedelta(days=STREAK_LOOKBACK_DAYS))
        series = await uow.attempts.points_by_day(record.id, today - timedelta(days=CHART_DAYS))
        due = await uow.reviews.count_due(record.id, now)
        row = await uow.leaderboard.row_of(team.id, record.id, None, None, None)
        ordered = tuple(sorted(by_topic, key=lambda t: t.topic))
        return PlayerStats(
            player=record,
            attempts=attempts,
            correct=correct,
            points=points,
            streak=streak(days, today),
            due_reviews=due,
            by_topic=ordered,
            weakest_topics=weakest_topics(ordered),
            points_by_day=tuple(series),
            rank=row.rank if row else None,
        )

    async def stats(self, player: Player) -> PlayerStats:
        """The player's own stats (a new player gets zeros)."""

        async def work(uow: UnitOfWork) -> PlayerStats:
            team, record = await resolve_player(uow, player)
            return await self._stats(uow, team, record)

        return await self.ctx.transact(work)

    async def stats_for(self, team: TeamRef, user_id: str) -> PlayerStats:
        """An admin's view of a player's stats; `NotFound` when the team or player was never seen."""

        async def work(uow: UnitOfWork) -> PlayerStats:
            stored = await uow.teams.find(team.platform, team.external_id)
            record = await uow.players.find(stored.id, user_id.strip()) if stored else None
            if stored is None or record is None:
                raise NotFound(f"There is no player {user_id[:80]!r} in team {team.external_id[:80]!r}.")
            return await self._stats(uow, stored, record)

        return await self.ctx.read(work)
