"""Requests Slack did not sign (or signed too long ago) are refused with 401 before any listener runs; a
redelivered request is acked but handled once; the ack comes before the slow work."""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import Any

import aiohttp

from bot.core.checking import check
from bot.core.ports import UnitOfWork, UnitOfWorkFactory
from bot.core.service import PracticeService
from bot.slack_adapter.app import build_slack_app
from questions.store import QuestionStore
from tests.adapters.slack.conftest import slack_settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import HttpDriver, HttpServer
from tests.adapters.slack.payloads import app_home_opened, signed_headers, slash_command
from tests.adapters.slack.world import ALICE, SlackWorld, all_text


async def _refused(world: SlackWorld, headers: dict[str, str], body: str, url: str) -> None:
    driver = world.driver
    assert isinstance(driver, HttpDriver)
    ack = await driver.post(body, headers)
    assert ack.status == 401
    await asyncio.sleep(0.2)
    assert world.fake.responses_to(url) == []


async def test_bad_signature_is_rejected(world: SlackWorld) -> None:
    url = world.fake.response_url()
    request = slash_command("/quiz", "", ALICE, url)
    headers = signed_headers(request.body, request.content_type, secret="not-the-secret")
    await _refused(world, headers, request.body, url)


async def test_tampered_body_is_rejected(world: SlackWorld) -> None:
    url = world.fake.response_url()
    request = slash_command("/quiz", "", ALICE, url)
    headers = signed_headers(request.body, request.content_type)
    await _refused(world, headers, request.body.replace("quiz", "stats"), url)


async def test_stale_timestamp_is_rejected(world: SlackWorld) -> None:
    url = world.fake.response_url()
    request = slash_command("/quiz", "", ALICE, url)
    headers = signed_headers(request.body, request.content_type, timestamp=int(time.time()) - 6 * 60)
    await _refused(world, headers, request.body, url)


async def test_missing_headers_are_rejected(world: SlackWorld) -> None:
    url = world.fake.response_url()
    request = slash_command("/quiz", "", ALICE, url)
    await _refused(world, {"Content-Type": request.content_type}, request.body, url)
    signed = signed_headers(request.body, request.content_type)
    del signed["X-Slack-Signature"]
    await _refused(world, signed, request.body, url)


async def test_a_redelivered_command_is_handled_once(world: SlackWorld) -> None:
    driver = world.driver
    assert isinstance(driver, HttpDriver)
    url = world.fake.response_url()
    request = slash_command("/quiz", "choice", ALICE, url)
    first = await driver.send(request)
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
    again = await driver.send(request, extra_headers=retry)
    assert first.status == again.status == 200
    await world.fake.wait_for_response_to(url)
    await asyncio.sleep(0.3)
    assert len(world.fake.responses_to(url)) == 1


async def test_a_redelivered_event_is_handled_once(world: SlackWorld) -> None:
    event = app_home_opened(ALICE, event_id="Ev0REPEATED")
    assert (await world.driver.send(event)).status == 200
    assert (await world.driver.send(event)).status == 200
    await world.fake.wait_for_calls("views.publish")
    await asyncio.sleep(0.3)
    assert len(world.fake.calls("views.publish")) == 1


class SlowUnitOfWork:
    """Wraps a real unit of work and takes `delay` seconds to open: a slow database."""

    def __init__(self, inner: UnitOfWork, delay: float) -> None:
        self.inner = inner
        self.delay = delay

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def __aenter__(self) -> UnitOfWork:
        await asyncio.sleep(self.delay)
        return await self.inner.__aenter__()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.inner.__aexit__(exc_type, exc, tb)


async def test_ack_comes_before_slow_work(fake_slack: FakeSlack, tmp_path: Any, question_store: QuestionStore,
                                          http_session: aiohttp.ClientSession) -> None:
    from storage.database import open_database

    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'slow.sqlite3'}")
    real: UnitOfWorkFactory = database.uow_factory

    def slow() -> UnitOfWork:
        return SlowUnitOfWork(real(), 1.5)  # type: ignore[return-value]

    service = PracticeService(slow, question_store, check)
    server = await HttpServer(build_slack_app(service, slack_settings(fake_slack))).start()
    try:
        world = SlackWorld(fake_slack, HttpDriver(server.url, http_session), service, question_store,
                           server.app)
        started = time.perf_counter()
        ack, url = await world.command(ALICE, "/quiz", "choice")
        assert ack.status == 200 and ack.elapsed < 1.0
        reply = await fake_slack.wait_for_response_to(url)
        assert time.perf_counter() - started >= 1.5
        assert "Which range does ReLU output?" in all_text(reply)
    finally:
        await server.stop()
        await database.close()
