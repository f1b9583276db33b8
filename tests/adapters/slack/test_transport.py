"""The production transport helpers: HTTP on a real port with a health route, and Socket Mode."""

from __future__ import annotations

import aiohttp

from bot.core.service import PracticeService
from bot.slack_adapter.app import build_slack_app
from bot.slack_adapter.transport import connect_socket_mode, serve_http
from questions.store import QuestionStore
from tests.adapters.slack.conftest import slack_settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import HttpDriver, SocketDriver
from tests.adapters.slack.world import ALICE, SlackWorld, all_text


async def test_serve_http_answers_health_and_signed_requests(
    fake_slack: FakeSlack, service: PracticeService, question_store: QuestionStore,
    http_session: aiohttp.ClientSession,
) -> None:
    settings = slack_settings(fake_slack, http_host="127.0.0.1", http_port=0)
    app = build_slack_app(service, settings, chart=False)
    runner, url = await serve_http(app, settings)
    try:
        async with http_session.get(url.replace("/slack/events", "/healthz")) as response:
            assert response.status == 200 and (await response.json()) == {"ok": True}
        world = SlackWorld(fake_slack, HttpDriver(url, http_session), service, question_store, app)
        reply = await world.ask(ALICE, "/quiz", "choice")
        assert "ReLU" in all_text(reply)
    finally:
        await runner.cleanup()


async def test_connect_socket_mode_uses_the_app_token(
    fake_slack: FakeSlack, service: PracticeService, question_store: QuestionStore
) -> None:
    settings = slack_settings(fake_slack, "socket")
    app = build_slack_app(service, settings, chart=False)
    handler = await connect_socket_mode(app, settings)
    try:
        await fake_slack.ws_connected.wait()
        world = SlackWorld(fake_slack, SocketDriver(fake_slack), service, question_store, app)
        reply = await world.ask(ALICE, "/quiz", "choice")
        assert "ReLU" in all_text(reply)
        (opened,) = fake_slack.attempts("apps.connections.open")
        assert opened.headers["Authorization"] == f"Bearer {fake_slack.app_token}"
    finally:
        await handler.close_async()
