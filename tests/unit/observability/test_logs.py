"""Logs: JSON lines or text, timestamps in the configured zone, and no secret in any field, whether it
is the process's own secret or anything shaped like a token; the console never logs an answer above
DEBUG."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.console.session import ConsoleSession
from bot.core.model import Player
from bot.observability.logs import REDACTED, Redactor, configure_logging

SLACK_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
APP_TOKEN = "xapp-1-A0123-4567-abcdef0123456789"
DISCORD_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
OWN_SECRET = "plain-signing-secret-value"


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger, restored afterwards (handlers and level)."""
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (f"token={SLACK_TOKEN}", SLACK_TOKEN),
        (f"app token {APP_TOKEN} here", APP_TOKEN),
        (f"login with {DISCORD_TOKEN}", DISCORD_TOKEN),
        ("Authorization: Bot abcdefghijklmnopqrstuvwxyz.123", "abcdefghijklmnopqrstuvwxyz.123"),
        ("Authorization: Bearer sk-live-abcdef123456", "sk-live-abcdef123456"),
        ("postgresql://bot:hunter2hunter@db:5432/bot", "hunter2hunter"),
        (f"the secret {OWN_SECRET}!", OWN_SECRET),
    ],
)
def test_redactor_hides_secrets_and_token_shapes(text: str, hidden: str) -> None:
    redacted = Redactor([OWN_SECRET])(text)
    assert hidden not in redacted and REDACTED in redacted


@pytest.mark.parametrize(
    "text",
    ["the bot is ready", "interview-bot posted the daily question in slack:T1/C2",
     "grading took 3 ms for question cnn-1", "https://slack.com/api/chat.postMessage"],
)
def test_redactor_leaves_ordinary_text_alone(text: str) -> None:
    assert Redactor([OWN_SECRET, "x"])(text) == text  # secrets under 4 characters are not matched


def test_json_lines_are_redacted_in_every_field(root: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging("INFO", json_lines=True, timezone="Europe/Paris", secrets=[OWN_SECRET], stream=stream)
    log = logging.getLogger("bot.test")
    log.info("connecting with %s", SLACK_TOKEN, extra={"channel_ref": "slack:T1/C1", "attempt": 2,
                                                       "header": f"Bearer {OWN_SECRET}"})
    try:
        raise RuntimeError(f"refused {DISCORD_TOKEN} and {OWN_SECRET}")
    except RuntimeError:
        log.exception("startup failed")
    log.debug("not shown at INFO")
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["level"] for r in records] == ["INFO", "ERROR"]
    first, second = records
    assert first["logger"] == "bot.test" and first["channel_ref"] == "slack:T1/C1" and first["attempt"] == 2
    assert first["ts"].endswith(("+01:00", "+02:00"))  # Paris time
    assert "exc" in second and "RuntimeError" in second["exc"]
    text = stream.getvalue()
    for secret in (SLACK_TOKEN, DISCORD_TOKEN, OWN_SECRET):
        assert secret not in text


def test_text_format_is_redacted_and_configuring_twice_keeps_one_handler(root: logging.Logger) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("WARNING", stream=first)
    configure_logging("INFO", secrets=[OWN_SECRET], stream=second)
    ours = [h for h in root.handlers if getattr(h, "_interview_bot_handler", False)]
    assert len(ours) == 1
    logging.getLogger("bot.test").info("signing secret is %s", OWN_SECRET)
    assert first.getvalue() == ""
    line = second.getvalue()
    assert "INFO bot.test: signing secret is [redacted]" in line and line.startswith("20")
    assert logging.getLogger("apscheduler").level == logging.WARNING


class FailingService:
    """A service whose every call fails unexpectedly (a bug), to exercise the console's error path."""

    def __getattr__(self, name: str) -> object:
        async def fail(*_args: object, **_kwargs: object) -> object:
            raise RuntimeError("boom")

        return fail


async def test_console_never_logs_an_answer_above_debug(root: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging("INFO", json_lines=True, stream=stream)
    said = io.StringIO()
    session = ConsoleSession(FailingService(), Player("console", "local", "me", "me"), said)  # type: ignore[arg-type]
    await session.handle("my secret answer about vanishing gradients")
    assert "something went wrong" in said.getvalue()
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert records and all(r["level"] != "DEBUG" for r in records)
    assert "vanishing" not in stream.getvalue()
