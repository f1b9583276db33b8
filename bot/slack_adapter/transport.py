"""Running the app on one of the two transports, inside the caller's event loop.

HTTP: bolt's aiohttp `web_app()` plus a `/healthz` route, served with `AppRunner`/`TCPSite` (never
`app.start()`, which would own the loop). Socket Mode: slack-bolt's `AsyncSocketModeHandler`, which asks
`apps.connections.open` for the WebSocket URL with the app-level token.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.slack_adapter.settings import SlackSettings

log = logging.getLogger("bot.slack_adapter")


async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def serve_http(app: AsyncApp, settings: SlackSettings) -> tuple[web.AppRunner, str]:
    """Start serving signed Slack requests; returns the runner (call `cleanup()` to stop) and the URL."""
    application = app.web_app(path=settings.http_path)
    application.router.add_get("/healthz", _health)
    runner = web.AppRunner(application, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    port = sockets[0].getsockname()[1] if sockets else settings.http_port
    return runner, f"http://{settings.http_host}:{port}{settings.http_path}"


async def connect_socket_mode(app: AsyncApp, settings: SlackSettings) -> AsyncSocketModeHandler:
    """Open the Socket Mode connection; `await handler.close_async()` to stop."""
    handler = AsyncSocketModeHandler(app, app_token=settings.app_token.get_secret_value())
    await handler.connect_async()
    return handler


async def run_forever(app: AsyncApp, settings: SlackSettings) -> None:
    """Serve on the configured transport until cancelled, then close it."""
    if settings.mode == "socket":
        handler = await connect_socket_mode(app, settings)
        log.info("connected to Slack over Socket Mode")
        try:
            await asyncio.Event().wait()
        finally:
            await handler.close_async()
    else:
        runner, url = await serve_http(app, settings)
        log.info("listening for Slack requests on %s", url)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
