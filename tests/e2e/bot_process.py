"""Helpers for end-to-end tests that run `interview-bot run` as real processes: the environment, the
process itself, and a Slack client that sends signed requests to one process's HTTP endpoint the way Slack
(or a load balancer in front of several processes) does."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.slack_adapter import ids
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.payloads import (
    SIGNING_SECRET,
    SlackUser,
    block_actions,
    new_trigger_id,
    signed_headers,
    slash_command,
    text_value,
    view_submission,
)

ROOT = Path(__file__).resolve().parents[2]
JsonDict = dict[str, Any]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any bot or Slack setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("SLACK_", "INTERVIEW_BOT_"))}
    env.update({"PYTHONPATH": str(ROOT), "INTERVIEW_BOT_OBSERVABILITY__PORT": "0", **extra})
    return env


def slack_env(fake: FakeSlack, port: int, **extra: str) -> dict[str, str]:
    """Slack in HTTP mode against the fake, served on 127.0.0.1:`port`."""
    return {
        "INTERVIEW_BOT_SLACK__BOT_TOKEN": fake.bot_token,
        "INTERVIEW_BOT_SLACK__SIGNING_SECRET": SIGNING_SECRET,
        "INTERVIEW_BOT_SLACK__API_BASE_URL": fake.base_url,
        "INTERVIEW_BOT_SLACK__HTTP_HOST": "127.0.0.1",
        "INTERVIEW_BOT_SLACK__HTTP_PORT": str(port),
        **extra,
    }


async def start_bot(env: Mapping[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=dict(env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def run_cli(env: Mapping[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=dict(env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def get_json(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with session.get(url) as response:
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text


async def wait_healthy(session: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process,
                       timeout: float = 120.0) -> JsonDict:
    """Poll `url` (a /healthz) until it answers 200; fails early when the process exits."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"the bot exited with {process.returncode} before it was healthy")
        try:
            status, body = await get_json(session, url)
            if status == 200:
                assert isinstance(body, dict)
                return body
            last = (status, body)
        except aiohttp.ClientError as err:
            last = err
        await asyncio.sleep(0.25)
    raise AssertionError(f"{url} not healthy within {timeout}s; last answer: {last}")


async def stop_bot(process: asyncio.subprocess.Process, timeout: float = 60.0) -> tuple[int, str]:
    """SIGTERM, wait, return (exit code, stderr); killed if it does not stop in time."""
    if process.returncode is None:
        process.terminate()
    try:
        _out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        _out, err = await process.communicate()
    return process.returncode if process.returncode is not None else -1, err.decode(errors="replace")


class SlackHttp:
    """Signed Slack requests to one bot process's `/slack/events`."""

    def __init__(self, session: aiohttp.ClientSession, url: str, fake: FakeSlack) -> None:
        self.session = session
        self.url = url
        self.fake = fake

    async def _send(self, body: str, content_type: str) -> int:
        headers = signed_headers(body, content_type)
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            await response.read()
            return response.status

    async def command(
        self, user: SlackUser, command: str, text: str = "", channel_id: str = "C0GENERAL"
    ) -> JsonDict:
        """A slash command; returns the first reply posted to its response_url."""
        url = self.fake.response_url()
        request = slash_command(command, text, user, url, channel_id=channel_id)
        assert await self._send(request.body, request.content_type) == 200
        return await self.fake.wait_for_response_to(url, timeout=30)

    async def open_daily_modal(self, user: SlackUser, post: JsonDict) -> JsonDict:
        """Press the daily post's Answer button; returns the modal the bot opened."""
        value = buttons(post)[ids.DAILY_ANSWER]
        trigger = new_trigger_id()
        request = block_actions(ids.DAILY_ANSWER, value, user, self.fake.response_url(), trigger_id=trigger,
                                channel_id=post["channel"], is_ephemeral=False, message_ts=post["ts"])
        assert await self._send(request.body, request.content_type) == 200
        await self.fake.wait_until(
            lambda: any(c.get("trigger_id") == trigger for c in self.fake.calls("views.open")), 30)
        call = next(c for c in self.fake.calls("views.open") if c.get("trigger_id") == trigger)
        view = call["view"]
        return view if isinstance(view, dict) else json.loads(view)

    async def submit_answer(self, user: SlackUser, modal: JsonDict, answer: str) -> None:
        """Submit the answer modal (typed text; the adapter reads text for every kind)."""
        values = text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, answer)
        request = view_submission(str(modal["callback_id"]), values, user,
                                  private_metadata=str(modal.get("private_metadata", "")))
        assert await self._send(request.body, request.content_type) == 200


def buttons(message: JsonDict) -> dict[str, str]:
    """action_id → value of every button in a message."""
    found = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["action_id"]] = element.get("value", "")
    return found


def metric_total(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples (in Prometheus text) whose labels include `labels`."""
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total
