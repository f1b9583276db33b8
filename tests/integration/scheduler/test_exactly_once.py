"""Exactly one daily post per channel and day when two schedulers share one database (SQLite and
PostgreSQL), whether they race at start-up (catch-up) or their cron jobs fire together, and when the
platform fails a post (the claim is given back, the post retried with back-off, and made once)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.core.daily import STALE_CLAIM
from bot.core.model import DailyStatus
from bot.core.schedule import next_post_time
from bot.scheduler import Outcome, SchedulerSettings
from tests.integration.scheduler.world import (
    FAST_LANES,
    PlatformStandIn,
    channels,
    configure,
    instance,
    posts_on,
    statuses,
)
from tests.unit.core.fakes import FixedClock, utc


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def test_two_schedulers_racing_at_start_up_post_once_per_channel(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 30))  # both start 30 minutes after the 09:00 slot
    platform = PlatformStandIn(delay=0.005)
    a = await instance(database_url, clock, platform, seed=1)
    b = await instance(database_url, clock, platform, seed=2)
    refs = channels(12)
    try:
        await configure(a.service, refs, "09:00", "UTC")
        await asyncio.gather(a.scheduler.start(), b.scheduler.start())
        await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())
        for _ in range(3):  # both keep being told to post; nothing more may appear
            for ref in refs:
                a.scheduler.queue_post(ref)
                b.scheduler.queue_post(ref)
            await asyncio.gather(a.scheduler.sync(), b.scheduler.sync())
            await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())

        assert platform.per_channel() == {ref: 1 for ref in refs}
        rows = await posts_on(a.service, refs, clock.now().date())
        assert statuses(rows) == {"posted": len(refs)}
        assert {row.message_ref for row in rows.values() if row} == {
            f"msg-{ref}-{post.id}" for ref, post in platform.questions
        }
    finally:
        await a.close()
        await b.close()


async def test_two_schedulers_whose_cron_jobs_fire_together_post_once(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 8, 59))
    platform = PlatformStandIn(delay=0.005)
    a = await instance(database_url, clock, platform, seed=1)
    b = await instance(database_url, clock, platform, seed=2)
    refs = channels(10)
    try:
        await configure(a.service, refs, "09:00", "UTC")
        await a.scheduler.start()
        await b.scheduler.start()
        assert platform.questions == []  # nothing is due at 08:59
        for scheduler in (a.scheduler, b.scheduler):
            assert {f"daily:{ref}" for ref in refs} <= set(scheduler.job_ids())

        clock.current = utc(2025, 3, 12, 9, 0)  # the slot: both processes' cron jobs fire now
        for ref in refs:
            assert a.scheduler.run_job_now(f"daily:{ref}")
            assert b.scheduler.run_job_now(f"daily:{ref}")
        await eventually(lambda: len(platform.questions) >= len(refs))
        await asyncio.sleep(0.2)  # let any duplicate that would come arrive
        await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())

        assert platform.per_channel() == {ref: 1 for ref in refs}
        rows = await posts_on(b.service, refs, clock.now().date())
        assert statuses(rows) == {"posted": len(refs)}
        config = await a.service.daily.config(refs[0])
        assert config is not None
        for scheduler in (a.scheduler, b.scheduler):  # after a fire the job follows the core's rule
            assert scheduler.next_run(f"daily:{refs[0]}") == next_post_time(config, datetime.now(UTC))
    finally:
        await a.close()
        await b.close()


async def test_a_post_the_platform_refuses_is_released_retried_and_made_once(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 0))
    platform = PlatformStandIn(fail=2)
    settings = SchedulerSettings(lanes=FAST_LANES, retry_base=timedelta(seconds=30))
    one = await instance(database_url, clock, platform, settings=settings)
    ref = channels(1)[0]
    try:
        await configure(one.service, [ref])
        assert await one.scheduler.post(ref) is Outcome.SKIPPED  # not known before the first sync
        await one.scheduler.sync()
        await one.scheduler.idle()
        assert platform.attempts == 1 and platform.questions == []
        rows = await posts_on(one.service, [ref], clock.now().date())
        given_back = rows[ref]  # kept but backdated: takeable at once, and searched first when taken
        assert given_back is not None and given_back.status == DailyStatus.CLAIMED
        assert given_back.claimed_at < clock.now() - STALE_CLAIM and given_back.taken_over

        clock.advance(seconds=29)  # inside the back-off: no new attempt
        await one.scheduler.sync()
        await one.scheduler.idle()
        assert platform.attempts == 1

        clock.advance(seconds=2)
        assert await one.scheduler.post(ref) is Outcome.RETRY  # second failure: back-off doubles
        clock.advance(seconds=59)
        assert await one.scheduler.post(ref) is Outcome.SKIPPED
        clock.advance(seconds=2)
        assert await one.scheduler.post(ref) is Outcome.POSTED
        assert await one.scheduler.post(ref) is Outcome.ALREADY
        await one.scheduler.sync()
        await one.scheduler.idle()

        assert platform.attempts == 3
        assert platform.per_channel() == {ref: 1}
        row = (await posts_on(one.service, [ref], clock.now().date()))[ref]
        assert row is not None and row.status is DailyStatus.POSTED
    finally:
        await one.close()


async def test_the_retry_job_fires_on_its_own_after_a_platform_failure(tmp_path: object) -> None:
    """With the real clock: the post fails, APScheduler's retry job runs after the back-off and posts."""
    from bot.core.timekeeping import SystemClock

    url = f"sqlite+aiosqlite:///{tmp_path}/retry.sqlite3"
    now = datetime.now(UTC)
    platform = PlatformStandIn(fail=1)
    settings = SchedulerSettings(lanes=FAST_LANES, retry_base=timedelta(milliseconds=300))
    one = await instance(url, SystemClock(), platform, settings=settings)  # type: ignore[arg-type]
    ref = channels(1)[0]
    try:
        await configure(one.service, [ref], f"{now:%H:%M}", "UTC")  # a slot that just passed
        await one.scheduler.start()
        await eventually(lambda: len(platform.questions) == 1, timeout=10)
        await one.scheduler.idle()  # the post is recorded and its reveal job added
        assert platform.attempts == 2
        assert f"daily:{ref}" in one.scheduler.job_ids()
        assert any(job.startswith("reveal:") for job in one.scheduler.job_ids())
    finally:
        await one.close()


async def test_giving_up_when_the_platform_stays_down_past_the_grace(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 0))
    platform = PlatformStandIn(fail=10_000)
    settings = SchedulerSettings(lanes=FAST_LANES, catch_up_grace=timedelta(minutes=10),
                                 retry_base=timedelta(minutes=2), retry_cap=timedelta(minutes=4))
    one = await instance(database_url, clock, platform, settings=settings)
    ref = channels(1)[0]
    try:
        await configure(one.service, [ref])
        await one.scheduler.sync()
        await one.scheduler.idle()
        outcomes = []
        for _ in range(10):
            clock.advance(minutes=2, seconds=1)
            outcomes.append(await one.scheduler.post(ref))
        assert Outcome.RETRY in outcomes and outcomes[-1] is Outcome.ALREADY  # given up for today
        attempts_today = platform.attempts
        assert 2 <= attempts_today <= 6

        platform.fail = 0
        clock.current = utc(2025, 3, 13, 9, 1)  # the next day posts normally
        await one.scheduler.sync()
        await one.scheduler.idle()
        assert platform.per_channel() == {ref: 1}
        assert platform.questions[0][1].local_date.isoformat() == "2025-03-13"
    finally:
        await one.close()


async def test_a_post_follows_a_config_changed_elsewhere_since_the_schedulers_sync(database_url: str) -> None:
    """The scheduler posts from its own copy of each config (read at its sync) only while the database
    still has that revision, enabled: a change or a switch-off made through another process since then
    wins, without waiting for the next sync."""
    clock = FixedClock(utc(2025, 3, 12, 8, 59))
    platform = PlatformStandIn()
    one = await instance(database_url, clock, platform)
    elsewhere = await instance(database_url, clock, platform)  # e.g. the HTTP worker an admin used
    kept, changed, switched_off = "discord:g1/kept", "discord:g1/changed", "discord:g1/off"
    try:
        await configure(one.service, [kept, changed, switched_off], "09:00", "UTC", topics="cnn")
        await one.scheduler.sync()  # the scheduler's copies: revision 1, topic cnn
        await configure(elsewhere.service, [changed], "09:00", "UTC", topics="optimization")
        await elsewhere.service.disable_daily(switched_off)

        clock.current = utc(2025, 3, 12, 9, 0)
        assert await one.scheduler.post(kept) is Outcome.POSTED
        assert await one.scheduler.post(changed) is Outcome.POSTED
        assert await one.scheduler.post(switched_off) is Outcome.SKIPPED
        topics = {ref: one.service.ctx.question(post.question_id).topics for ref, post in platform.questions}
        assert set(topics) == {kept, changed}
        assert [t.value for t in topics[kept]] == ["cnn"]
        assert [t.value for t in topics[changed]] == ["optimization"]
        rows = await posts_on(one.service, [switched_off], clock.now().date())
        assert rows[switched_off] is None
    finally:
        await one.close()
        await elsewhere.close()
