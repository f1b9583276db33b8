"""`/healthz`: 200 with every check's detail when all pass; 503 naming what fails when the database is
gone, a platform is down or still starting, or a check hangs."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.observability.health import (
    HealthChecks,
    database_check,
    discord_check,
    http_server_check,
    info_check,
    slack_socket_check,
    starting_check,
)
from bot.observability.metrics import BotMetrics
from bot.observability.server import Served, serve_observability
from storage.database import Database, open_database


class FakeDiscordClient:
    """What the Discord check reads from a discord.py client."""

    def __init__(self, ready: bool = True, closed: bool = False) -> None:
        self.ready, self.closed = ready, closed

    def is_ready(self) -> bool:
        return self.ready

    def is_closed(self) -> bool:
        return self.closed


class FakeSocketClient:
    def __init__(self, connected: bool) -> None:
        self.connected = connected

    async def is_connected(self) -> bool:
        return self.connected


class FakeSocketHandler:
    def __init__(self, connected: bool) -> None:
        self.client = FakeSocketClient(connected)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.sqlite3'}")
    try:
        yield opened
    finally:
        await opened.close()


async def fetch(served: Served) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(f"{served.url}/healthz") as response:
        return response.status, await response.json()


async def serve(health: HealthChecks) -> Served:
    return await serve_observability(health, BotMetrics(), "127.0.0.1", 0)


async def test_healthy_then_database_down(database: Database, tmp_path: Path) -> None:
    health = HealthChecks()
    health.add("database", database_check(database))
    health.add("discord", discord_check(FakeDiscordClient()))
    health.add("scheduler", info_check(lambda: "scheduling slack"))
    served = await serve(health)
    try:
        status, body = await fetch(served)
        assert status == 200 and body["status"] == "ok" and body["failing"] == []
        assert body["checks"]["database"]["detail"] == "reachable"
        assert body["checks"]["scheduler"]["detail"] == "scheduling slack"

        await database.engine.dispose()  # drop open connections, then take the database away
        shutil.rmtree(tmp_path / "data")
        status, body = await fetch(served)
    finally:
        await served.stop()
    assert status == 503 and body["status"] == "unhealthy" and body["failing"] == ["database"]
    assert not body["checks"]["database"]["ok"] and body["checks"]["database"]["detail"]
    assert body["checks"]["discord"]["ok"]


@pytest.mark.parametrize(
    ("name", "check", "detail"),
    [
        ("discord", discord_check(FakeDiscordClient(ready=False)), "not ready"),
        ("discord", discord_check(FakeDiscordClient(closed=True)), "closed"),
        ("slack", slack_socket_check(FakeSocketHandler(connected=False)), "Socket Mode connection is down"),
        ("slack", http_server_check(lambda: False, "Slack HTTP"), "not listening"),
        ("slack", starting_check("slack"), "slack is starting"),
    ],
)
async def test_a_platform_down_or_starting_is_unhealthy(name: str, check: Any, detail: str) -> None:
    health = HealthChecks()
    health.add(name, check)
    report = await health.run()
    assert not report.healthy and report.as_json()["failing"] == [name]
    assert detail in report.checks[name]["detail"]


async def test_healthy_platform_checks() -> None:
    health = HealthChecks()
    health.add("discord", discord_check(FakeDiscordClient()))
    health.add("socket", slack_socket_check(FakeSocketHandler(connected=True)))
    health.add("http", http_server_check(lambda: True, "Slack HTTP"))
    report = await health.run()
    assert report.healthy and report.checks["socket"]["detail"] == "socket connected"


async def test_a_hanging_check_times_out_and_a_removed_check_is_gone() -> None:
    async def hang() -> str:
        await asyncio.sleep(60)
        return "never"

    health = HealthChecks(timeout=0.2)
    health.add("slow", hang)
    report = await health.run()
    assert not report.healthy and "no answer within 0.2 s" in report.checks["slow"]["detail"]
    health.remove("slow")
    assert (await health.run()).healthy
