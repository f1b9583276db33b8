"""Fixtures: a fake Discord in the test's own event loop and the real discord.py client pointed at it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import discord
import pytest
import yarl

from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.payloads import ADMIN_PERMISSIONS, FakeGuild, FakeUser, snowflake
from tests.adapters.discord.world import Clock, World, build_service

READY_TIMEOUT = 10.0
StartClient = Callable[[discord.Client], contextlib.AbstractAsyncContextManager[discord.Client]]

ALICE = FakeUser(snowflake(), "alice")
BOB = FakeUser(snowflake(), "bob")
ADMIN = FakeUser(snowflake(), "carol", permissions=ADMIN_PERMISSIONS)


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started fake with one guild (two text channels; alice, bob and the admin carol); discord.py's REST
    base URL and gateway URL point at it for the duration of the test."""
    guild = FakeGuild(
        snowflake(), "Deep Learning Club", ADMIN.id, (snowflake(), snowflake()), (ALICE, BOB, ADMIN)
    )
    fake = FakeDiscord(guild=guild)
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    try:
        yield fake
    finally:
        await fake.close()


@contextlib.asynccontextmanager
async def running(client: discord.Client, fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """Start `client` against the fake and wait until it is ready; close it (and its task) afterwards."""
    task = asyncio.create_task(client.start(fake.token), name="discord-client")
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # surfaces the start-up error
        await client.close()
        task.cancel()
        raise AssertionError("the discord client did not become ready")
    try:
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)


@pytest.fixture
def start_client(fake_discord: FakeDiscord) -> StartClient:
    """`async with start_client(client):` runs a client against the test's fake."""
    return lambda client: running(client, fake_discord)


@pytest.fixture
async def world(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[World]:
    """The fake Discord plus the real service on a fresh SQLite database (migrated by the storage layer)."""
    from storage.database import open_database

    database = await open_database(str(tmp_path / "bot.sqlite3"))
    clock = Clock()
    store, service = build_service(database, clock)
    try:
        yield World(fake_discord, database, store, service, clock, tmp_path / "state")
    finally:
        await database.close()
