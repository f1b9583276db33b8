"""Fixtures for the Slack adapter tests: a loopback-only network, no SLACK_* variables from the developer's
shell, the fake Slack, and an HTTP client session for sending signed requests."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.core.checking import check
from bot.core.service import PracticeService
from bot.slack_adapter.app import build_slack_app
from bot.slack_adapter.settings import SlackSettings
from questions.loader import load_pack_file
from questions.store import QuestionStore
from storage.database import open_database
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import HttpDriver, HttpServer, SocketDriver, connect_socket_mode
from tests.adapters.slack.payloads import SIGNING_SECRET
from tests.adapters.slack.world import CAROL, SlackWorld

PACK = Path(__file__).with_name("pack.yaml")


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens or secrets exported in the shell must not leak into the app under test."""
    for name in list(os.environ):
        if name.upper().startswith("SLACK_") or name.upper().startswith("INTERVIEW_BOT_SLACK"):
            monkeypatch.delenv(name, raising=False)



@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def question_store() -> QuestionStore:
    loaded = load_pack_file(PACK)
    assert loaded.pack is not None, loaded.problems
    return QuestionStore([loaded.pack])


@pytest.fixture
async def service(tmp_path: Path, question_store: QuestionStore) -> AsyncIterator[PracticeService]:
    """The real practice service over a real SQLite database (migrated) in the test's tmp dir."""
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'slack.sqlite3'}")
    try:
        yield PracticeService(database.uow_factory, question_store, check, rng=random.Random(7),
                              packs=question_store)
    finally:
        await database.close()


def slack_settings(fake: FakeSlack, mode: str = "http", **overrides: Any) -> SlackSettings:
    values: dict[str, Any] = {
        "bot_token": SecretStr(fake.bot_token),
        "signing_secret": SecretStr(SIGNING_SECRET),
        "app_token": SecretStr(fake.app_token),
        "mode": mode,
        "api_base_url": fake.base_url,
        **overrides,
    }
    return SlackSettings(**values)


async def _world(fake: FakeSlack, service: PracticeService, store: QuestionStore,
                 session: aiohttp.ClientSession, transport: str) -> AsyncIterator[SlackWorld]:
    fake.add_user(CAROL.id, CAROL.name, is_admin=True)
    app = build_slack_app(service, slack_settings(fake, transport))
    if transport == "socket":
        handler = await connect_socket_mode(app, fake)
        try:
            yield SlackWorld(fake, SocketDriver(fake), service, store, app)
        finally:
            await handler.close_async()
    else:
        server = await HttpServer(app).start()
        try:
            yield SlackWorld(fake, HttpDriver(server.url, session), service, store, app)
        finally:
            await server.stop()


@pytest.fixture
async def world(fake_slack: FakeSlack, service: PracticeService, question_store: QuestionStore,
                http_session: aiohttp.ClientSession) -> AsyncIterator[SlackWorld]:
    """The adapter served over HTTP with signed requests."""
    async for running in _world(fake_slack, service, question_store, http_session, "http"):
        yield running


@pytest.fixture(params=["http", "socket"])
async def any_world(request: pytest.FixtureRequest, fake_slack: FakeSlack, service: PracticeService,
                    question_store: QuestionStore, http_session: aiohttp.ClientSession
                    ) -> AsyncIterator[SlackWorld]:
    """The same adapter over each transport: HTTP and Socket Mode."""
    async for running in _world(fake_slack, service, question_store, http_session, request.param):
        yield running
