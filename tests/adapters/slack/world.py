"""A running Slack world for scenario tests: the real adapter over the real service and SQLite, served on
one transport, driven the way Slack drives it (commands, clicks, modal submissions) against the fake."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.model import Player
from bot.core.service import PracticeService
from questions.store import QuestionStore
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import Ack, Driver
from tests.adapters.slack.payloads import (
    CHANNEL_ID,
    CHANNEL_NAME,
    SlackUser,
    block_actions,
    new_trigger_id,
    slash_command,
    view_submission,
)

ALICE = SlackUser("UALICE01", "alice")
BOB = SlackUser("UBOB0001", "bob")
CAROL = SlackUser("UCAROL01", "carol")  # a workspace admin in the fake

JsonDict = dict[str, Any]


def player(user: SlackUser) -> Player:
    """The core's view of a Slack user, as the adapter builds it."""
    return Player("slack", user.team_id, user.id, user.name)


@dataclass(frozen=True)
class Clicked:
    ack: Ack
    response_url: str
    trigger_id: str


@dataclass
class SlackWorld:
    fake: FakeSlack
    driver: Driver
    service: PracticeService
    store: QuestionStore
    app: AsyncApp

    async def command(self, user: SlackUser, command: str, text: str = "", *,
                      channel_id: str = CHANNEL_ID, channel_name: str = CHANNEL_NAME) -> tuple[Ack, str]:
        """Send a slash command; returns the ack and the command's response_url."""
        url = self.fake.response_url()
        request = slash_command(command, text, user, url, channel_id=channel_id, channel_name=channel_name)
        return await self.driver.send(request), url

    async def ask(self, user: SlackUser, command: str, text: str = "", **kw: str) -> JsonDict:
        """Send a slash command and wait for its (first) reply."""
        ack, url = await self.command(user, command, text, **kw)
        assert ack.status == 200, ack
        return await self.fake.wait_for_response_to(url)

    async def click(self, user: SlackUser, action_id: str, value: str, *, is_ephemeral: bool = True,
                    message_ts: str = "1700000000.000100") -> Clicked:
        url = self.fake.response_url()
        trigger = new_trigger_id()
        request = block_actions(action_id, value, user, url, trigger_id=trigger, is_ephemeral=is_ephemeral,
                                message_ts=message_ts)
        return Clicked(await self.driver.send(request), url, trigger)

    async def press(self, user: SlackUser, action_id: str, value: str) -> JsonDict:
        """Click a button and wait for the reply to its response_url."""
        clicked = await self.click(user, action_id, value)
        assert clicked.ack.status == 200, clicked.ack
        return await self.fake.wait_for_response_to(clicked.response_url)

    async def opened_view(self, trigger_id: str) -> JsonDict:
        """The view the app opened with this trigger_id."""
        await self.fake.wait_until(lambda: any(c.get("trigger_id") == trigger_id
                                               for c in self.fake.calls("views.open")))
        call = next(c for c in self.fake.calls("views.open") if c.get("trigger_id") == trigger_id)
        view = call["view"]
        return view if isinstance(view, dict) else {}

    async def submit(self, user: SlackUser, view: JsonDict, values: JsonDict) -> Ack:
        request = view_submission(str(view["callback_id"]), values, user,
                                  private_metadata=str(view.get("private_metadata", "")))
        return await self.driver.send(request)


def buttons(message: JsonDict) -> dict[str, str]:
    """action_id → value of every button in a message or view."""
    found = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["action_id"]] = element.get("value", "")
    return found


def texts(message: JsonDict) -> Iterator[str]:
    """Every text string in a message body (top-level text, blocks, nested elements)."""
    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    yield value
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(message)


def all_text(message: JsonDict) -> str:
    return "\n".join(texts(message))
