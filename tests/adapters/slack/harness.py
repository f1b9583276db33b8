"""Serving a bolt AsyncApp to the tests over both Slack transports, with one way to send it requests.

HTTP: the app's own aiohttp `web_app()` runs on 127.0.0.1:0 in the test loop (never `app.start()`, which
owns the loop) and receives signed POSTs. Socket Mode: the real `AsyncSocketModeHandler` connects to the
fake's `/link` (found through `apps.connections.open`) and acks envelopes over the WebSocket. `Driver.send`
hides the difference, so one scenario runs over both.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from tests.adapters.slack.fake_slack import FakeSlack, _bound_port
from tests.adapters.slack.payloads import SIGNING_SECRET, Outgoing, signed_headers


@dataclass(frozen=True)
class Ack:
    """What came back for one request: the HTTP status (200 for a Socket Mode ack), the body as JSON when
    it is JSON (else the text, else {}), and the seconds until it came."""

    status: int
    body: Any
    elapsed: float


class Driver(Protocol):
    transport: str

    async def send(self, request: Outgoing) -> Ack: ...


class HttpServer:
    """The app's aiohttp application served on a random loopback port."""

    def __init__(self, app: AsyncApp, path: str = "/slack/events") -> None:
        self.app = app
        self.path = path
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> HttpServer:
        self.runner = web.AppRunner(self.app.web_app(path=self.path), handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = _bound_port(site)
        self.url = f"http://127.0.0.1:{port}{self.path}"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


class HttpDriver:
    transport = "http"

    def __init__(self, url: str, session: aiohttp.ClientSession, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.session = session
        self.secret = secret

    async def post(self, body: str, headers: dict[str, str]) -> Ack:
        """POST exactly these bytes and headers (for signature and replay tests)."""
        started = time.perf_counter()
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            text = await response.text()
            elapsed = time.perf_counter() - started
            parsed: Any
            try:
                parsed = json.loads(text) if text else {}
            except ValueError:
                parsed = text
            return Ack(response.status, parsed, elapsed)

    async def send(
        self, request: Outgoing, *, timestamp: int | None = None, extra_headers: dict[str, str] | None = None
    ) -> Ack:
        headers = signed_headers(request.body, request.content_type, timestamp=timestamp, secret=self.secret)
        headers.update(extra_headers or {})
        return await self.post(request.body, headers)


class SocketDriver:
    transport = "socket"

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake

    async def send(self, request: Outgoing) -> Ack:
        started = time.perf_counter()
        envelope_id = await self.fake.send_envelope(request.kind, request.payload)
        ack = await self.fake.wait_ack(envelope_id)
        return Ack(200, ack.get("payload", {}), time.perf_counter() - started)


async def connect_socket_mode(app: AsyncApp, fake: FakeSlack) -> AsyncSocketModeHandler:
    """Connect the real Socket Mode handler to the fake and wait until the WebSocket is up."""
    handler = AsyncSocketModeHandler(app, app_token=fake.app_token)
    fake.ws_connected.clear()
    await handler.connect_async()
    await asyncio.wait_for(fake.ws_connected.wait(), 5)
    return handler
