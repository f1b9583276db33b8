"""The fake Discord's REST semantics: messages, interaction callbacks, webhooks, channels and threads.

Kept apart from the server plumbing (`fake_discord.py`) so each file stays readable. `RestRoutes` is a
mixin: `FakeDiscord` provides the state it reads (application, bot, guild, messages, interactions).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from tests.adapters.discord import payloads
from tests.adapters.discord.payloads import JSON, FakeGuild, FakeUser, snowflake

EPHEMERAL = 64


@dataclass
class RecordedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class InteractionRecord:
    payload: JSON
    dispatched_at: float
    acknowledged: bool = False
    original_id: int | None = None
    loading: bool = False


class RestRoutes:
    """Answers one REST call from the fake's state: (status, JSON body)."""

    application_id: int
    bot: FakeUser
    guild: FakeGuild | None
    messages: dict[int, JSON]
    threads: set[int]
    interactions: dict[str, InteractionRecord]
    commands: list[JSON]
    deadline: float
    port: int

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def guild_id(self) -> int:
        assert self.guild is not None
        return self.guild.id

    def _route(
        self,
        method: str,
        path: str,
        body: Any,
        files: list[RecordedFile],
        query: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        app = str(self.application_id)
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return 200, self.bot.user()
        if method == "GET" and path in ("/oauth2/applications/@me", "/applications/@me"):
            return 200, self._app_info()
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            return 200, {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        if parts[:2] == ["applications", app] and parts[-1] == "commands":
            if method == "PUT":
                self.commands = [
                    {**c, "id": str(snowflake()), "application_id": app, "version": str(snowflake())}
                    for c in body
                ]
                return 200, self.commands
            if method == "GET":
                return 200, self.commands
        if method == "POST" and len(parts) == 4 and parts[0] == "interactions" and parts[3] == "callback":
            return self._callback(parts[2], body, files)
        if parts[:3] == ["webhooks", app, parts[2] if len(parts) > 2 else ""] and len(parts) >= 3:
            return self._webhook(method, parts[2], parts[3:], body, files)
        if parts[0] == "channels" and len(parts) >= 2:
            return self._channel(method, int(parts[1]), parts[2:], body, files, query or {})
        return 404, {"message": f"404: Not Found ({method} {path})", "code": 0}

    def _app_info(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": "interview-bot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.bot.user(),
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
        }

    def _new_message(
        self, channel_id: int, body: JSON, files: list[RecordedFile], *, webhook: bool = False
    ) -> JSON:
        attachments = [
            {
                "id": str(snowflake()),
                "filename": f.filename,
                "size": len(f.data),
                "url": f"http://127.0.0.1:{self.port}/cdn/{f.filename}",
                "proxy_url": f"http://127.0.0.1:{self.port}/cdn/{f.filename}",
                "content_type": f.content_type,
            }
            for f in files
        ]
        created = payloads.message(
            snowflake(),
            channel_id,
            self.bot,
            body or {},
            guild_id=self.guild_id,
            webhook_id=self.application_id if webhook else None,
            attachments=attachments,
        )
        self.messages[int(created["id"])] = created
        return created

    def _edit(self, message_id: int, body: JSON, files: list[RecordedFile]) -> JSON:
        current = self.messages[message_id]
        for key in ("content", "embeds", "components", "flags"):
            if key in body and body[key] is not None:
                current[key] = body[key]
        if files:
            current["attachments"] = self._new_message(int(current["channel_id"]), {}, files)["attachments"]
        current["edited_timestamp"] = payloads.iso_now()
        return current

    def _history(self, channel_id: int, query: dict[str, str]) -> tuple[int, Any]:
        """`GET /channels/{id}/messages` as Discord answers it: `limit` 1-100 (default 50); with `after`,
        the messages right after that id; with `before` (or neither), the newest ones before it; always
        newest first. Ephemeral interaction replies are nobody's channel history."""
        limit = int(query.get("limit", "50"))
        if not 1 <= limit <= 100:
            return 400, {"message": "Invalid Form Body", "code": 50035}
        found = sorted(
            int(m["id"]) for m in self.messages.values()
            if int(m["channel_id"]) == channel_id and not int(m.get("flags") or 0) & EPHEMERAL
        )
        if "after" in query:
            chosen = [i for i in found if i > int(query["after"])][:limit]
        else:
            before = int(query.get("before") or 2**64)
            chosen = [i for i in found if i < before][-limit:]
        return 200, [self.messages[i] for i in reversed(chosen)]

    def _callback(self, token: str, body: JSON, files: list[RecordedFile]) -> tuple[int, Any]:
        record = self.interactions.get(token)
        if record is None or time.monotonic() - record.dispatched_at > self.deadline:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if record.acknowledged:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        record.acknowledged = True
        kind = int(body["type"])
        data: JSON = body.get("data") or {}
        channel_id = int(record.payload["channel_id"])
        source = record.payload.get("message")
        answer: JSON = {
            "interaction": {"id": record.payload["id"], "type": record.payload["type"]},
            "resource": {"type": kind},
        }
        created: JSON | None = None
        if kind in (4, 5):
            created = self._new_message(
                channel_id, {**data, "content": data.get("content") or ""}, files, webhook=True
            )
            record.loading = kind == 5
        elif kind == 7 and source is not None:
            created = self._edit(int(source["id"]), data, files)
        elif kind == 6 and source is not None:
            created = self.messages.get(int(source["id"]), source)
        if created is not None:
            record.original_id = int(created["id"])
            answer["interaction"]["response_message_id"] = created["id"]
            answer["interaction"]["response_message_loading"] = record.loading
            answer["interaction"]["response_message_ephemeral"] = bool(
                int(created.get("flags", 0)) & EPHEMERAL
            )
            answer["resource"]["message"] = created
        return 200, answer

    def _webhook(
        self, method: str, token: str, rest: list[str], body: JSON, files: list[RecordedFile]
    ) -> tuple[int, Any]:
        record = self.interactions.get(token)
        if record is None:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        if not record.acknowledged:
            return 400, {"message": "Interaction has not been acknowledged.", "code": 40060}
        channel_id = int(record.payload["channel_id"])
        if method == "POST" and not rest:
            if record.loading and record.original_id is not None:
                record.loading = False
                return 200, self._edit(record.original_id, body or {}, files)
            return 200, self._new_message(channel_id, body or {}, files, webhook=True)
        if len(rest) == 2 and rest[0] == "messages":
            target = record.original_id if rest[1] == "@original" else int(rest[1])
            if target is None or target not in self.messages:
                return 404, {"message": "Unknown Message", "code": 10008}
            if method == "PATCH":
                record.loading = False
                return 200, self._edit(target, body or {}, files)
            if method == "GET":
                return 200, self.messages[target]
            if method == "DELETE":
                del self.messages[target]
                return 204, None
        return 404, {"message": "404: Not Found", "code": 0}

    def _channel(
        self,
        method: str,
        channel_id: int,
        rest: list[str],
        body: Any,
        files: list[RecordedFile],
        query: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        assert self.guild is not None
        if method == "GET" and not rest:
            return 200, self.guild.channel(
                channel_id
            ) if channel_id in self.guild.channel_ids else payloads.text_channel(
                channel_id, self.guild_id, "thread"
            )
        if method == "POST" and rest == ["messages"]:
            return 200, self._new_message(channel_id, body or {}, files)
        if method == "GET" and rest == ["messages"]:
            if channel_id not in self.guild.channel_ids and channel_id not in self.threads:
                return 404, {"message": "Unknown Channel", "code": 10003}
            return self._history(channel_id, query or {})
        if method == "POST" and len(rest) == 3 and rest[0] == "messages" and rest[2] == "threads":
            if int(rest[1]) not in self.messages:
                return 404, {"message": "Unknown Message", "code": 10008}
            if int(rest[1]) in self.threads:  # a message starts one thread, whose id is the message's
                return 400, {"message": "A thread has already been created for this message", "code": 160004}
            self.threads.add(int(rest[1]))
            name = str((body or {}).get("name") or "thread")[:100]
            return 200, payloads.thread_channel(int(rest[1]), channel_id, self.guild_id, self.bot.id, name)
        if method == "PATCH" and len(rest) == 2 and rest[0] == "messages" and int(rest[1]) in self.messages:
            return 200, self._edit(int(rest[1]), body or {}, files)
        return 404, {"message": "404: Not Found", "code": 0}


async def read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    """JSON body, or multipart `payload_json` plus `files[n]` parts (attachments)."""
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        body: Any = None
        files: list[RecordedFile] = []
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                files.append(
                    RecordedFile(
                        part.name or "",
                        part.filename or "",
                        part.headers.get("Content-Type", ""),
                        bytes(data),
                    )
                )
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []


def json_response(data: Any, status: int, headers: dict[str, str] | None = None) -> web.Response:
    """Exactly `Content-Type: application/json` (discord.py compares the header for equality)."""
    if status == 204:
        return web.Response(status=204)
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
