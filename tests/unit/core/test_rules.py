"""Scoring, streaks, FSRS ratings, timezone windows and the parsers admins and players type into."""

from __future__ import annotations

from datetime import date, time, timedelta

import fsrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.checking.grade import CORRECT_AT, PARTIAL_AT
from bot.core.daily_config import (
    parse_channel_ref,
    parse_duration,
    parse_time_of_day,
    parse_topics,
    parse_weekdays,
)
from bot.core.errors import InvalidInput, UnknownTopic
from bot.core.model import Window
from bot.core.review import rating_for, reschedule
from bot.core.scoring import base_points, hint_cost, points_for, streak
from bot.core.selection import parse_count, parse_filters
from bot.core.timekeeping import local_date, parse_window, window_start, zone

from .fakes import utc

DIFFICULTIES = ["fresher", "experienced", "senior"]


# --- points ---------------------------------------------------------------------------------------


def test_harder_questions_are_worth_more() -> None:
    assert base_points("fresher") < base_points("experienced") < base_points("senior")


@given(st.sampled_from(DIFFICULTIES), st.floats(0, 1), st.floats(0, 1), st.integers(0, 6))
def test_points_grow_with_score_and_shrink_with_hints(
    difficulty: str, a: float, b: float, hints: int
) -> None:
    low, high = sorted((a, b))
    assert points_for(difficulty, low, hints) <= points_for(difficulty, high, hints)
    assert points_for(difficulty, high, hints + 1) <= points_for(difficulty, high, hints)
    assert 0 <= points_for(difficulty, high, hints) <= base_points(difficulty)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_partial_credit_hints_and_guessing(difficulty: str) -> None:
    full = points_for(difficulty, 1.0, 0)
    assert full == base_points(difficulty)
    assert 0 < points_for(difficulty, PARTIAL_AT, 0) < full  # partial credit
    assert points_for(difficulty, PARTIAL_AT - 0.01, 0) == 0  # guessing pays nothing
    assert points_for(difficulty, 1.0, 1) == full - hint_cost(difficulty)
    assert points_for(difficulty, 1.0, 100) == 0  # never negative


def test_out_of_range_scores_are_clamped() -> None:
    assert points_for("senior", 7.0, 0) == base_points("senior")
    assert points_for("senior", -3.0, 0) == 0


# --- streaks --------------------------------------------------------------------------------------

MONDAY = date(2025, 3, 10)


def days(*offsets: int) -> list[date]:
    return [MONDAY + timedelta(days=o) for o in offsets]


def test_streak_counts_consecutive_days_ending_today_or_yesterday() -> None:
    assert streak([], MONDAY) == 0
    assert streak(days(0, 1, 2), MONDAY + timedelta(days=2)) == 3
    assert streak(days(0, 1, 2), MONDAY + timedelta(days=3)) == 3  # today not over yet


def test_one_missed_day_per_iso_week_is_frozen() -> None:
    # Mon, Tue, (Wed missed), Thu, Fri: one freeze bridges Wednesday.
    assert streak(days(0, 1, 3, 4), MONDAY + timedelta(days=4)) == 4
    # Two missed days in the same ISO week break the streak at the second one.
    assert streak(days(0, 2, 4), MONDAY + timedelta(days=4)) == 2


def test_freezes_are_per_week() -> None:
    # Missed Wednesday of week 1 and Wednesday of week 2: each week has its own freeze.
    active = days(0, 1, 3, 4, 5, 6, 7, 8, 10, 11)
    assert streak(active, MONDAY + timedelta(days=11)) == len(active)


def test_two_missed_days_in_a_row_break_the_streak() -> None:
    assert streak(days(0, 1, 2), MONDAY + timedelta(days=5)) == 0


# --- review ---------------------------------------------------------------------------------------


def test_rating_mapping() -> None:
    assert rating_for(0.0, 0) == fsrs.Rating.Again
    assert rating_for(PARTIAL_AT, 0) == fsrs.Rating.Hard
    assert rating_for(CORRECT_AT, 0) == fsrs.Rating.Good
    assert rating_for(1.0, 0) == fsrs.Rating.Easy
    assert rating_for(1.0, 1) == fsrs.Rating.Hard  # a hint caps the rating


def test_a_right_answer_is_scheduled_later_than_a_wrong_one() -> None:
    now = utc(2025, 3, 12, 10)
    right = reschedule(None, 1, "q", 1.0, 0, now)
    wrong = reschedule(None, 1, "q", 0.0, 0, now)
    assert right.due > wrong.due >= now
    again = reschedule(right, 1, "q", 1.0, 0, right.due)
    assert again.reviews == 2 and again.due - right.due > right.due - now


def test_card_state_is_plain_json_and_a_corrupt_one_restarts() -> None:
    import json

    now = utc(2025, 3, 12, 10)
    card = reschedule(None, 1, "q", 1.0, 0, now)
    assert json.loads(json.dumps(card.state)) == card.state
    corrupt = type(card)(1, "q", now, {"nonsense": True})
    assert reschedule(corrupt, 1, "q", 1.0, 0, now).due > now


# --- time -----------------------------------------------------------------------------------------


def test_windows_start_at_local_midnight_of_the_team() -> None:
    now = utc(2025, 3, 12, 2, 30)  # Wednesday 02:30 UTC = Tuesday evening in New York
    since, day = window_start(Window.DAY, now, "America/New_York")
    assert day == date(2025, 3, 11) and since == utc(2025, 3, 11, 4)  # EDT since 9 March
    since, day = window_start(Window.WEEK, now, "Europe/Berlin")
    assert day == date(2025, 3, 10) and since == utc(2025, 3, 9, 23)
    since, day = window_start(Window.MONTH, now, "Asia/Tokyo")
    assert day == date(2025, 3, 1) and since == utc(2025, 2, 28, 15)
    assert window_start(Window.ALL, now, "UTC") == (None, None)


def test_local_date_follows_daylight_saving() -> None:
    assert local_date(utc(2025, 3, 30, 22, 30), "Europe/Berlin") == date(2025, 3, 31)  # CEST, +2
    assert local_date(utc(2025, 3, 29, 22, 30), "Europe/Berlin") == date(2025, 3, 29)  # CET, +1


@pytest.mark.parametrize("bad", ["", "Mars/Olympus", "Europe/Berln", "../etc/passwd", "x" * 500])
def test_bad_timezones_are_refused_clearly(bad: str) -> None:
    with pytest.raises(InvalidInput, match="timezone"):
        zone(bad)


def test_parse_window() -> None:
    assert parse_window(None) is Window.ALL
    assert parse_window(" Today ") is Window.DAY
    assert parse_window("all-time") is Window.ALL
    with pytest.raises(InvalidInput, match="day, week, month or all"):
        parse_window("fortnight")


# --- parsers --------------------------------------------------------------------------------------


def test_filters_accept_unique_prefixes_and_refuse_the_rest() -> None:
    filters = parse_filters("rnn", "Senior", "choice")
    assert (filters.topic, filters.difficulty, filters.kind) == ("rnn-lstm", "senior", "choice")
    with pytest.raises(UnknownTopic, match="choose one of"):
        parse_filters("astrology", None, None)
    with pytest.raises(UnknownTopic):
        parse_filters("a", None, None)  # ambiguous: activation-functions, autoencoders
    with pytest.raises(InvalidInput, match="difficulty"):
        parse_filters(None, "impossible", None)


@pytest.mark.parametrize("bad", ["0", "-1", "51", "many", "1e9"])
def test_counts_are_bounded(bad: str) -> None:
    with pytest.raises(InvalidInput, match="1 to 50"):
        parse_count(bad, 5)


def test_daily_settings_parsers() -> None:
    assert parse_time_of_day("9:05") == time(9, 5)
    assert parse_weekdays("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_weekdays("fri-mon") == (0, 4, 5, 6)
    assert parse_weekdays("weekends") == (5, 6)
    assert parse_topics("cnn, rnn") == ("cnn", "rnn-lstm")
    assert parse_duration("1h30m") == timedelta(hours=1, minutes=30)
    assert parse_channel_ref("discord:1/2") == "discord:1/2"
    for bad, call in [("25:00", parse_time_of_day), ("noon", parse_time_of_day), ("funday", parse_weekdays),
                      ("3 weeks", parse_duration), ("30d", parse_duration), ("nochannel", parse_channel_ref)]:
        with pytest.raises(InvalidInput):
            call(bad)
