"""The APScheduler side: the channels' cron triggers fire at local time across DST changes, jobs are built
from the database on start and rebuilt when an admin changes a channel, only the handled platforms are
scheduled, and shutdown finishes in-flight posts or gives their claims back."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.model import DailyConfig, DailyStatus
from bot.core.schedule import next_post_time
from bot.scheduler import DailyPostTrigger, DailyScheduler
from tests.integration.scheduler.world import (
    FAST_LANES,
    TEAM,
    PlatformStandIn,
    configure,
    instance,
    posts_on,
)
from tests.unit.core.fakes import FixedClock, utc


def config(at: time, tz: str, weekdays: tuple[int, ...] = tuple(range(7))) -> DailyConfig:
    return DailyConfig("discord:g/c", 1, at, tz, weekdays)


@pytest.mark.parametrize(
    ("tz", "start"),
    [
        ("UTC", utc(2025, 1, 1)),
        ("America/New_York", utc(2025, 3, 7)),  # spring forward on the 9th
        ("America/New_York", utc(2025, 10, 31)),  # fall back on Nov 2nd (01:00-02:00 twice)
        ("Europe/Berlin", utc(2025, 3, 28)),
        ("Australia/Sydney", utc(2025, 4, 4)),  # southern fall back on Apr 6th (02:00-03:00 twice)
        ("Asia/Kolkata", utc(2025, 6, 1)),
        ("Pacific/Chatham", utc(2025, 4, 4)),
    ],
)
@pytest.mark.parametrize("at", [time(9, 0), time(1, 30), time(2, 30), time(0, 0), time(23, 45)])
def test_the_cron_trigger_fires_once_per_posting_day_at_local_time_across_dst_changes(
    tz: str, start: datetime, at: time
) -> None:
    """Asked the way APScheduler asks it (the previous fire, now), the channel's trigger fires once per
    posting day at the local wall-clock time: a time in a spring-forward gap moves one hour later, a
    repeated time on a fall-back day fires once (its first occurrence), and skipped weekdays stay skipped.
    The expected instants are computed here from zoneinfo, not from the rule the trigger uses."""
    zone = ZoneInfo(tz)
    channel = config(at, tz, weekdays=(0, 1, 2, 4, 5, 6))
    trigger = DailyPostTrigger(channel)
    fires: list[datetime] = []
    previous: datetime | None = None
    now = start
    for _ in range(8):
        fired = trigger.get_next_fire_time(previous, now)
        assert fired is not None and fired >= now
        fires.append(fired)
        previous, now = fired, fired + timedelta(seconds=1)
    days = [f.astimezone(zone).date() for f in fires]
    assert len(set(days)) == len(days)  # never twice on one local day
    expected_days = [d for d in (start.astimezone(zone).date() + timedelta(days=i) for i in range(-1, 12))
                     if d.weekday() != 3]
    expected = []
    for day in expected_days:
        wall = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of a repeated time
        instant = wall.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
            instant = (datetime.combine(day, at) + timedelta(hours=1)).replace(tzinfo=zone).astimezone(UTC)
        if instant >= start:
            expected.append(instant)
    assert [f.astimezone(UTC) for f in fires] == expected[:8]


def test_the_cron_trigger_lists_missed_fires_and_follows_the_core_rule() -> None:
    """After downtime APScheduler walks the fires it missed (previous → next) before coalescing them;
    the trigger gives each missed day in turn, then the next one after now."""
    channel = config(time(9, 0), "Europe/Berlin")
    trigger = DailyPostTrigger(channel)
    now = utc(2025, 3, 12, 12, 0)
    first = trigger.get_next_fire_time(None, utc(2025, 3, 9, 12, 0))
    assert first == utc(2025, 3, 10, 8, 0)
    assert trigger.get_next_fire_time(first, now) == utc(2025, 3, 11, 8, 0)
    assert trigger.get_next_fire_time(utc(2025, 3, 12, 8, 0), now) == next_post_time(channel, now)
    assert trigger.get_next_fire_time(None, utc(2025, 3, 12, 8, 0)) == utc(2025, 3, 12, 8, 0)  # due now
    assert DailyPostTrigger(config(time(9, 0), "UTC", weekdays=())).get_next_fire_time(None, now) is None
    assert "09:00 Europe/Berlin" in str(trigger)


async def test_jobs_are_built_from_the_database_and_rebuilt_when_an_admin_changes_a_channel(
    tmp_path: object,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/jobs.sqlite3"
    clock = FixedClock(utc(2025, 3, 12, 6, 0))
    platform = PlatformStandIn()
    one = await instance(url, clock, platform)
    elsewhere = await instance(url, clock, platform)  # another process on the same database
    berlin, kolkata, other = "discord:g1/berlin", "discord:g1/kolkata", "discord:g1/other"
    try:
        await configure(one.service, [berlin], "09:00", "Europe/Berlin")
        await configure(one.service, [kolkata], "09:00", "Asia/Kolkata", weekdays="mon-fri")
        await one.scheduler.start()
        assert {"daily-sync", f"daily:{berlin}", f"daily:{kolkata}"} <= set(one.scheduler.job_ids())
        assert _next(one.scheduler, berlin).astimezone(UTC).time() in (time(7, 0), time(8, 0))

        # an admin's change through this process's service reschedules at once (the daily listener)
        await one.service.configure_daily(berlin, TEAM, "18:15", "America/New_York")
        moved = _next(one.scheduler, berlin)
        assert moved.astimezone(ZoneInfo("America/New_York")).time() == time(18, 15)
        await one.service.disable_daily(kolkata)
        assert f"daily:{kolkata}" not in one.scheduler.job_ids()

        # a change made through another process shows up at the next sync
        await elsewhere.service.configure_daily(other, TEAM, "10:00", "UTC")
        assert f"daily:{other}" not in one.scheduler.job_ids()
        await one.scheduler.sync()
        assert f"daily:{other}" in one.scheduler.job_ids()
        await one.scheduler.reschedule(other)  # an explicit reschedule is harmless
        await one.scheduler.reschedule("not a channel ref")  # bad input: logged, nothing breaks
        assert f"daily:{other}" in one.scheduler.job_ids()
    finally:
        await one.close()
        await elsewhere.close()


def _next(scheduler: DailyScheduler, ref: str) -> datetime:
    when = scheduler.next_run(f"daily:{ref}")
    assert when is not None
    return when


async def test_only_the_platforms_this_process_runs_are_scheduled(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/platforms.sqlite3"
    clock = FixedClock(utc(2025, 3, 12, 9, 10))
    platform = PlatformStandIn()
    one = await instance(url, clock, platform)
    slack_only = DailyScheduler(one.service, clock=clock, platforms={"slack"})
    try:
        await configure(one.service, ["discord:g1/c1"])
        await slack_only.start()
        await slack_only.idle()
        assert "daily:discord:g1/c1" not in slack_only.job_ids()
        assert platform.questions == []
    finally:
        await slack_only.stop()
        await one.close()


async def test_shutdown_lets_an_in_flight_post_finish(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 0))
    platform = PlatformStandIn(delay=0.4)
    one = await instance(database_url, clock, platform)
    ref = "discord:g1/slow"
    try:
        await configure(one.service, [ref])
        await one.scheduler.start()
        while platform.attempts == 0:
            await asyncio.sleep(0.01)
        assert await one.scheduler.stop(timeout=10) == 0
        assert platform.per_channel() == {ref: 1}
        row = (await posts_on(one.service, [ref], date(2025, 3, 12)))[ref]
        assert row is not None and row.message_ref is not None
    finally:
        await one.close()


async def test_shutdown_past_the_drain_timeout_gives_the_claim_back(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 0))
    platform = PlatformStandIn(hang=True)  # the platform stopped answering
    one = await instance(database_url, clock, platform)
    ref = "discord:g1/stuck"
    try:
        await configure(one.service, [ref])
        await one.scheduler.start()
        while platform.attempts == 0:
            await asyncio.sleep(0.01)
        assert await one.scheduler.stop(timeout=0.2) == 1
        rows = await posts_on(one.service, [ref], date(2025, 3, 12))
        left = rows[ref]  # no live claim left behind: backdated, so the next start takes it over at once
        assert left is not None and left.status == DailyStatus.CLAIMED and left.claimed_at < clock.now()

        platform.hang = False
        again = await instance(database_url, clock, platform)
        await again.scheduler.start()
        await again.scheduler.idle()
        assert platform.per_channel() == {ref: 1}
        await again.close()
    finally:
        await one.close()


def test_scheduler_settings_refuse_bad_values_with_a_message() -> None:
    from bot.core.errors import InvalidInput
    from bot.scheduler import SchedulerSettings

    with pytest.raises(InvalidInput, match="CATCH_UP_GRACE"):
        SchedulerSettings.from_env({"INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE": "soon"})
    with pytest.raises(InvalidInput, match="SYNC_SECONDS"):
        SchedulerSettings.from_env({"INTERVIEW_BOT_SCHEDULER__SYNC_SECONDS": "often"})
    for odd in ("nan", "inf", "1e400", "ｓ"):
        with pytest.raises(InvalidInput, match="SCHEDULER"):
            SchedulerSettings.from_env({"INTERVIEW_BOT_SCHEDULER__SYNC_SECONDS": odd,
                                        "INTERVIEW_BOT_SCHEDULER__DRAIN_SECONDS": odd})
    with pytest.raises(InvalidInput, match="sync interval"):
        SchedulerSettings.from_env({"INTERVIEW_BOT_SCHEDULER__SYNC_SECONDS": "0"})
    with pytest.raises(InvalidInput, match="grace"):
        SchedulerSettings.from_env({"INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE": "2d"})
    chosen = SchedulerSettings.from_env({"INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE": "90m",
                                         "INTERVIEW_BOT_SCHEDULER__DRAIN_SECONDS": "3"})
    assert chosen.catch_up_grace == timedelta(minutes=90) and chosen.drain_timeout == 3
    assert SchedulerSettings(lanes=FAST_LANES).lanes == FAST_LANES


async def test_a_scheduler_started_again_after_stop_rebuilds_its_jobs(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/again.sqlite3"
    clock = FixedClock(utc(2025, 3, 12, 6, 0))
    platform = PlatformStandIn()
    one = await instance(url, clock, platform)
    try:
        await configure(one.service, ["discord:g1/a", "discord:g1/b"])
        await one.scheduler.start()
        await one.scheduler.stop()
        assert one.scheduler.job_ids() == []
        await one.scheduler.start()
        assert {"daily:discord:g1/a", "daily:discord:g1/b", "daily-sync"} <= set(one.scheduler.job_ids())
        clock.current = utc(2025, 3, 12, 9, 1)
        await one.scheduler.sync()
        await one.scheduler.idle()
        assert platform.per_channel() == {"discord:g1/a": 1, "discord:g1/b": 1}
    finally:
        await one.close()
