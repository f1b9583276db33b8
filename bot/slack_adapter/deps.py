"""What every listener module needs: the service and helpers, plus identity and error reporting.

`SlackDeps` is built once by `build_slack_app` and handed to each module's `register(app, deps)`.
`reporting` is the one place that turns failures into what the user sees: a core error becomes its own
message (ephemeral), anything else is logged with context and reported as "something went wrong".
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import CoreError, PermissionDenied, StorageUnavailable
from bot.core.model import Player, PlayerStats, TeamRef
from bot.core.service import PracticeService
from bot.slack_adapter import ids, render
from bot.slack_adapter.admin import AdminCheck
from bot.slack_adapter.throttle import ChannelThrottle

log = logging.getLogger("bot.slack_adapter")

Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]
ChartRenderer = Callable[[PlayerStats], bytes]

NOT_ADMIN = "Only workspace admins and owners (or the bot's configured admins) can do that."
UNEXPECTED = "Something went wrong on our side; it has been logged. Please try again."


@dataclass
class SlackDeps:
    service: PracticeService
    client: AsyncWebClient
    admin: AdminCheck
    throttle: ChannelThrottle
    chart: ChartRenderer | None = None

    async def require_admin(self, user_id: str) -> None:
        if not await self.admin.is_admin(user_id):
            raise PermissionDenied(NOT_ADMIN)


# --- identity -------------------------------------------------------------------------------------------


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace id of a command, interaction or event body."""
    team = body.get("team")
    user = body.get("user")
    candidates = [
        body.get("team_id"),
        team.get("id") if isinstance(team, dict) else None,
        user.get("team_id") if isinstance(user, dict) else None,
    ]
    return next((str(c) for c in candidates if c), "")


def player_of(body: Mapping[str, Any]) -> Player:
    """The acting player of a slash command (flat fields) or an interaction (`user` object)."""
    user = body.get("user")
    if isinstance(user, dict):
        user_id = str(user.get("id", ""))
        name = str(user.get("name") or user.get("username") or user_id)
    else:
        user_id = str(body.get("user_id", ""))
        name = str(body.get("user_name") or user_id)
    return Player(ids.PLATFORM, team_of(body), user_id, name)


def team_ref_of(body: Mapping[str, Any]) -> TeamRef:
    return TeamRef(ids.PLATFORM, team_of(body))


# --- sending and reporting ------------------------------------------------------------------------------


def via_respond(respond: AsyncRespond, replace: bool = False) -> Send:
    """Ephemeral replies through the interaction's response_url (`replace` swaps the clicked message)."""

    async def send(message: Message) -> None:
        await respond(text=message["text"], blocks=message["blocks"], response_type="ephemeral",
                      replace_original=replace)

    return send


def via_response_url(url: str | None, client: AsyncWebClient, channel: str, user: str,
                     replace: bool = False) -> Send:
    """A reply for a modal submission: to the response_url of the button that opened the modal, else an
    ephemeral post in the channel."""
    if url:
        return via_respond(AsyncRespond(response_url=url), replace)

    async def send(message: Message) -> None:
        await client.chat_postEphemeral(channel=channel, user=user, text=message["text"],
                                        blocks=message["blocks"])

    return send


@asynccontextmanager
async def reporting(send: Send, what: str, body: Mapping[str, Any] | None = None) -> AsyncIterator[None]:
    """Run a listener's slow work: core errors become their message, other errors are logged and reported."""
    try:
        yield
    except CoreError as err:
        text = err.message
        if isinstance(err, StorageUnavailable) and err.unsaved_answer:
            text += f"\nYour answer was: {err.unsaved_answer[:500]}"
        await _deliver(send, render.error_message(text), what)
    except SlackApiError as err:
        log.warning("%s: Slack refused a call: %s", what, err.response.get("error"))
        await _deliver(send, render.error_message(UNEXPECTED), what)
    except Exception:
        who = player_of(body) if body else None
        log.exception("%s failed (user %s, team %s)", what, who.user_id if who else "?",
                      who.team_id if who else "?")
        await _deliver(send, render.error_message(UNEXPECTED), what)


async def _deliver(send: Send, message: Message, what: str) -> None:
    try:
        await send(message)
    except Exception:
        log.exception("%s: could not tell the user about an error", what)
