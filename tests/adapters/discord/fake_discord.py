"""A fake Discord on 127.0.0.1: REST (aiohttp) and the gateway WebSocket, enough for discord.py 2.7.

It records every REST request so tests assert on what discord.py actually sent, and it behaves like Discord
where our adapter could go wrong: JSON with the exact `application/json` content type, interaction callbacks
acknowledged once and only within the 3 s deadline, the first follow-up after a "thinking" defer editing the
loading message, 429s with `Via` and `retry_after` on demand, and a 404 JSON for any route it does not know.
Facts and line references: /work/shared/notes/testing-adapters.md §2.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.adapters.discord import payloads
from tests.adapters.discord.fake_rest import (
    InteractionRecord,
    RecordedFile,
    RestRoutes,
    json_response,
    read_body,
)
from tests.adapters.discord.payloads import JSON, Attachment, FakeGuild, FakeUser, snowflake

INTERACTION_DEADLINE = 3.0


@dataclass
class RecordedRequest:
    """One REST call as the fake received it; `json` is the JSON body or the multipart `payload_json`."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[RecordedFile]
    received_at: float
    status: int = 200
    response: Any = None


@dataclass
class RateLimit:
    method: str
    pattern: re.Pattern[str]
    retry_after: float
    remaining: int
    is_global: bool


@dataclass
class Planned:
    """A scripted answer for the next `remaining` requests matching `method` and `pattern`."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    status: int


@dataclass
class FakeDiscord(RestRoutes):
    """Start with `await fake.start()`; point discord.py at `api_base` and `gateway_url`."""

    token: str = "fake-bot-token"
    application_id: int = field(default_factory=snowflake)
    bot: FakeUser = field(default_factory=lambda: FakeUser(snowflake(), "interview-bot", bot=True))
    guild: FakeGuild | None = None
    requests: list[RecordedRequest] = field(default_factory=list)
    messages: dict[int, JSON] = field(default_factory=dict)
    threads: set[int] = field(default_factory=set)
    """Threads started from a message (their id is the message's)."""
    interactions: dict[str, InteractionRecord] = field(default_factory=dict)
    identifies: list[JSON] = field(default_factory=list)
    commands: list[JSON] = field(default_factory=list)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    deadline: float = INTERACTION_DEADLINE

    def __post_init__(self) -> None:
        if self.guild is None:
            self.guild = FakeGuild(snowflake(), "Deep Learning Club", snowflake(), (snowflake(), snowflake()))
        self._limits: list[RateLimit] = []
        self._lost: list[Planned] = []
        self._refused: list[Planned] = []
        self._sockets: list[tuple[web.WebSocketResponse, list[int]]] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- life cycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def close(self) -> None:
        for ws, _seq in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def channel_id(self) -> int:
        assert self.guild is not None
        return self.guild.channel_ids[0]

    # --- test controls ----------------------------------------------------------------------------

    def rate_limit(
        self,
        method: str,
        path_regex: str,
        *,
        retry_after: float = 0.2,
        times: int = 1,
        is_global: bool = False,
    ) -> None:
        """Answer the next `times` matching requests with a 429 that discord.py honours and retries."""
        self._limits.append(RateLimit(method.upper(), re.compile(path_regex), retry_after, times, is_global))

    def lose_answer(self, method: str, path_regex: str, *, times: int = 1) -> None:
        """Carry out the next `times` matching requests but answer them with a 503, as when Discord
        accepted a message and the response was lost on the way back: the bot sees a failure
        (discord.py retries 500, 502 and 504 itself, but not 503)."""
        self._lost.append(Planned(method.upper(), re.compile(path_regex), times, 503))

    def refuse(self, method: str, path_regex: str, *, times: int = 1, status: int = 403) -> None:
        """Answer the next `times` matching requests with `status` without carrying them out."""
        self._refused.append(Planned(method.upper(), re.compile(path_regex), times, status))

    def add_attachment(
        self, filename: str, data: bytes, content_type: str = "application/x-yaml"
    ) -> Attachment:
        attachment_id = snowflake()
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"
        self.attachments[attachment_id] = Attachment(attachment_id, filename, data, url, content_type)
        return self.attachments[attachment_id]

    def slash(
        self,
        command: str,
        user: FakeUser,
        options: dict[str, object] | None = None,
        channel_id: int | None = None,
    ) -> JSON:
        return self._interaction(2, user, payloads.command_data(command, options), channel_id=channel_id)

    def click(self, message: JSON, custom_id: str, user: FakeUser) -> JSON:
        """A button press on `message` (the message object the bot created, components included)."""
        data = {"custom_id": custom_id, "component_type": 2}
        return self._interaction(3, user, data, channel_id=int(message["channel_id"]), message=message)

    def submit_modal(
        self, custom_id: str, values: dict[str, str], user: FakeUser, channel_id: int | None = None
    ) -> JSON:
        data = {"custom_id": custom_id, "components": payloads.modal_components(values)}
        return self._interaction(5, user, data, channel_id=channel_id)

    def _interaction(
        self, kind: int, user: FakeUser, data: JSON, *, channel_id: int | None, message: JSON | None = None
    ) -> JSON:
        assert self.guild is not None
        target = channel_id or self.channel_id
        if target in self.guild.channel_ids:
            channel = self.guild.channel(target)
        else:
            channel = payloads.text_channel(target, self.guild_id, "thread")
        return payloads.interaction(
            kind,
            application_id=self.application_id,
            guild_id=self.guild_id,
            channel=channel,
            user=user,
            data=data,
            message=message,
        )

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a gateway DISPATCH (op 0) with the next sequence number to the newest identified client."""
        if event == "INTERACTION_CREATE":
            self.interactions[data["token"]] = InteractionRecord(data, time.monotonic())
        for ws, seq in reversed(self._sockets):
            if not ws.closed:
                seq[0] += 1
                await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq[0], "d": data}))
                return
        raise AssertionError("no identified gateway connection to dispatch to")

    async def interact(self, payload: JSON, timeout: float = 10.0) -> RecordedRequest:
        """Dispatch an interaction and wait for its callback (what the user sees first)."""
        await self.dispatch("INTERACTION_CREATE", payload)
        return await self.wait_for(
            lambda r: (
                r.method == "POST"
                and r.path == f"/interactions/{payload['id']}/{payload['token']}/callback"
                and r.status == 200
            ),
            timeout,
        )

    async def wait_for(
        self, predicate: Callable[[RecordedRequest], bool], timeout: float = 10.0, start: int = 0
    ) -> RecordedRequest:
        """The first recorded request (from index `start`) matching `predicate`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for request in self.requests[start:]:
                if predicate(request):
                    return request
            left = deadline - time.monotonic()
            if left <= 0:
                seen = "\n".join(f"  {r.method} {r.path} -> {r.status}" for r in self.requests[start:])
                raise AssertionError(f"no matching request within {timeout}s; saw:\n{seen}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def followup(self, payload: JSON, start: int = 0, timeout: float = 10.0) -> RecordedRequest:
        """The next follow-up (POST /webhooks/{app}/{token}) or original edit of this interaction."""
        prefix = f"/webhooks/{self.application_id}/{payload['token']}"
        return await self.wait_for(
            lambda r: r.path.startswith(prefix) and r.method in ("POST", "PATCH") and r.status == 200,
            timeout,
            start,
        )

    def sent(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def message_of(self, request: RecordedRequest) -> JSON:
        """The message object a callback/follow-up/post created, as Discord stored it."""
        response = request.response
        if isinstance(response, dict) and "resource" in response:
            found: JSON = response["resource"]["message"]
            return found
        assert isinstance(response, dict), response
        return response

    # --- gateway ----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        seq = [0]
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            op = message.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                self.identifies.append(message["d"])
                await self._ready(ws, seq, message["d"])
            elif op == 6:
                seq[0] += 1
                await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": seq[0], "d": {}}))
        self._sockets = [(w, s) for w, s in self._sockets if w is not ws]
        return ws

    async def _ready(self, ws: web.WebSocketResponse, seq: list[int], identify: JSON) -> None:
        assert self.guild is not None
        if identify.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        ready: JSON = {
            "v": 10,
            "user": self.bot.user(),
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": f"session-{snowflake()}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        if identify.get("shard"):
            ready["shard"] = identify["shard"]
        for event, data in (("READY", ready), ("GUILD_CREATE", self.guild.payload(self.bot))):
            seq[0] += 1
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq[0], "d": data}))
        self._sockets.append((ws, seq))

    # --- REST -------------------------------------------------------------------------------------

    async def _attachment(self, request: web.Request) -> web.Response:
        found = self.attachments.get(int(request.match_info["id"]))
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found.data, content_type=found.content_type)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await read_body(request)
        record = RecordedRequest(
            request.method, path, dict(request.query), dict(request.headers), body, files, time.monotonic()
        )
        self.requests.append(record)
        try:
            limited = self._limited(request.method, path)
            if limited is not None:
                record.status = 429
                record.response = {
                    "message": "You are being rate limited.",
                    "retry_after": limited.retry_after,
                    "global": limited.is_global,
                }
                return json_response(record.response, 429, {"Via": "1.1 google", "X-RateLimit-Scope": "user"})
            refused = self._planned(self._refused, request.method, path)
            if refused is not None:
                record.status, record.response = refused.status, {"message": "Refused", "code": 50001}
            elif request.headers.get("Authorization") not in (f"Bot {self.token}", None):
                record.status, record.response = 401, {"message": "401: Unauthorized", "code": 0}
            else:
                record.status, record.response = self._route(
                    request.method, path, body, files, dict(request.query)
                )
                if record.status < 300 and self._planned(self._lost, request.method, path) is not None:
                    record.status, record.response = 503, {"message": "Service Unavailable", "code": 0}
            return json_response(record.response, record.status)
        finally:
            self._changed.set()

    def _limited(self, method: str, path: str) -> RateLimit | None:
        for limit in self._limits:
            if limit.remaining > 0 and limit.method == method and limit.pattern.fullmatch(path):
                limit.remaining -= 1
                return limit
        return None

    @staticmethod
    def _planned(plans: list[Planned], method: str, path: str) -> Planned | None:
        """The first of `plans` with uses left that matches the request (one use is spent)."""
        for plan in plans:
            if plan.remaining > 0 and plan.method == method and plan.pattern.fullmatch(path):
                plan.remaining -= 1
                return plan
        return None
