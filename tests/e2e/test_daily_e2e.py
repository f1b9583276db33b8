"""The daily question end to end through the real Slack adapter and its fake (and the same story through
the real Discord adapter and its fake): an admin sets the channel
up with `/daily set`, the scheduler's cron job posts the question at its time, players answer privately
through the post's Answer button (the first answer counts), the scheduler reveals the answer with the
day's results in the post's thread and closes the question, and a late answer is refused.

Everything is real (bolt over HTTP with signed requests, slack_sdk, the service, SQLite, APScheduler)
except the platform, which is the fake Slack on 127.0.0.1, and the clock, which the test moves."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.core.checking import check
from bot.core.model import DailyStatus
from bot.core.service import PracticeService
from bot.fanout import LaneLimits
from bot.scheduler import DailyScheduler, SchedulerSettings
from bot.slack_adapter import ids
from bot.slack_adapter.app import build_slack_app
from bot.slack_adapter.settings import SlackSettings
from questions.loader import load_pack_file
from questions.store import QuestionStore
from storage.database import open_database
from tests.adapters.discord.conftest import ADMIN, running
from tests.adapters.discord.driving import click as discord_click
from tests.adapters.discord.driving import modal_id, slash
from tests.adapters.discord.driving import submit as discord_submit
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.payloads import ChannelOption, FakeGuild, snowflake
from tests.adapters.discord.payloads import FakeUser as DiscordUser
from tests.adapters.discord.world import GOOD_OPEN_ANSWER, OPEN, build_service
from tests.adapters.discord.world import Clock as DiscordClock
from tests.adapters.discord.world import World as DiscordWorld
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import HttpDriver, HttpServer
from tests.adapters.slack.payloads import CHANNEL_ID, SIGNING_SECRET, SlackUser
from tests.adapters.slack.world import ALICE, BOB, CAROL, SlackWorld, all_text, buttons
from tests.unit.core.fakes import FixedClock, utc

PACK = Path(__file__).resolve().parents[1] / "adapters" / "slack" / "pack.yaml"
DAVE = SlackUser("UDAVE001", "dave")
DISCORD_ALICE = DiscordUser(snowflake(), "alice")
DISCORD_BOB = DiscordUser(snowflake(), "bob")
DISCORD_DAVE = DiscordUser(snowflake(), "dave")
CHANNEL_REF = ids.channel_ref("T0FAKE01", CHANNEL_ID)



@dataclass
class Daily:
    world: SlackWorld
    scheduler: DailyScheduler
    clock: FixedClock


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[Daily]:
    clock = FixedClock(utc(2026, 3, 2, 8, 0))
    fake = await FakeSlack().start()
    fake.add_user(CAROL.id, CAROL.name, is_admin=True)
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'daily.sqlite3'}")
    loaded = load_pack_file(PACK)
    assert loaded.pack is not None, loaded.problems
    store = QuestionStore([loaded.pack])
    service = PracticeService(database.uow_factory, store, check, clock, rng=random.Random(3))
    settings = SlackSettings(bot_token=SecretStr(fake.bot_token), signing_secret=SecretStr(SIGNING_SECRET),
                             mode="http", api_base_url=fake.base_url)
    app = build_slack_app(service, settings, chart=False)
    server = await HttpServer(app).start()
    lanes = {"slack": LaneLimits(rate=100.0, burst=5, concurrency=4, per_team=True)}
    scheduler = DailyScheduler(service, clock=clock, settings=SchedulerSettings(lanes=lanes),
                               platforms={"slack"})
    async with aiohttp.ClientSession() as session:
        try:
            await scheduler.start()
            world = SlackWorld(fake, HttpDriver(server.url, session), service, store, app)
            yield Daily(world, scheduler, clock)
        finally:
            await scheduler.stop()
            await server.stop()
            await fake.stop()
            await database.close()


async def eventually(check_: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check_():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def answer(world: SlackWorld, user: SlackUser, post: dict[str, Any], choice: str) -> str:
    """Press the post's Answer button, pick `choice` in the modal, return the private reply's text."""
    clicked = await world.click(user, ids.DAILY_ANSWER, buttons(post)[ids.DAILY_ANSWER], is_ephemeral=False,
                                message_ts=post["ts"])
    assert clicked.ack.status == 200
    modal = await world.opened_view(clicked.trigger_id)
    values = {ids.ANSWER_BLOCK: {ids.ANSWER_INPUT: {"type": "radio_buttons",
                                                    "selected_option": {"value": choice}}}}
    ack = await world.submit(user, modal, values)
    assert ack.status == 200
    reply = await world.fake.wait_for_response_to(clicked.response_url)
    assert reply.get("response_type") == "ephemeral"  # private: only the answering player sees it
    return all_text(reply)


def posts(fake: FakeSlack) -> list[dict[str, Any]]:
    return [m for m in fake.messages if m.get("channel") == CHANNEL_ID]


async def test_daily_question_posted_answered_privately_revealed_and_closed(daily: Daily) -> None:
    world, scheduler, clock = daily.world, daily.scheduler, daily.clock
    setup = await world.ask(CAROL, "/daily", f"set <#{CHANNEL_ID}|general> 09:00 UTC activation-functions 2h")
    assert "Daily question set" in all_text(setup), all_text(setup)
    await eventually(lambda: f"daily:{CHANNEL_REF}" in scheduler.job_ids())  # rescheduled by the listener
    assert posts(world.fake) == []  # nothing before 09:00

    clock.current = utc(2026, 3, 2, 9, 0)  # the cron job's time comes
    assert scheduler.run_job_now(f"daily:{CHANNEL_REF}")
    await eventually(lambda: len(posts(world.fake)) == 1)
    await scheduler.idle()
    question = posts(world.fake)[0]
    assert "Question of the day" in all_text(question) and "ReLU" in all_text(question)
    assert ids.DAILY_ANSWER in buttons(question)

    assert "Correct" in await answer(world, ALICE, question, "b")
    assert "only your first answer counts" in await answer(world, ALICE, question, "a")
    assert "Not quite" in await answer(world, BOB, question, "c")
    assert len(posts(world.fake)) == 1  # answers are private: nothing new in the channel

    clock.advance(hours=1, minutes=59)  # not yet
    await scheduler.sync()
    await scheduler.idle()
    assert len(posts(world.fake)) == 1

    clock.advance(minutes=1)  # the 2 h reveal
    await scheduler.sync()
    await scheduler.idle()
    reveal = posts(world.fake)[-1]
    assert len(posts(world.fake)) == 2 and reveal.get("thread_ts") == question["ts"]
    text = all_text(reveal)
    assert "Answer revealed" in text and "[0, infinity)" in text and "ReLU is max(0, x)" in text
    assert "1/2 correct" in text and "alice" in text  # how many answered, the share correct, the best

    post = await world.service.current_daily(CHANNEL_REF)
    assert post is not None and post.status is DailyStatus.CLOSED and post.reveal_ref

    late = await answer(world, DAVE, question, "b")
    assert "closed" in late.lower()
    results = await world.service.daily_results(post.id)
    assert results.answers == 2  # the late answer was not stored

    await scheduler.sync()  # nothing more: one question, one reveal
    await scheduler.idle()
    assert len(posts(world.fake)) == 2


async def test_the_next_days_post_comes_after_the_reveal_in_one_channel(daily: Daily) -> None:
    world, scheduler, clock = daily.world, daily.scheduler, daily.clock
    await world.ask(CAROL, "/daily", f"set <#{CHANNEL_ID}|general> 09:00 UTC activation-functions")
    clock.current = utc(2026, 3, 2, 9, 5)
    await scheduler.sync()
    await scheduler.idle()
    first = posts(world.fake)
    assert len(first) == 1
    assert "Correct" in await answer(world, BOB, first[0], "b")

    clock.current = utc(2026, 3, 3, 9, 0)  # 24 h reveal and the next post are due together
    await scheduler.sync()
    await scheduler.idle()
    second_day = posts(world.fake)
    assert len(second_day) == 3
    reveal, question = second_day[1], second_day[2]
    assert reveal.get("thread_ts") == first[0]["ts"] and "1/1 correct" in all_text(reveal)
    assert "Question of the day" in all_text(question) and not question.get("thread_ts")


# --- the same story through the real Discord adapter and the fake Discord ------------------------------


@pytest.fixture
async def discord_world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    import discord
    import yarl

    guild = FakeGuild(snowflake(), "Deep Learning Club", ADMIN.id, (snowflake(), snowflake()),
                      (DISCORD_ALICE, DISCORD_BOB, ADMIN, DISCORD_DAVE))
    fake = FakeDiscord(guild=guild)
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'discord.sqlite3'}")
    clock = DiscordClock()
    store, service = build_service(database, clock)
    try:
        yield DiscordWorld(fake, database, store, service, clock, tmp_path / "state")
    finally:
        await database.close()
        await fake.close()


async def test_discord_daily_posted_by_the_scheduler_answered_privately_and_revealed(
    discord_world: DiscordWorld,
) -> None:
    world, fake = discord_world, discord_world.fake
    lanes = {"discord": LaneLimits(rate=100.0, burst=5, concurrency=4)}
    scheduler = DailyScheduler(world.service, clock=world.clock, settings=SchedulerSettings(lanes=lanes),
                               platforms={"discord"})
    async with running(world.client(), fake):
        await scheduler.start()
        try:
            # 10:00 in Paris: the 09:00 post is an hour late, so setting the channel up posts it at once
            assert world.clock.now() == utc(2026, 3, 2, 9, 0)
            mark = len(fake.requests)
            seen = await slash(fake, "daily set", ADMIN, {"channel": ChannelOption(fake.channel_id),
                                                          "time": "09:00", "timezone": "Europe/Paris",
                                                          "topics": "rnn-lstm"})
            assert "Daily question at 09:00 (Europe/Paris)" in seen.text, seen.text
            posted = await fake.wait_for(
                lambda r: r.method == "POST" and r.path == f"/channels/{fake.channel_id}/messages", start=mark
            )
            await scheduler.idle()
            message = fake.message_of(posted)
            assert OPEN.prompt in message["embeds"][0]["description"]
            answer_button = message["components"][0]["components"][0]["custom_id"]

            opened = await discord_click(fake, message, answer_button, DISCORD_ALICE)
            good = {"answer": GOOD_OPEN_ANSWER}
            feedback = await discord_submit(fake, modal_id(opened), good, DISCORD_ALICE)
            assert feedback.ephemeral and "score" in feedback.embeds[0]["title"]
            opened = await discord_click(fake, message, answer_button, DISCORD_BOB)
            await discord_submit(fake, modal_id(opened), {"answer": "no idea"}, DISCORD_BOB)

            mark = len(fake.requests)
            world.clock.current = utc(2026, 3, 3, 8, 0)  # 09:00 in Paris the next day: reveal, then post
            await scheduler.sync()
            await scheduler.idle()
            reveal = await fake.wait_for(
                lambda r: r.method == "POST" and r.path == f"/channels/{message['id']}/messages", start=mark
            )
            embed = reveal.json["embeds"][0]
            assert OPEN.reference_answer in embed["description"]
            assert "2 answer(s)" in str(embed["fields"])
            new_posts = fake.sent("POST", rf"/channels/{fake.channel_id}/messages")
            assert len(new_posts) == 2  # yesterday's question and today's, nothing else

            late = await discord_click(fake, message, answer_button, DISCORD_DAVE)
            refused = await discord_submit(fake, modal_id(late), {"answer": "late"}, DISCORD_DAVE)
            assert "closed" in refused.text and refused.ephemeral
        finally:
            await scheduler.stop()
