"""A fake Slack on 127.0.0.1: the Web API methods the adapter calls, response URLs, file uploads and the
Socket Mode WebSocket, all recording what they receive.

It runs as an aiohttp `AppRunner` in the test's own event loop, on a random port, so the real slack_sdk and
slack-bolt code talks to it over real HTTP and WebSocket connections. Bodies are parsed whether slack_sdk
sent them as JSON or form-encoded (it does both, depending on the method), and a method can be told to
answer 429 with a `Retry-After` header a given number of times.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-A111-fake"
TEAM_ID = "T0FAKE01"
BOT_USER_ID = "UBOT0001"
SCOPES = "commands,chat:write,users:read,files:write,im:write,channels:history,groups:history"

JsonDict = dict[str, Any]


def _bound_port(site: web.TCPSite) -> int:
    """The port the OS picked for a site bound to port 0."""
    sockets = getattr(site._server, "sockets", None) or []
    return int(sockets[0].getsockname()[1])


@dataclass(frozen=True)
class Recorded:
    """One request the fake received: the path, the API method (or '' for non-API paths), headers, the
    parsed body and the raw bytes."""

    path: str
    api_method: str
    headers: dict[str, str]
    body: JsonDict
    raw: bytes
    at: float


@dataclass
class FakeUser:
    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False


@dataclass
class _Failure:
    status: int
    retry_after: int
    remaining: int


@dataclass
class FakeSlack:
    """Start with `await fake.start()`, stop with `await fake.stop()`; `base_url` goes to AsyncWebClient."""

    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    team_id: str = TEAM_ID
    requests: list[Recorded] = field(default_factory=list)
    users: dict[str, FakeUser] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    messages: list[JsonDict] = field(default_factory=list)
    acks: dict[str, JsonDict] = field(default_factory=dict)
    port: int = 0
    ws_connections: int = 0
    clock: Callable[[], float] = field(default=time.time)
    """Seconds since the epoch for new messages' `ts`: a test with its own clock points this at it, so
    `conversations.history`'s `oldest` compares with the bot's idea of time."""

    def __post_init__(self) -> None:
        self._failures: dict[str, _Failure] = {}
        self._lost_answers: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.ws_connected = asyncio.Event()

    # --- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response_url/{n}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = _bound_port(site)
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    # --- test controls ----------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, *, is_admin: bool = False, is_owner: bool = False) -> None:
        self.users[user_id] = FakeUser(user_id, name, is_admin, is_owner)

    def fail_next(self, api_method: str, *, times: int = 1, status: int = 429, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `api_method` with `status` (429 carries Retry-After)."""
        self._failures[api_method] = _Failure(status, retry_after, times)

    def lose_answer(self, api_method: str, *, times: int = 1) -> None:
        """Carry out the next `times` calls of `api_method` but answer them with a 503, as when Slack
        accepted a message and the response was lost on the way back: the bot sees a failure."""
        self._lost_answers[api_method] = times

    def add_message(self, channel: str, text: str, **fields: Any) -> str:
        """A message someone posted in `channel` (without an API call); returns its ts."""
        ts = self._ts_now()
        self.messages.append({"channel": channel, "text": text, **fields, "ts": ts})
        return ts

    def response_url(self) -> str:
        """A fresh response_url that lands on this fake."""
        return f"{self.root}/response_url/{next(self._ids)}"

    def calls(self, api_method: str) -> list[JsonDict]:
        """Parsed bodies of every call of an API method, in order (failed attempts included)."""
        return [r.body for r in self.requests if r.api_method == api_method]

    def attempts(self, api_method: str) -> list[Recorded]:
        return [r for r in self.requests if r.api_method == api_method]

    def responses(self) -> list[JsonDict]:
        """Bodies POSTed to response URLs (what `respond()` sent), in order."""
        return [r.body for r in self.requests if r.path.startswith("/response_url/")]

    def responses_to(self, url: str) -> list[JsonDict]:
        """Bodies POSTed to one response URL."""
        path = url.removeprefix(self.root)
        return [r.body for r in self.requests if r.path == path]

    async def wait_for_response_to(self, url: str, count: int = 1, timeout: float = 5.0) -> JsonDict:
        """The `count`-th body POSTed to `url`, waiting for it."""
        await self.wait_until(lambda: len(self.responses_to(url)) >= count, timeout)
        return self.responses_to(url)[count - 1]

    def api_calls(self) -> list[str]:
        return [r.api_method for r in self.requests if r.api_method]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate()` holds, re-checking after each request the fake receives."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s; calls so far: {self.api_calls()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def wait_for_calls(self, api_method: str, count: int = 1, timeout: float = 5.0) -> list[JsonDict]:
        await self.wait_until(lambda: len(self.calls(api_method)) >= count, timeout)
        return self.calls(api_method)

    async def wait_for_responses(self, count: int = 1, timeout: float = 5.0) -> list[JsonDict]:
        await self.wait_until(lambda: len(self.responses()) >= count, timeout)
        return self.responses()

    # --- Socket Mode --------------------------------------------------------------------------------

    async def send_envelope(
        self, kind: str, payload: JsonDict, *, accepts_response_payload: bool = True
    ) -> str:
        """Push one envelope (`slash_commands`, `interactive`, `events_api`) to the connected app."""
        if not self._sockets:
            raise AssertionError("no Socket Mode connection")
        envelope_id = f"env-{next(self._ids)}"
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            "payload": payload,
        }
        if kind == "events_api":
            message["retry_attempt"] = 0
            message["retry_reason"] = ""
        await self._sockets[-1].send_str(json.dumps(message))
        return envelope_id

    async def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> JsonDict:
        await self.wait_until(lambda: envelope_id in self.acks, timeout)
        return self.acks[envelope_id]

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.ws_connections += 1
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets),
                    "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": "A111"},
                }
            )
        )
        self.ws_connected.set()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    data = json.loads(message.data)
                    self._record("/link", "", dict(request.headers), data, message.data.encode())
                    if isinstance(data, dict) and "envelope_id" in data:
                        self.acks[data["envelope_id"]] = data
                        self._changed.set()
                elif message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                    break
        finally:
            self._sockets.remove(ws)
        return ws

    # --- HTTP handlers ------------------------------------------------------------------------------

    def _record(
        self, path: str, api_method: str, headers: dict[str, str], body: JsonDict, raw: bytes
    ) -> None:
        self.requests.append(Recorded(path, api_method, headers, body, raw, time.monotonic()))
        self._changed.set()

    @staticmethod
    async def _parse(request: web.Request) -> tuple[JsonDict, bytes]:
        raw = await request.read()
        content_type = request.headers.get("Content-Type", "")
        body: JsonDict = {}
        if "json" in content_type and raw:
            loaded = json.loads(raw)
            body = loaded if isinstance(loaded, dict) else {"_": loaded}
        elif raw:
            form = await request.post()
            body = {k: v for k, v in form.items() if isinstance(v, str)}
        body.update({k: v for k, v in request.query.items() if k not in body})
        return body, raw

    async def _response_url(self, request: web.Request) -> web.Response:
        body, raw = await self._parse(request)
        self._record(request.path, "", dict(request.headers), body, raw)
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        raw = await request.read()
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = raw
        self._record(request.path, "", dict(request.headers), {"file_id": file_id, "length": len(raw)}, raw)
        return web.Response(text=f"OK - {len(raw)}")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body, raw = await self._parse(request)
        self._record(request.path, method, dict(request.headers), body, raw)
        failure = self._failures.get(method)
        if failure is not None and failure.remaining > 0:
            failure.remaining -= 1
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=failure.status, headers=headers
            )
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or body.get("token")
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        headers = {"x-oauth-scopes": SCOPES} if method == "auth.test" else {}
        result = handler(body)
        if self._lost_answers.get(method, 0) > 0:
            self._lost_answers[method] -= 1
            return web.json_response({"ok": False, "error": "service_unavailable"}, status=503)
        return web.json_response(result, headers=headers)

    # --- API methods ------------------------------------------------------------------------------

    def _ts_now(self) -> str:
        """A unique ts in Slack's `<seconds>.<6 digits>` form, increasing while the clock does not go back."""
        return f"{int(self.clock())}.{next(self._ts):06d}"

    def _m_auth_test(self, body: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake",
            "user": "interview-bot",
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": "BFAKE01",
            "is_enterprise_install": False,
        }

    def _m_chat_postMessage(self, body: JsonDict) -> JsonDict:
        ts = self._ts_now()
        message = {**body, "ts": ts}
        self.messages.append(message)
        return {
            "ok": True,
            "channel": body.get("channel"),
            "ts": ts,
            "message": {"text": body.get("text", ""), "ts": ts, "user": BOT_USER_ID},
        }

    def _m_chat_postEphemeral(self, body: JsonDict) -> JsonDict:
        return {"ok": True, "message_ts": self._ts_now()}

    def _m_chat_update(self, body: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "channel": body.get("channel"),
            "ts": body.get("ts"),
            "text": body.get("text", ""),
        }

    def _view(self, body: JsonDict) -> JsonDict:
        view = body.get("view", {})
        if isinstance(view, str):
            view = json.loads(view)
        return {"ok": True, "view": {**view, "id": f"V{next(self._ids):08d}", "hash": "h1"}}

    def _m_views_open(self, body: JsonDict) -> JsonDict:
        return self._view(body)

    def _m_views_update(self, body: JsonDict) -> JsonDict:
        return self._view(body)

    def _m_views_publish(self, body: JsonDict) -> JsonDict:
        return self._view(body)

    def _m_users_info(self, body: JsonDict) -> JsonDict:
        user = self.users.get(str(body.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "real_name": user.name,
                "is_admin": user.is_admin,
                "is_owner": user.is_owner,
                "is_bot": False,
                "profile": {"display_name": user.name, "real_name": user.name},
            },
        }

    def _m_conversations_open(self, body: JsonDict) -> JsonDict:
        users = str(body.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}

    def _m_conversations_replies(self, body: JsonDict) -> JsonDict:
        """A thread of the channel as Slack gives it: the parent first, then its replies oldest first,
        `limit` per page with an offset as the cursor; `thread_not_found` when the parent is not there."""
        channel, ts = body.get("channel"), body.get("ts")
        limit = max(1, min(int(body.get("limit") or 1000), 1000))
        offset = int(body.get("cursor") or 0)
        here = [m for m in self.messages if m.get("channel") == channel]
        if not any(m.get("ts") == ts for m in here):
            return {"ok": False, "error": "thread_not_found"}
        thread = [m for m in here if m.get("ts") == ts or m.get("thread_ts") == ts]
        thread.sort(key=lambda m: (m.get("ts") != ts, float(m["ts"])))
        page = thread[offset:offset + limit]
        more = offset + limit < len(thread)
        return {
            "ok": True,
            "messages": [{**self._history_message(m), "thread_ts": ts} for m in page],
            "has_more": more,
            "response_metadata": {"next_cursor": str(offset + limit) if more else ""},
        }

    def _m_conversations_history(self, body: JsonDict) -> JsonDict:
        """The channel's top-level messages (thread replies are not in a channel's history) with `oldest` <
        ts < `latest` (`inclusive` includes both ends), newest first, `limit` per page, and an offset as
        the cursor, like Slack's cursor pagination."""
        channel = body.get("channel")
        oldest = float(body.get("oldest") or 0)
        latest = float(body.get("latest") or "inf")
        inclusive = str(body.get("inclusive", "")).lower() in ("1", "true")
        limit = max(1, min(int(body.get("limit") or 100), 999))
        offset = int(body.get("cursor") or 0)

        def within(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        found = [
            m for m in self.messages
            if m.get("channel") == channel and m.get("thread_ts") in (None, "", m.get("ts"))
            and within(float(m["ts"]))
        ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        page = found[offset:offset + limit]
        more = offset + limit < len(found)
        return {
            "ok": True,
            "messages": [self._history_message(m) for m in page],
            "has_more": more,
            "response_metadata": {"next_cursor": str(offset + limit) if more else ""},
        }

    @staticmethod
    def _history_message(recorded: JsonDict) -> JsonDict:
        """A message the bot posted, as history returns it (not the request body it came from)."""
        blocks = recorded.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        message = {
            "type": "message",
            "user": recorded.get("user", BOT_USER_ID),
            "text": recorded.get("text", ""),
            "ts": recorded["ts"],
            "blocks": blocks,
        }
        if "user" not in recorded:
            message["bot_id"] = "BFAKE01"
        return message

    def _m_files_getUploadURLExternal(self, body: JsonDict) -> JsonDict:
        file_id = f"F{next(self._ids):08d}"
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, body: JsonDict) -> JsonDict:
        files = body.get("files", "[]")
        listed = json.loads(files) if isinstance(files, str) else files
        return {
            "ok": True,
            "files": [
                {"id": f["id"], "title": f.get("title", ""), "name": f.get("title", "")} for f in listed
            ],
        }

    def _m_apps_connections_open(self, body: JsonDict) -> JsonDict:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
