"""What `/healthz` checks: named async checks run together, each with a time limit.

A check returns a short detail when healthy and raises when not (the exception's message says what is
failing). The builders below cover the database (`Database.ping`), a Discord client (ready, not closed),
Slack in Socket Mode (the WebSocket is connected) and Slack's HTTP server (still serving); they only
duck-type the objects, so this module imports neither discord nor slack.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

Check = Callable[[], Awaitable[str]]
DEFAULT_TIMEOUT = 3.0


class Unhealthy(Exception):
    """A check's failure; the message is shown in `/healthz`."""


@dataclass(frozen=True)
class Report:
    """The outcome of every check: `healthy` only when all passed."""

    healthy: bool
    checks: dict[str, dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        failing = sorted(name for name, result in self.checks.items() if not result["ok"])
        return {"status": "ok" if self.healthy else "unhealthy", "failing": failing, "checks": self.checks}


@dataclass
class HealthChecks:
    """Add checks as parts start (`add`), remove them as they stop; `run()` runs them all at once."""

    timeout: float = DEFAULT_TIMEOUT
    checks: dict[str, Check] = field(default_factory=dict)

    def add(self, name: str, check: Check) -> None:
        self.checks[name] = check

    def remove(self, name: str) -> None:
        self.checks.pop(name, None)

    async def run(self) -> Report:
        names = list(self.checks)
        results = await asyncio.gather(*(self._one(self.checks[n]) for n in names))
        outcome = dict(zip(names, results, strict=True))
        return Report(all(r["ok"] for r in results), outcome)

    async def _one(self, check: Check) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            detail = await asyncio.wait_for(check(), self.timeout)
            ok = True
        except TimeoutError:
            detail, ok = f"no answer within {self.timeout:g} s", False
        except Exception as err:
            detail, ok = (str(err) or type(err).__name__)[:300], False
        return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


class Pingable(Protocol):
    async def ping(self) -> None: ...


class DiscordLike(Protocol):
    def is_ready(self) -> bool: ...

    def is_closed(self) -> bool: ...


def database_check(database: Pingable) -> Check:
    async def check() -> str:
        await database.ping()  # StorageUnavailable names the database and the reason
        return "reachable"

    return check


def discord_check(client: DiscordLike) -> Check:
    """Healthy while the gateway session is ready and the client was not closed."""

    async def check() -> str:
        if client.is_closed():
            raise Unhealthy("the Discord client is closed")
        if not client.is_ready():
            raise Unhealthy("not connected to the Discord gateway (not ready)")
        shards = getattr(client, "shards", None)
        if isinstance(shards, dict) and shards:
            down = sorted(i for i, s in shards.items() if s.is_closed())
            if down:
                raise Unhealthy(f"shard(s) {', '.join(map(str, down))} disconnected")
            return f"ready, shard(s) {', '.join(map(str, sorted(shards)))}"
        return "ready"

    return check


def slack_socket_check(handler: Any) -> Check:
    """Healthy while the Socket Mode WebSocket is connected (`handler.client.is_connected()`)."""

    async def check() -> str:
        connected = handler.client.is_connected()
        if asyncio.iscoroutine(connected):
            connected = await connected
        if not connected:
            raise Unhealthy("the Slack Socket Mode connection is down")
        return "socket connected"

    return check


def http_server_check(serving: Callable[[], bool], what: str) -> Check:
    """Healthy while `serving()` says the server still listens."""

    async def check() -> str:
        if not serving():
            raise Unhealthy(f"the {what} server is not listening")
        return f"{what} server listening"

    return check


def starting_check(what: str) -> Check:
    """Unhealthy until replaced: a part that is configured but not started yet."""

    async def check() -> str:
        raise Unhealthy(f"{what} is starting")

    return check


def info_check(describe: Callable[[], str]) -> Check:
    """Always healthy: reports a state (e.g. which platforms this process schedules)."""

    async def check() -> str:
        return describe()

    return check
