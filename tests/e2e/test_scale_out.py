"""Scale-out on PostgreSQL: two `interview-bot run` processes share one database.

Both serve Slack over HTTP (as workers behind a load balancer: the test sends each request to one of
them) and one Discord shard each (shard 0 and 1 of 2), against the fake platforms running in this test's
process. Every process runs the scheduler: each channel still gets exactly one daily post, and the
leaderboards read through either process (and through `interview-bot leaderboard --json`) agree.

With `INTERVIEW_BOT_SCHEDULER__LEADER_LOCK=true` only one process schedules (the other never even tries a
post), and when the leader is killed the other takes the lock over and posts the next channel.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.model import TeamRef
from bot.core.service import PracticeService
from questions.store import QuestionStore
from storage.database import open_database
from storage.testing_pg import free_port
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.payloads import FakeGuild, FakeUser, snowflake
from tests.adapters.slack.fake_slack import TEAM_ID, FakeSlack
from tests.adapters.slack.payloads import SlackUser
from tests.adapters.slack.world import all_text
from tests.conftest import TEMPLATE_DB
from tests.e2e.bot_process import (
    SlackHttp,
    clean_env,
    get_json,
    metric_total,
    run_cli,
    slack_env,
    start_bot,
    stop_bot,
    wait_healthy,
)
from tests.unit.core.fakes import ListCatalog
from tests.unit.core.world import fake_grade, sample_questions

pytestmark = pytest.mark.postgres

SLACK_CHANNELS = ("C0SCALE01", "C0SCALE02", "C0SCALE03")
PLAYERS = tuple(SlackUser(f"U0PLAYER{i}", f"player{i}") for i in range(4))
_names = itertools.count(1)


@pytest.fixture
def database(pg_server: Any) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database on the session's throwaway server."""
    name = f"scale{os.getpid()}_{next(_names)}"
    url = str(pg_server.create_database(name, template=TEMPLATE_DB))
    try:
        yield url
    finally:
        pg_server.drop_database(name)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    members = (FakeUser(snowflake(), "ann"),)
    guild = FakeGuild(snowflake(), "Club", snowflake(), (snowflake(), snowflake()), members)
    fake = FakeDiscord(guild=guild)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


async def configure(url: str, refs: list[tuple[str, TeamRef]]) -> None:
    """Daily questions at the current minute (UTC): due as soon as a scheduler looks."""
    now = datetime.now(UTC)
    if now.hour == 23 and now.minute == 59:  # the post would belong to a day that ends in seconds
        await asyncio.sleep(61 - now.second)
        now = datetime.now(UTC)
    database = await open_database(url, migrate=False)
    try:
        service = PracticeService(database.uow_factory, ListCatalog(sample_questions()), fake_grade)
        for ref, team in refs:
            await service.configure_daily(ref, team, f"{now:%H:%M}", "UTC")
    finally:
        await database.close()


def slack_posts(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages if m.get("channel") == channel and not m.get("thread_ts")]


def discord_posts(fake: FakeDiscord, channel_id: int) -> int:
    return len(fake.sent("POST", rf"/channels/{channel_id}/messages"))


def answer_for(store: QuestionStore, modal: dict[str, Any], right: bool) -> str:
    """The reference answer (right) or a wrong one for the modal's question."""
    question = store.get(json.loads(modal["private_metadata"])["q"])
    if not right:
        return "no idea, sorry"
    if question.correct:
        return ", ".join(question.correct)
    return question.reference_answer


class Bot:
    """One `interview-bot run` process and its addresses."""

    def __init__(self, env: dict[str, str], slack_port: int, health_port: int) -> None:
        self.env = env
        self.slack_url = f"http://127.0.0.1:{slack_port}/slack/events"
        self.health_url = f"http://127.0.0.1:{health_port}/healthz"
        self.metrics_url = f"http://127.0.0.1:{health_port}/metrics"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Bot:
        self.process = await start_bot(self.env)
        return self

    async def metrics(self, session: aiohttp.ClientSession) -> str:
        status, text = await get_json(session, self.metrics_url)
        assert status == 200 and isinstance(text, str)
        return text


def make_bot(tmp_path: Path, name: str, url: str, fake: FakeSlack, **extra: str) -> Bot:
    slack_port, health_port = free_port(), free_port()
    env = clean_env(
        INTERVIEW_BOT_DATABASE_URL=url,
        INTERVIEW_BOT_DATA_DIR=str(tmp_path / name),
        INTERVIEW_BOT_OBSERVABILITY__PORT=str(health_port),
        **slack_env(fake, slack_port),
        **extra,
    )
    return Bot(env, slack_port, health_port)


async def stop_all(bots: list[Bot]) -> list[tuple[int, str]]:
    return [await stop_bot(b.process) for b in bots if b.process is not None]


async def test_two_processes_post_once_per_channel_and_agree_on_the_leaderboard(
    tmp_path: Path, database: str, slack: FakeSlack, discord: FakeDiscord
) -> None:
    assert discord.guild is not None
    discord_refs = [(f"discord:{discord.guild_id}/{c}", TeamRef("discord", str(discord.guild_id)))
                    for c in discord.guild.channel_ids]
    slack_refs = [(f"slack:{TEAM_ID}/{c}", TeamRef("slack", TEAM_ID)) for c in SLACK_CHANNELS]
    await configure(database, slack_refs + discord_refs)
    bots = [
        make_bot(tmp_path, f"p{shard}", database, slack,
                 INTERVIEW_BOT_DISCORD__TOKEN=discord.token,
                 INTERVIEW_BOT_DISCORD__API_BASE_URL=discord.api_base,
                 INTERVIEW_BOT_DISCORD__GATEWAY_URL=discord.gateway_url,
                 INTERVIEW_BOT_DISCORD__SHARD_IDS=str(shard),
                 INTERVIEW_BOT_DISCORD__SHARD_COUNT="2")
        for shard in (0, 1)
    ]
    store = QuestionStore.load_default()
    try:
        async with aiohttp.ClientSession() as session:
            for bot in bots:
                await bot.start()
            for bot in bots:
                assert bot.process is not None
                health = await wait_healthy(session, bot.health_url, bot.process)
                assert health["checks"]["discord"]["ok"] and health["checks"]["slack"]["ok"], health
            await slack.wait_until(lambda: all(slack_posts(slack, c) for c in SLACK_CHANNELS), timeout=60)
            channels = discord.guild.channel_ids
            await discord.wait_for(lambda _r: all(discord_posts(discord, c) for c in channels), timeout=60)
            await asyncio.sleep(2)  # time for a second post, if one were coming
            assert [len(slack_posts(slack, c)) for c in SLACK_CHANNELS] == [1, 1, 1]
            assert [discord_posts(discord, c) for c in channels] == [1, 1]

            # Every player answers every Slack post: the modal opened on one process, submitted to the other.
            answered = 0
            for index, (player, channel) in enumerate(itertools.product(PLAYERS, SLACK_CHANNELS)):
                opener, submitter = (bots[0], bots[1]) if index % 2 == 0 else (bots[1], bots[0])
                modal = await SlackHttp(session, opener.slack_url, slack).open_daily_modal(
                    player, slack_posts(slack, channel)[0])
                text = answer_for(store, modal, right=index % 3 != 0)
                await SlackHttp(session, submitter.slack_url, slack).submit_answer(player, modal, text)
                answered += 1
            await slack.wait_until(lambda: len(slack.responses()) >= answered, timeout=60)

            boards = [await SlackHttp(session, b.slack_url, slack).command(PLAYERS[0], "/leaderboard", "all")
                      for b in bots]
            graded = 0.0
            for bot in bots:
                graded += metric_total(await bot.metrics(session), "interview_bot_answers_graded_total")
    finally:
        results = await stop_all(bots)
    assert [code for code, _ in results] == [0, 0], [err[-2000:] for _, err in results]
    assert {tuple(i.get("shard", ())) for i in discord.identifies} == {(0, 2), (1, 2)}
    assert graded == answered
    assert all_text(boards[0]) == all_text(boards[1])  # the same board through either process
    code, out, err = await run_cli(bots[0].env, "leaderboard", "--team", f"slack:{TEAM_ID}", "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert sorted(r["display_name"] for r in rows) == sorted(p.name for p in PLAYERS)
    assert all(r["answers"] == len(SLACK_CHANNELS) for r in rows)
    for row in rows:
        assert row["display_name"] in all_text(boards[0]) and str(row["points"]) in all_text(boards[0])


async def test_leader_lock_one_process_schedules_and_the_other_takes_over(
    tmp_path: Path, database: str, slack: FakeSlack
) -> None:
    first, second, third = (f"slack:{TEAM_ID}/{c}" for c in ("C0LEAD001", "C0LEAD002", "C0LEAD003"))
    await configure(database, [(first, TeamRef("slack", TEAM_ID))])
    lock = {"INTERVIEW_BOT_SCHEDULER__LEADER_LOCK": "true",
            "INTERVIEW_BOT_SCHEDULER__LEADER_RETRY_SECONDS": "0.5",
            "INTERVIEW_BOT_SCHEDULER__SYNC_SECONDS": "1"}
    bots = [make_bot(tmp_path, f"p{i}", database, slack, **lock) for i in (0, 1)]
    killed: list[Bot] = []
    try:
        async with aiohttp.ClientSession() as session:
            for bot in bots:
                await bot.start()
            for bot in bots:
                assert bot.process is not None
                await wait_healthy(session, bot.health_url, bot.process)
            await slack.wait_until(lambda: len(slack_posts(slack, "C0LEAD001")) == 1, timeout=60)
            await configure(database, [(second, TeamRef("slack", TEAM_ID))])
            await slack.wait_until(lambda: len(slack_posts(slack, "C0LEAD002")) == 1, timeout=60)
            await asyncio.sleep(2)
            texts = [await b.metrics(session) for b in bots]
            leading = [metric_total(t, "interview_bot_scheduler_leader", platform="slack") for t in texts]
            assert sorted(leading) == [0, 1]
            leader, standby = (bots[0], bots[1]) if leading[0] == 1 else (bots[1], bots[0])
            attempts = metric_total(texts[bots.index(standby)], "interview_bot_daily_posts_total")
            assert attempts == 0  # the standby never tried to post
            _status, health = await get_json(session, standby.health_url)
            assert "standby for slack" in health["checks"]["scheduler"]["detail"]

            assert leader.process is not None
            leader.process.kill()  # no clean shutdown: PostgreSQL ends its session, freeing the lock
            killed.append(leader)
            await leader.process.wait()
            await configure(database, [(third, TeamRef("slack", TEAM_ID))])
            await slack.wait_until(lambda: len(slack_posts(slack, "C0LEAD003")) == 1, timeout=60)
            _status, health = await get_json(session, standby.health_url)
            assert "leader for slack" in health["checks"]["scheduler"]["detail"], health
            await asyncio.sleep(2)
    finally:
        results = await stop_all([b for b in bots if b not in killed])
    assert [code for code, _ in results] == [0] * len(results), [err[-2000:] for _, err in results]
    assert [len(slack_posts(slack, c)) for c in ("C0LEAD001", "C0LEAD002", "C0LEAD003")] == [1, 1, 1]
