"""Discord object payloads as the real API sends them, for the fake server and the tests.

Only the fields discord.py 2.7 reads unconditionally are required (see shared notes §2.2); the rest are
filled with what Discord would send so the library's parsers run their ordinary paths.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
MANAGE_GUILD = 1 << 5
ADMIN_PERMISSIONS = (1 << 41) - 1  # every permission bit, Manage Server included
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)  # view, send, read history, use commands
JSON = dict[str, Any]

_counter = itertools.count(1)


def snowflake() -> int:
    """A fresh, increasing snowflake whose timestamp part is now."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class FakeUser:
    """A guild member as the fake knows it; `permissions` are the member's resolved permission bits."""

    id: int
    name: str
    permissions: int = MEMBER_PERMISSIONS
    bot: bool = False
    display: str | None = None

    def user(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.display or self.name.title(),
            "discriminator": "0",
            "avatar": None,
        }
        if self.bot:
            data["bot"] = True
        return data

    def member(self, with_permissions: bool = True) -> JSON:
        data: JSON = {
            "user": self.user(),
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "flags": 0,
            "deaf": False,
            "mute": False,
        }
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass(frozen=True)
class FakeGuild:
    id: int
    name: str
    owner_id: int
    channel_ids: tuple[int, ...]
    members: tuple[FakeUser, ...] = field(default=())

    def channel(self, channel_id: int) -> JSON:
        return text_channel(channel_id, self.id, f"channel-{self.channel_ids.index(channel_id)}")

    def payload(self, bot: FakeUser) -> JSON:
        """The full GUILD_CREATE `d`: @everyone (id = guild id), text channels, members including the bot."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members) + 1,
            "features": [],
            "roles": [
                {
                    "id": str(self.id),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [self.channel(c) for c in self.channel_ids],
            "members": [m.member(with_permissions=False) for m in (*self.members, bot)],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "system_channel_flags": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
            "joined_at": "2024-01-01T00:00:00+00:00",
        }


def text_channel(channel_id: int, guild_id: int, name: str) -> JSON:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
    }


def thread_channel(thread_id: int, parent_id: int, guild_id: int, owner_id: int, name: str) -> JSON:
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso_now(),
            "locked": False,
            "create_timestamp": iso_now(),
        },
    }


def message(
    message_id: int,
    channel_id: int,
    author: FakeUser,
    body: JSON,
    *,
    guild_id: int | None = None,
    webhook_id: int | None = None,
    attachments: list[JSON] | None = None,
) -> JSON:
    """A message object as Discord returns it after creating one from `body` (a create-message JSON)."""
    data: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "author": author.user(),
        "content": body.get("content") or "",
        "embeds": list(body.get("embeds") or []),
        "components": list(body.get("components") or []),
        "attachments": list(attachments or []),
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "flags": int(body.get("flags") or 0),
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    return data


# --- interaction payloads (what the gateway dispatches in INTERACTION_CREATE) ----------------------------


@dataclass(frozen=True)
class Attachment:
    """An uploaded file the fake serves from `url` (slash-command attachment options)."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str = "application/x-yaml"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }


def _option(name: str, value: object, resolved: JSON) -> JSON:
    if isinstance(value, Attachment):
        resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
        return {"name": name, "type": 11, "value": str(value.id)}
    if isinstance(value, FakeUser):
        resolved.setdefault("users", {})[str(value.id)] = value.user()
        member = value.member()
        member.pop("user")
        resolved.setdefault("members", {})[str(value.id)] = member
        return {"name": name, "type": 6, "value": str(value.id)}
    if isinstance(value, bool):
        return {"name": name, "type": 5, "value": value}
    if isinstance(value, int):
        return {"name": name, "type": 4, "value": value}
    if isinstance(value, float):
        return {"name": name, "type": 10, "value": value}
    if isinstance(value, ChannelOption):
        resolved.setdefault("channels", {})[str(value.id)] = {
            "id": str(value.id),
            "type": 0,
            "name": value.name,
            "permissions": str(ADMIN_PERMISSIONS),
        }
        return {"name": name, "type": 7, "value": str(value.id)}
    return {"name": name, "type": 3, "value": str(value)}


@dataclass(frozen=True)
class ChannelOption:
    id: int
    name: str = "general"


def command_data(command: str, options: dict[str, object] | None) -> JSON:
    """`data` of a slash command; "daily set" is a subcommand, "a b c" a subcommand in a group."""
    resolved: JSON = {}
    leaf = [_option(k, v, resolved) for k, v in (options or {}).items() if v is not None]
    names = command.split()
    for depth, name in enumerate(reversed(names[1:])):
        leaf = [{"name": name, "type": 1 if depth == 0 else 2, "options": leaf}]
    data: JSON = {"id": str(snowflake()), "name": names[0], "type": 1, "options": leaf}
    if resolved:
        data["resolved"] = resolved
    return data


def interaction(
    kind: int,
    *,
    application_id: int,
    guild_id: int | None,
    channel: JSON,
    user: FakeUser,
    data: JSON,
    message: JSON | None = None,
) -> JSON:
    """An INTERACTION_CREATE `d`: kind 2 = slash command, 3 = component, 5 = modal submit."""
    payload: JSON = {
        "id": str(snowflake()),
        "application_id": str(application_id),
        "type": kind,
        "token": f"tok-{snowflake()}",
        "version": 1,
        "channel_id": channel["id"],
        "channel": channel,
        "data": data,
        "locale": "en-US",
        "app_permissions": str(ADMIN_PERMISSIONS),
        "entitlements": [],
        "attachment_size_limit": 26_214_400,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild_locale"] = "en-US"
        payload["member"] = user.member()
        payload["context"] = 0
    else:
        payload["user"] = user.user()
        payload["context"] = 1
    if message is not None:
        payload["message"] = message
    return payload


def modal_components(values: dict[str, str]) -> list[JSON]:
    """Modal submit components: each text input (type 4) in its own action row, as Discord sends them."""
    return [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
