"""Malformed, huge and odd input never crashes a listener: the user gets a clear message, a bug is logged
and reported."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.core.model import PlayerStats
from bot.core.service import PracticeService
from bot.slack_adapter import ids
from bot.slack_adapter.app import build_slack_app
from questions.store import QuestionStore
from tests.adapters.slack.conftest import slack_settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import HttpDriver, HttpServer
from tests.adapters.slack.payloads import text_value
from tests.adapters.slack.world import ALICE, SlackWorld, all_text


async def test_odd_command_text(world: SlackWorld) -> None:
    huge = await world.ask(ALICE, "/quiz", "cnn " * 3000)
    assert "I don't understand" in all_text(huge)
    unicode = await world.ask(ALICE, "/quiz", "ニューラル🧠")
    assert "Unknown topic" in all_text(unicode)
    zero = await world.ask(ALICE, "/review", "0")
    assert "count" in all_text(zero)
    nothing = await world.ask(ALICE, "/leaderboard", "\u0000\u200b")
    assert nothing["response_type"] == "ephemeral"


async def test_malformed_button_values(world: SlackWorld) -> None:
    bad_post = await world.press(ALICE, ids.DAILY_ANSWER, "not-a-number|slack-relu-range")
    assert "valid daily question" in all_text(bad_post)
    unknown = await world.press(ALICE, ids.QUIZ_ANSWER, "no-such-question")
    assert "There is no question" in all_text(unknown)
    appeal = await world.press(ALICE, ids.QUIZ_APPEAL, "")
    assert "valid answer" in all_text(appeal)
    assert world.fake.calls("views.open") == []
    unknown_post = await world.click(ALICE, ids.DAILY_ANSWER, "999|slack-relu-range", is_ephemeral=False)
    modal = await world.opened_view(unknown_post.trigger_id)
    await world.submit(ALICE, modal, text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, "b"))
    refused = await world.fake.wait_for_response_to(unknown_post.response_url)
    assert "no such daily question" in all_text(refused)


async def test_lost_modal_metadata_is_refused_inline(world: SlackWorld) -> None:
    view = {"callback_id": ids.DAILY_MODAL, "private_metadata": "{not json"}
    refused = await world.submit(ALICE, view, text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, "b"))
    assert refused.body["response_action"] == "errors"


async def test_a_bug_is_logged_and_reported(
    fake_slack: FakeSlack, service: PracticeService, question_store: QuestionStore,
    http_session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_chart(stats: PlayerStats) -> bytes:
        raise RuntimeError("chart exploded")

    app = build_slack_app(service, slack_settings(fake_slack), chart=broken_chart)
    server = await HttpServer(app).start()
    try:
        world = SlackWorld(fake_slack, HttpDriver(server.url, http_session), service, question_store, app)
        with caplog.at_level(logging.ERROR, logger="bot.slack_adapter"):
            ack, url = await world.command(ALICE, "/stats")
            assert ack.status == 200
            report = await fake_slack.wait_for_response_to(url, 2)
        assert "Something went wrong on our side" in all_text(report)
        assert any("chart exploded" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    finally:
        await server.stop()
