"""After downtime: a channel whose post time passed today within the grace gets its post when the bot
comes back; slots missed by more than the grace are skipped; a week offline gives one post per channel
(the old questions are revealed once), never a flood."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.model import DailyStatus
from tests.integration.scheduler.world import PlatformStandIn, configure, instance, posts_on, statuses
from tests.unit.core.fakes import FixedClock, utc


async def test_catch_up_after_downtime_posts_only_slots_inside_the_grace(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 13, 0))  # the bot was down all morning, back at 13:00 UTC
    platform = PlatformStandIn()
    first = await instance(database_url, clock, platform)
    late, recent, ny, tokyo = "discord:g1/late", "discord:g1/recent", "discord:g1/ny", "discord:g1/tokyo"
    try:
        await configure(first.service, [late], "09:00", "UTC")  # 4 h ago: outside the 3 h grace
        await configure(first.service, [recent], "12:00", "UTC")  # 1 h ago
        await configure(first.service, [ny], "08:30", "America/New_York")  # 12:30 UTC (EDT): 30 min ago
        await configure(first.service, [tokyo], "21:00", "Asia/Tokyo")  # 12:00 UTC: 1 h ago, local 22:00
        await first.scheduler.start()
        await first.scheduler.idle()
        assert set(platform.per_channel()) == {recent, ny, tokyo}
        await first.close()

        clock.advance(minutes=20)  # restarted again: nothing twice, nothing new
        second = await instance(database_url, clock, platform)
        await second.scheduler.start()
        await second.scheduler.idle()
        assert platform.per_channel() == {recent: 1, ny: 1, tokyo: 1}

        clock.current = utc(2025, 3, 13, 9, 0)  # next day's slot of the channel skipped yesterday
        await second.scheduler.sync()
        await second.scheduler.idle()
        assert platform.per_channel()[late] == 1
        row = (await posts_on(second.service, [late], date(2025, 3, 13)))[late]
        assert row is not None and row.status is DailyStatus.POSTED
        await second.close()
    finally:
        await first.database.close()


async def test_a_week_offline_reveals_the_old_questions_and_posts_once_per_channel(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 3, 9, 0))  # a Monday
    platform = PlatformStandIn()
    refs = [f"discord:g1/week{i}" for i in range(6)]
    before = await instance(database_url, clock, platform)
    await configure(before.service, refs, "09:00", "UTC")
    await before.scheduler.sync()
    await before.scheduler.idle()
    assert platform.per_channel() == {ref: 1 for ref in refs}
    await before.close()  # the bot goes down for a week

    clock.current = utc(2025, 3, 10, 10, 30)  # back a week later, 90 minutes after that day's slot
    after = await instance(database_url, clock, platform)
    try:
        await after.scheduler.start()
        await after.scheduler.idle()
        for _ in range(30):  # half an hour of sync ticks
            clock.advance(minutes=1)
            await after.scheduler.sync()
            await after.scheduler.idle()

        assert platform.per_channel() == {ref: 2 for ref in refs}  # last week's and today's, nothing between
        days = sorted({post.local_date for _ref, post in platform.questions})
        assert days == [date(2025, 3, 3), date(2025, 3, 10)]
        assert sorted(results.post.channel_ref for _r, _m, results in platform.reveals) == sorted(refs)
        old = await posts_on(after.service, refs, date(2025, 3, 3))
        assert statuses(old) == {"closed": len(refs)}
        new = await posts_on(after.service, refs, date(2025, 3, 10))
        assert statuses(new) == {"posted": len(refs)}
        for day in range(4, 10):
            missed = await posts_on(after.service, refs, date(2025, 3, day))
            assert statuses(missed) == {"none": len(refs)}
    finally:
        await after.close()


async def test_the_reveal_comes_before_the_next_post_and_shows_the_results(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 0))
    platform = PlatformStandIn()
    one = await instance(database_url, clock, platform)
    ref = "discord:g1/quiz"
    try:
        await configure(one.service, [ref], "09:00", "UTC", reveal_after="30h")
        await one.scheduler.start()
        await one.scheduler.idle()
        assert len(platform.questions) == 1
        reveal_jobs = [j for j in one.scheduler.job_ids() if j.startswith("reveal:")]
        assert len(reveal_jobs) == 1

        clock.current = utc(2025, 3, 13, 8, 59)  # the day before's post is still open
        await one.scheduler.sync()
        await one.scheduler.idle()
        assert platform.reveals == []

        clock.current = utc(2025, 3, 13, 9, 0)  # the next post's time comes before the 30 h delay
        await one.scheduler.post(ref)
        assert len(platform.reveals) == 1 and len(platform.questions) == 2
        revealed = platform.reveals[0][2]
        assert revealed.post.local_date == date(2025, 3, 12) and revealed.answers == 0
        assert revealed.post.status is DailyStatus.CLOSED
        await one.scheduler.sync()
        await one.scheduler.idle()
        assert len(platform.reveals) == 1  # revealed once, even with the reveal job and the sync around
        assert clock.now() - revealed.post.claimed_at < timedelta(hours=30)
    finally:
        await one.close()
