"""Events API listeners: the App Home tab.

Bolt acks events itself; the work here (stats, the team board, `views.publish`) runs after. A redelivered
event (same event_id) is dropped by the de-duplication middleware before it gets here.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.errors import CoreError, NotFound
from bot.core.model import PlayerStats, TeamRef
from bot.core.views import Leaderboard
from bot.slack_adapter import ids, render
from bot.slack_adapter.deps import SlackDeps, team_of

log = logging.getLogger(__name__)

Body = dict[str, Any]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the event listeners to `app`."""

    @app.event("app_home_opened")
    async def home_opened(body: Body, event: Body) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        team = TeamRef(ids.PLATFORM, team_of(body))
        try:
            view = render.home_view(*await _home_data(deps, team, user_id))
            await deps.client.views_publish(user_id=user_id, view=view)
        except CoreError as err:
            log.warning("App Home for %s not published: %s", user_id, err.message)
        except Exception:
            log.exception("App Home for %s failed", user_id)


async def _home_data(
    deps: SlackDeps, team: TeamRef, user_id: str
) -> tuple[PlayerStats | None, Leaderboard | None]:
    """Stats of a known player and the team's all-time top 10; None for what does not exist yet (opening the
    tab creates nothing, so a player's display name is never overwritten by a bare id)."""
    stats: PlayerStats | None = None
    board: Leaderboard | None = None
    try:
        stats = await deps.service.team_player_stats(team, user_id)
    except NotFound:
        stats = None
    try:
        board = await deps.service.team_leaderboard(team, "all", limit=10)
    except NotFound:
        board = None
    return stats, board
