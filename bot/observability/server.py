"""The `/healthz` and `/metrics` routes, on their own aiohttp server or added to Slack's.

Served with `AppRunner`/`TCPSite` on the caller's event loop (never `web.run_app`, which would own it),
without an access log (Prometheus scrapes every few seconds; the lines would drown everything else).
`/healthz` answers 200 with JSON when every check passes and 503 with what is failing otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from bot.observability.health import HealthChecks
from bot.observability.metrics import CONTENT_TYPE, BotMetrics

log = logging.getLogger(__name__)


def add_routes(app: web.Application, health: HealthChecks, metrics: BotMetrics | None) -> None:
    """Add `GET /healthz` (and `GET /metrics` when `metrics` is given) to an aiohttp application, one
    without those paths: `run` builds Slack's application itself rather than through
    `transport.serve_http`, which adds an always-OK `/healthz` of its own."""

    async def healthz(_request: web.Request) -> web.Response:
        report = await health.run()
        return web.json_response(report.as_json(), status=200 if report.healthy else 503)

    app.router.add_get("/healthz", healthz)
    if metrics is not None:
        exposed = metrics

        async def metrics_route(_request: web.Request) -> web.Response:
            return web.Response(body=exposed.render(), headers={"Content-Type": CONTENT_TYPE})

        app.router.add_get("/metrics", metrics_route)


@dataclass
class Served:
    """A started server: `url` is where it listens (the real port when 0 was asked), `stop()` closes it."""

    runner: web.AppRunner
    url: str

    @property
    def listening(self) -> bool:
        server = self.runner.server
        return server is not None and bool(self.runner.sites)

    async def stop(self) -> None:
        await self.runner.cleanup()


async def serve(app: web.Application, host: str, port: int) -> Served:
    """Serve `app` on host:port; raises `OSError` when the address is taken or unusable."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    sockets = getattr(site._server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    shown = f"[{host}]" if ":" in host else host
    return Served(runner, f"http://{shown}:{bound}")


async def serve_observability(health: HealthChecks, metrics: BotMetrics, host: str, port: int) -> Served:
    """A server with only `/healthz` and `/metrics`."""
    app = web.Application()
    add_routes(app, health, metrics)
    served = await serve(app, host, port)
    log.info("health and metrics served at %s/healthz and %s/metrics", served.url, served.url)
    return served
