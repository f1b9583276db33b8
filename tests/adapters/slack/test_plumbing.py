"""The adapter's small parts: the per-channel token bucket, the redelivery cache, command-text parsing and
the settings."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import InvalidInput
from bot.slack_adapter import args
from bot.slack_adapter.dedupe import delivery_key
from bot.slack_adapter.settings import SlackSettings
from bot.slack_adapter.throttle import ChannelThrottle


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_throttle_spaces_posts_per_channel() -> None:
    clock = ManualClock()
    throttle = ChannelThrottle(rate=1.0, clock=clock)
    waits = [throttle.reserve("C1") for _ in range(4)]
    assert waits == [0.0, 1.0, 2.0, 3.0]
    assert throttle.reserve("C2") == 0.0
    clock.now += 10
    assert throttle.reserve("C1") == 0.0


def test_throttle_allows_a_burst_then_the_rate() -> None:
    clock = ManualClock()
    throttle = ChannelThrottle(rate=2.0, burst=3, clock=clock)
    assert [throttle.reserve("C") for _ in range(5)] == [0.0, 0.0, 0.0, 0.5, 1.0]


def test_throttle_forgets_idle_channels() -> None:
    clock = ManualClock()
    throttle = ChannelThrottle(clock=clock, max_channels=10)
    for i in range(10):
        throttle.reserve(f"C{i}")
    clock.now += 5
    throttle.reserve("new")
    assert len(throttle._next) == 1


async def test_throttle_wait_sleeps_for_the_reserved_delay() -> None:
    slept: list[float] = []

    async def record(delay: float) -> None:
        slept.append(delay)

    throttle = ChannelThrottle(rate=1.0, clock=ManualClock(), sleep=record)
    await throttle.wait("C")
    await throttle.wait("C")
    assert slept == [1.0]


def test_delivery_keys() -> None:
    assert delivery_key({"event_id": "Ev1", "trigger_id": "t"}) == "slack:event:Ev1"
    assert delivery_key({"trigger_id": "t"}) == "slack:trigger:t:"
    assert delivery_key({"trigger_id": "t", "actions": [{"action_ts": "1.2"}]}) == "slack:trigger:t:1.2"
    assert delivery_key({}) is None


def test_quiz_words_are_recognised_in_any_order() -> None:
    assert args.parse_quiz("3 senior cnn") == args.QuizArgs("cnn", "senior", None, "3")
    assert args.parse_quiz("choice") == args.QuizArgs(None, None, "choice", None)
    assert args.parse_quiz("") == args.QuizArgs()
    with pytest.raises(InvalidInput):
        args.parse_quiz("cnn rnn")


def test_leaderboard_words() -> None:
    assert args.parse_leaderboard("week cnn") == args.BoardArgs("week", "cnn", None)
    assert args.parse_leaderboard("group Vision Team") == args.BoardArgs(None, None, "Vision Team")
    assert args.parse_leaderboard("month Vision") == args.BoardArgs("month", None, "Vision")


def test_channels() -> None:
    assert args.parse_channel("<#C0ABCDEF|general>", "C0HERE01", "here") == "C0ABCDEF"
    assert args.parse_channel("<#C0ABCDEF>", "C0HERE01", "x") == "C0ABCDEF"
    assert args.parse_channel("#general", "C0HERE01", "general") == "C0HERE01"
    assert args.parse_channel(None, "C0HERE01", "general") == "C0HERE01"
    with pytest.raises(InvalidInput):
        args.parse_channel("#other", "C0HERE01", "general")


def test_daily_set_words() -> None:
    words = ["here", "09:30", "Europe/Paris", "cnn,rnn", "senior", "12h", "weekdays"]
    parsed = args.parse_daily_set(words, "C1", "g")
    assert parsed == args.DailyArgs("C1", "09:30", "Europe/Paris", "cnn,rnn", "senior", "12h", "weekdays")
    keyed_words = ["here", "9:00", "UTC", "topics=math", "reveal=2h", "days=mon-fri"]
    keyed = args.parse_daily_set(keyed_words, "C1", "g")
    assert (keyed.topics, keyed.reveal_after, keyed.weekdays) == ("math", "2h", "mon-fri")
    with pytest.raises(InvalidInput):
        args.parse_daily_set(["here"], "C1", "g")


@given(st.text(max_size=3000))
def test_parsers_never_crash_on_any_text(text: str) -> None:
    for parse in (args.parse_quiz, args.parse_leaderboard):
        with contextlib.suppress(InvalidInput):
            parse(text)
    with contextlib.suppress(InvalidInput):
        args.parse_daily_set(args.words(text), "C1", "general")


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_MODE", "socket")
    monkeypatch.setenv("SLACK_ADMIN_USER_IDS", "U1, U2 U3")
    loaded = SlackSettings()
    assert loaded.admin_user_ids == ("U1", "U2", "U3")
    assert loaded.problems() == [
        "SLACK_APP_TOKEN must be set to an app-level token (xapp-...) in socket mode."
    ]
    assert "xoxb-1" not in repr(loaded)
    assert SlackSettings(bot_token="xoxb-2", signing_secret="s", mode="http").problems() == []
