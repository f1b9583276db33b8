"""`interview-bot run` as a real process: it refuses to start without a platform or with a bad setting
(exit 2, naming the variable), starts Slack (HTTP mode) against the fake Slack served by this test,
catches up the daily question that is due, and on SIGTERM lets the post in flight finish, or after the
drain timeout cancels it and releases its claim, so no half-finished post is left claimed. While running
it serves /healthz and /metrics, and its logs carry neither a token nor, at INFO and above, an answer."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.core.daily import STALE_CLAIM
from bot.core.model import DailyPost, DailyStatus, TeamRef
from bot.core.service import PracticeService
from storage.database import open_database
from storage.testing_pg import free_port
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.payloads import CHANNEL_ID, SIGNING_SECRET
from tests.adapters.slack.world import ALICE
from tests.e2e.bot_process import SlackHttp, get_json, metric_total, stop_bot, wait_healthy
from tests.unit.core.fakes import ListCatalog
from tests.unit.core.world import fake_grade, sample_questions

ROOT = Path(__file__).resolve().parents[2]
TEAM = "T0FAKE01"
CHANNEL_REF = f"slack:{TEAM}/{CHANNEL_ID}"


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "INTERVIEW_BOT_"))}
    env.update({
        "PYTHONPATH": str(ROOT),
        "INTERVIEW_BOT_DATA_DIR": str(tmp_path / "data"),
        "INTERVIEW_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "INTERVIEW_BOT_OBSERVABILITY__PORT": "0",
        **extra,
    })
    return env


async def start(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    running = await FakeSlack().start()
    try:
        yield running
    finally:
        await running.stop()


async def configure_due_channel(tmp_path: Path) -> None:
    """A Slack channel whose post time is the current minute (UTC): due as soon as the bot starts."""
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        service = PracticeService(database.uow_factory, ListCatalog(sample_questions()), fake_grade)
        now = datetime.now(UTC)
        await service.configure_daily(CHANNEL_REF, TeamRef("slack", TEAM), f"{now:%H:%M}", "UTC")
    finally:
        await database.close()


async def todays_row(tmp_path: Path, ref: str = CHANNEL_REF) -> DailyPost | None:
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", migrate=False)
    try:
        async with database.uow_factory() as uow:
            return await uow.daily_posts.latest(ref)
    finally:
        await database.close()


async def todays_row_status(tmp_path: Path, ref: str = CHANNEL_REF) -> str:
    row = await todays_row(tmp_path, ref)
    return row.status.value if row else "none"


def slack_env(fake: FakeSlack) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": "fake-signing-secret",
        "SLACK_API_BASE_URL": fake.base_url,
        "SLACK_HTTP_HOST": "127.0.0.1",
        "SLACK_HTTP_PORT": "0",
    }


async def test_run_without_any_platform_says_what_to_set_and_exits_2(tmp_path: Path) -> None:
    process = await start(bot_env(tmp_path))
    _out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert b"No platform is configured" in err and b"SLACK_BOT_TOKEN" in err


async def test_run_with_a_bad_slack_setup_names_the_missing_value(tmp_path: Path) -> None:
    process = await start(bot_env(tmp_path, SLACK_BOT_TOKEN="xoxb-1"))
    _out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2 and b"SLACK_SIGNING_SECRET" in err


async def test_sigterm_lets_the_post_in_flight_finish(tmp_path: Path, fake: FakeSlack) -> None:
    await configure_due_channel(tmp_path)
    fake.fail_next("chat.postMessage", status=429, retry_after=2)  # the post stays in flight for 2 s
    process = await start(bot_env(tmp_path, **slack_env(fake)))
    try:
        await fake.wait_until(lambda: len(fake.attempts("chat.postMessage")) >= 1, timeout=120)
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, err.decode()[-3000:]
    assert len(fake.attempts("chat.postMessage")) == 2 and len(fake.messages) == 1
    assert await todays_row_status(tmp_path) == DailyStatus.POSTED.value


async def test_sigterm_past_the_drain_timeout_gives_the_claim_back(tmp_path: Path, fake: FakeSlack) -> None:
    await configure_due_channel(tmp_path)
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    env = bot_env(tmp_path, **slack_env(fake), INTERVIEW_BOT_SCHEDULER__DRAIN_SECONDS="0.5")
    process = await start(env)
    try:
        await fake.wait_until(lambda: len(fake.attempts("chat.postMessage")) >= 1, timeout=120)
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, err.decode()[-3000:]
    assert fake.messages == []
    row = await todays_row(tmp_path)  # given back: backdated so the next start takes it over at once
    assert row is not None and row.status == DailyStatus.CLAIMED and row.taken_over
    assert row.claimed_at < datetime.now(UTC) - STALE_CLAIM
    assert b"claims were given back" in err

    again = await start(bot_env(tmp_path, **slack_env(fake)))  # the next start looks, then posts once
    try:
        await fake.wait_until(lambda: len(fake.messages) == 1, timeout=120)
        again.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(again.communicate(), 60)
    finally:
        if again.returncode is None:
            again.kill()
    assert again.returncode == 0, err.decode()[-3000:]
    assert len(fake.calls("conversations.history")) == 1
    assert await todays_row_status(tmp_path) == DailyStatus.POSTED.value


async def test_run_starts_discord_posts_the_due_question_and_stops_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process (the fake Discord must be patched into discord.py): `run_bot` logs in, catches up the
    due question through the Discord announcer, and returns 0 once asked to stop."""
    import discord
    import yarl

    from bot.config import Settings
    from bot.run import run_bot
    from tests.adapters.discord.fake_discord import FakeDiscord
    from tests.adapters.discord.payloads import FakeGuild, FakeUser, snowflake

    guild = FakeGuild(snowflake(), "Club", snowflake(), (snowflake(), snowflake()),
                      (FakeUser(snowflake(), "alice"),))
    fake = FakeDiscord(guild=guild)
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    for name in list(os.environ):
        if name.startswith(("SLACK_", "INTERVIEW_BOT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INTERVIEW_BOT_DISCORD__TOKEN", fake.token)
    monkeypatch.setenv("INTERVIEW_BOT_OBSERVABILITY__PORT", "0")
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    database = await open_database(url)
    try:
        service = PracticeService(database.uow_factory, ListCatalog(sample_questions()), fake_grade)
        now = datetime.now(UTC)
        ref = f"discord:{fake.guild_id}/{fake.channel_id}"
        await service.configure_daily(ref, TeamRef("discord", str(fake.guild_id)), f"{now:%H:%M}", "UTC")
    finally:
        await database.close()

    stop = asyncio.Event()
    errors = io.StringIO()
    running = asyncio.create_task(run_bot(Settings(database_url=url, data_dir=tmp_path / "data"),
                                          stop=stop, err=errors))
    try:
        path = f"/channels/{fake.channel_id}/messages"
        await fake.wait_for(lambda r: r.method == "POST" and r.path == path, timeout=60)
    finally:
        stop.set()
        code = await asyncio.wait_for(running, 60)
        await fake.close()
    assert code == 0, errors.getvalue()
    assert await todays_row_status(tmp_path, ref) == DailyStatus.POSTED.value


async def test_bad_settings_are_named_and_exit_2(tmp_path: Path) -> None:
    env = bot_env(tmp_path, INTERVIEW_BOT_SLACK__HTTP_PORT="70000",
                  INTERVIEW_BOT_LOGGING__TIMEZONE="Mars/Olympus")
    process = await start(env)
    _out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert b"INTERVIEW_BOT_SLACK__HTTP_PORT" in err and b"INTERVIEW_BOT_LOGGING__TIMEZONE" in err


ANSWER = "my distinctive answer zebra-quokka-4711 about gradients"


async def test_health_metrics_and_logs_without_tokens_or_answers(tmp_path: Path, fake: FakeSlack) -> None:
    """A DEBUG run with JSON logs: /healthz is 200 with each part, the daily post and an answer show in
    /metrics, every log line is JSON, no line holds the bot token or signing secret, and no line at INFO
    or above holds the answer text."""
    await configure_due_channel(tmp_path)
    slack_port, observability_port = free_port(), free_port()
    env = bot_env(
        tmp_path,
        INTERVIEW_BOT_SLACK__BOT_TOKEN=fake.bot_token,
        INTERVIEW_BOT_SLACK__SIGNING_SECRET=SIGNING_SECRET,
        INTERVIEW_BOT_SLACK__API_BASE_URL=fake.base_url,
        INTERVIEW_BOT_SLACK__HTTP_HOST="127.0.0.1",
        INTERVIEW_BOT_SLACK__HTTP_PORT=str(slack_port),
        INTERVIEW_BOT_OBSERVABILITY__PORT=str(observability_port),
        INTERVIEW_BOT_LOGGING__JSON="true",
        INTERVIEW_BOT_LOGGING__LEVEL="debug",
    )
    process = await start(env)
    base = f"http://127.0.0.1:{observability_port}"
    try:
        async with aiohttp.ClientSession() as session:
            health = await wait_healthy(session, f"{base}/healthz", process)
            assert {"database", "slack", "scheduler"} <= set(health["checks"]), health
            await fake.wait_until(lambda: len(fake.messages) >= 1, timeout=60)
            slack = SlackHttp(session, f"http://127.0.0.1:{slack_port}/slack/events", fake)
            modal = await slack.open_daily_modal(ALICE, fake.messages[0])
            await slack.submit_answer(ALICE, modal, ANSWER)
            await fake.wait_until(lambda: len(fake.responses()) >= 1, timeout=30)
            status, metrics = await get_json(session, f"{base}/metrics")
            lb_status, lb_health = await get_json(session, f"http://127.0.0.1:{slack_port}/healthz")
    finally:
        code, err = await stop_bot(process)
    assert code == 0, err[-3000:]
    assert status == 200 and isinstance(metrics, str)
    assert metric_total(metrics, "interview_bot_answers_graded_total") == 1
    assert metric_total(metrics, "interview_bot_daily_posts_total", outcome="posted") == 1
    assert metric_total(metrics, "interview_bot_grading_seconds_count") == 1
    assert lb_status == 200 and lb_health["status"] == "ok"  # Slack's port answers health checks too
    lines = [line for line in err.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(r["level"] == "DEBUG" for r in records)
    for secret in (fake.bot_token, SIGNING_SECRET):
        assert secret not in err
    loud = [r for r in records if r["level"] != "DEBUG"]
    assert loud and not [r for r in loud if "zebra-quokka" in json.dumps(r)]
