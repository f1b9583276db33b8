"""The daily question's time rules: post instants in several timezones and on daylight-saving days,
catch-up inside the grace only (one post however long the outage), reveal times and back-off.

Expected instants are facts about the IANA zones (offsets noted next to each), not outputs of the code."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.errors import InvalidInput
from bot.core.model import DailyConfig, DailyPost, DailyStatus
from bot.core.schedule import (
    DEFAULT_CATCH_UP_GRACE,
    catch_up_due,
    next_day_slot,
    next_post_time,
    retry_delay,
    reveal_time,
    slot_on,
    todays_slot,
    validate_grace,
)
from tests.unit.core.fakes import FixedClock


def cfg(at: str = "09:00", tz: str = "UTC", weekdays: tuple[int, ...] = tuple(range(7)),
        reveal_after: timedelta = timedelta(hours=24), enabled: bool = True) -> DailyConfig:
    hour, minute = (int(p) for p in at.split(":"))
    return DailyConfig("discord:1/2", 1, time(hour, minute), tz, weekdays, reveal_after=reveal_after,
                       enabled=enabled)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        ("UTC", date(2025, 1, 15), utc(2025, 1, 15, 9, 0)),
        ("Asia/Kolkata", date(2025, 1, 15), utc(2025, 1, 15, 3, 30)),  # +05:30, no DST
        ("America/New_York", date(2025, 1, 15), utc(2025, 1, 15, 14, 0)),  # EST -05:00
        ("America/New_York", date(2025, 7, 15), utc(2025, 7, 15, 13, 0)),  # EDT -04:00
        ("Australia/Sydney", date(2025, 1, 15), utc(2025, 1, 14, 22, 0)),  # AEDT +11:00 (southern summer)
        ("Australia/Sydney", date(2025, 7, 15), utc(2025, 7, 14, 23, 0)),  # AEST +10:00
        ("Pacific/Chatham", date(2025, 1, 15), utc(2025, 1, 14, 19, 15)),  # +13:45
        ("Europe/Berlin", date(2025, 3, 29), utc(2025, 3, 29, 8, 0)),  # CET +01:00, day before DST
        ("Europe/Berlin", date(2025, 3, 30), utc(2025, 3, 30, 7, 0)),  # CEST +02:00 from 02:00 that day
    ],
)
def test_post_time_is_local_wall_clock_in_each_timezone(tz: str, day: date, expected: datetime) -> None:
    assert slot_on(cfg("09:00", tz), day) == expected


def test_spring_forward_day_is_23_hours_and_a_time_in_the_gap_moves_forward() -> None:
    ny = cfg("09:00", "America/New_York")
    clock = FixedClock(utc(2025, 3, 8, 14, 0, 1))  # just after Saturday's 09:00 EST
    sunday = next_post_time(ny, clock.now())
    assert sunday == utc(2025, 3, 9, 13, 0)  # 09:00 EDT
    assert sunday - utc(2025, 3, 8, 14, 0) == timedelta(hours=23)
    # 02:30 does not exist on 2025-03-09 in New York: it happens at 03:30 EDT (07:30 UTC)
    assert slot_on(cfg("02:30", "America/New_York"), date(2025, 3, 9)) == utc(2025, 3, 9, 7, 30)
    # Berlin's gap is 02:00-03:00 on 2025-03-30
    assert slot_on(cfg("02:30", "Europe/Berlin"), date(2025, 3, 30)) == utc(2025, 3, 30, 1, 30)


def test_fall_back_day_posts_at_the_first_occurrence_and_only_once() -> None:
    early = cfg("01:30", "America/New_York")  # 01:30 happens twice on 2025-11-02
    first = slot_on(early, date(2025, 11, 2))
    assert first == utc(2025, 11, 2, 5, 30)  # 01:30 EDT
    following = next_post_time(early, first)
    assert following == utc(2025, 11, 3, 6, 30)  # the next day's 01:30 EST, not 01:30 EST the same day
    assert following - first == timedelta(hours=25)


def test_next_post_time_skips_days_the_channel_does_not_post() -> None:
    weekdays_only = cfg("09:00", "Europe/London", weekdays=(0, 1, 2, 3, 4))
    friday_after = utc(2025, 1, 17, 9, 0, 1)  # Friday, GMT
    assert next_post_time(weekdays_only, friday_after) == utc(2025, 1, 20, 9, 0)  # Monday
    before = utc(2025, 1, 17, 8, 59)
    assert next_post_time(weekdays_only, before) == utc(2025, 1, 17, 9, 0)
    assert next_post_time(cfg(weekdays=()), before) is None
    assert todays_slot(weekdays_only, utc(2025, 1, 18, 12, 0)) is None  # a Saturday


def test_next_post_time_uses_the_channel_local_day_not_the_utc_day() -> None:
    tokyo = cfg("08:00", "Asia/Tokyo")  # +09:00: 08:00 JST is 23:00 UTC the previous day
    now = utc(2025, 5, 1, 22, 0)  # 07:00 JST on May 2nd
    assert next_post_time(tokyo, now) == utc(2025, 5, 1, 23, 0)
    assert todays_slot(tokyo, now) == utc(2025, 5, 1, 23, 0)


def test_catch_up_only_inside_the_grace_after_todays_slot() -> None:
    paris = cfg("09:00", "Europe/Paris")  # CEST +02:00 in June: slot at 07:00 UTC
    slot = utc(2025, 6, 10, 7, 0)
    assert not catch_up_due(paris, slot - timedelta(minutes=1), posted_today=False)
    assert catch_up_due(paris, slot, posted_today=False)
    assert catch_up_due(paris, slot + DEFAULT_CATCH_UP_GRACE - timedelta(seconds=1), posted_today=False)
    assert not catch_up_due(paris, slot + DEFAULT_CATCH_UP_GRACE + timedelta(seconds=1), posted_today=False)
    assert not catch_up_due(paris, slot + timedelta(minutes=5), posted_today=True)
    assert not catch_up_due(cfg("09:00", "Europe/Paris", enabled=False), slot, posted_today=False)
    longer = timedelta(hours=6)
    assert catch_up_due(paris, slot + timedelta(hours=5), posted_today=False, grace=longer)


def test_catch_up_never_posts_on_a_day_the_channel_skips() -> None:
    weekdays_only = cfg("09:00", "UTC", weekdays=(0, 1, 2, 3, 4))
    saturday = utc(2025, 1, 18, 9, 30)
    assert not catch_up_due(weekdays_only, saturday, posted_today=False)


def test_a_week_offline_gives_at_most_one_catch_up_post_per_day_and_only_for_today() -> None:
    channel = cfg("09:00", "America/Chicago")
    last_seen = utc(2025, 2, 3, 15, 0)  # Monday 09:00 CST, the last post before the outage
    back = last_seen + timedelta(days=7, hours=1)  # a week later, an hour after that day's slot
    # every one of the missed slots is further back than the grace, so none of them is due
    missed = [slot_on(channel, date(2025, 2, 3) + timedelta(days=d)) for d in range(1, 7)]
    assert all(back - s > DEFAULT_CATCH_UP_GRACE for s in missed)
    assert catch_up_due(channel, back, posted_today=False)  # today's slot only
    assert not catch_up_due(channel, back, posted_today=True)  # and once it is posted, nothing more
    coming_back_late = last_seen + timedelta(days=7, hours=5)
    assert not catch_up_due(channel, coming_back_late, posted_today=False)


def post(day: date, posted: datetime, reveal_after: timedelta = timedelta(hours=24)) -> DailyPost:
    return DailyPost("discord:1/2", 1, day, "q1", posted, posted + reveal_after, id=1,
                     status=DailyStatus.POSTED, message_ref="m", posted_at=posted)


def test_reveal_after_the_delay_or_at_the_next_post_whichever_is_first() -> None:
    channel = cfg("09:00", "UTC")
    on_time = post(date(2025, 4, 1), utc(2025, 4, 1, 9, 0, 2))
    assert reveal_time(on_time, channel) == utc(2025, 4, 2, 9, 0)  # the next post comes 2 s before 24 h
    late = post(date(2025, 4, 1), utc(2025, 4, 1, 11, 0))  # a catch-up post two hours late
    assert reveal_time(late, channel) == utc(2025, 4, 2, 9, 0)
    short = post(date(2025, 4, 1), utc(2025, 4, 1, 9, 0), reveal_after=timedelta(hours=2))
    assert reveal_time(short, channel) == utc(2025, 4, 1, 11, 0)
    early_manual = post(date(2025, 4, 1), utc(2025, 4, 1, 6, 0))  # an admin's "post now" before 09:00
    assert reveal_time(early_manual, channel) == utc(2025, 4, 2, 6, 0)  # not at today's 09:00
    assert reveal_time(late, None) == utc(2025, 4, 2, 11, 0)
    assert reveal_time(late, cfg("09:00", "UTC", enabled=False)) == utc(2025, 4, 2, 11, 0)


def test_reveal_waits_for_the_next_posting_day_across_a_weekend() -> None:
    weekdays_only = cfg("09:00", "UTC", weekdays=(0, 1, 2, 3, 4), reveal_after=timedelta(days=7))
    friday = post(date(2025, 1, 17), utc(2025, 1, 17, 9, 0), reveal_after=timedelta(days=7))
    assert next_day_slot(weekdays_only, date(2025, 1, 17)) == utc(2025, 1, 20, 9, 0)
    assert reveal_time(friday, weekdays_only) == utc(2025, 1, 20, 9, 0)


def test_retry_back_off_doubles_up_to_the_cap() -> None:
    delays = [retry_delay(n, timedelta(seconds=30), timedelta(minutes=15)) for n in range(0, 8)]
    assert delays[0] == timedelta(0)
    assert delays[1:4] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert max(delays) == timedelta(minutes=15)
    assert retry_delay(10_000) == timedelta(minutes=15)


@pytest.mark.parametrize("grace", [timedelta(0), timedelta(seconds=-1), timedelta(hours=24)])
def test_a_grace_outside_a_day_is_refused_with_a_message(grace: timedelta) -> None:
    with pytest.raises(InvalidInput, match="grace"):
        validate_grace(grace)
    assert validate_grace(timedelta(hours=3)) == timedelta(hours=3)
