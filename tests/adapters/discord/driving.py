"""Driving the bot as a user would through the fake: what the user sees after each step."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.adapters.discord.fake_discord import FakeDiscord, RecordedRequest
from tests.adapters.discord.payloads import JSON, FakeUser

EPHEMERAL = 64


@dataclass
class Seen:
    """The interaction's first callback, and the message the user ends up seeing (None for a modal)."""

    callback: RecordedRequest
    sent: RecordedRequest | None
    message: JSON | None

    @property
    def body(self) -> JSON:
        """The JSON discord.py sent for the visible message (the callback's data or the follow-up)."""
        if self.sent is not None:
            sent: JSON = self.sent.json
            return sent
        data: JSON = self.callback.json.get("data") or {}
        return data

    @property
    def embeds(self) -> list[JSON]:
        return list(self.body.get("embeds") or [])

    @property
    def text(self) -> str:
        """Everything visible as one string: content, embed titles, descriptions, fields, footers."""
        parts = [self.body.get("content") or ""]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(parts)

    def custom_ids(self) -> list[str]:
        return list(_custom_ids(self.message.get("components") if self.message else []))

    def button(self, starts_with: str) -> str:
        found = [c for c in self.custom_ids() if c.startswith(starts_with)]
        assert found, f"no button starting with {starts_with!r} in {self.custom_ids()}"
        return found[0]

    @property
    def ephemeral(self) -> bool:
        flags = int((self.message or {}).get("flags") or 0)
        return bool(flags & EPHEMERAL)


def _custom_ids(components: Any) -> Iterator[str]:
    for component in components or []:
        if component.get("custom_id"):
            yield component["custom_id"]
        yield from _custom_ids(component.get("components"))


async def _seen(fake: FakeDiscord, payload: JSON) -> Seen:
    mark = len(fake.requests)
    callback = await fake.interact(payload)
    kind = callback.json["type"]
    if kind == 9:
        return Seen(callback, None, None)
    if kind in (5, 6):
        sent = await fake.followup(payload, start=mark)
        return Seen(callback, sent, fake.message_of(sent))
    return Seen(callback, None, fake.message_of(callback))


async def slash(
    fake: FakeDiscord, command: str, user: FakeUser, options: dict[str, object] | None = None
) -> Seen:
    return await _seen(fake, fake.slash(command, user, options))


async def click(fake: FakeDiscord, seen: Seen | JSON, custom_id: str, user: FakeUser) -> Seen:
    message = seen.message if isinstance(seen, Seen) else seen
    assert message is not None
    return await _seen(fake, fake.click(message, custom_id, user))


async def submit(fake: FakeDiscord, custom_id: str, values: dict[str, str], user: FakeUser) -> Seen:
    return await _seen(fake, fake.submit_modal(custom_id, values, user))


def modal_id(seen: Seen) -> str:
    """The custom id of the modal a callback opened."""
    assert seen.callback.json["type"] == 9, seen.callback.json
    custom_id: str = seen.callback.json["data"]["custom_id"]
    return custom_id
