"""When a channel's daily question is due, missed, retried and revealed: pure time rules, no scheduler.

The scheduler adapter (`bot/scheduler.py`, APScheduler) only decides *when to wake up*; every decision it
takes on waking (is this channel due, may it still catch up, when does the answer come out) is made here,
from a channel's `DailyConfig`, the stored `DailyPost` and an instant from the injectable clock. So the
rules are unit-testable for any timezone and daylight-saving day without waiting for cron.

Wall-clock times are interpreted with zoneinfo: a post time inside a spring-forward gap (02:30 on a US
DST day) happens at the same instant one hour later on the clock (03:30), and a post time that occurs
twice on a fall-back day happens at its first occurrence. The database keeps one post per local day, so a
trigger library that fires twice on such a day cannot post twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.core.errors import InvalidInput
from bot.core.model import DailyConfig, DailyPost
from bot.core.timekeeping import as_utc, local_date, zone

DEFAULT_CATCH_UP_GRACE = timedelta(hours=3)
"""After downtime, today's missed post is still made if its time passed less than this long ago."""
MAX_CATCH_UP_GRACE = timedelta(hours=23)
DEFAULT_RETRY_BASE = timedelta(seconds=30)
DEFAULT_RETRY_CAP = timedelta(minutes=15)


def posts_on(config: DailyConfig, day: date) -> bool:
    """Whether `day` (a local calendar day of the channel) is one of its posting days."""
    return day.weekday() in config.weekdays


def slot_on(config: DailyConfig, day: date) -> datetime:
    """The UTC instant of the channel's post time on local day `day` (whether or not it posts that day).

    A time inside a DST gap maps forward (02:30 → 03:30 local); a repeated time maps to its first
    occurrence (zoneinfo's fold=0)."""
    wall = time(config.post_time.hour, config.post_time.minute)
    return datetime.combine(day, wall, tzinfo=zone(config.timezone)).astimezone(UTC)


def next_post_time(config: DailyConfig, after: datetime) -> datetime | None:
    """The first posting instant strictly after `after`, or None when the channel posts on no weekday."""
    if not config.weekdays:
        return None
    first = local_date(after, config.timezone) - timedelta(days=1)
    for offset in range(9):
        day = first + timedelta(days=offset)
        if posts_on(config, day):
            slot = slot_on(config, day)
            if slot > as_utc(after):
                return slot
    return None


def todays_slot(config: DailyConfig, now: datetime) -> datetime | None:
    """Today's posting instant in the channel's timezone, or None when today is not a posting day."""
    today = local_date(now, config.timezone)
    return slot_on(config, today) if posts_on(config, today) else None


def catch_up_due(
    config: DailyConfig, now: datetime, posted_today: bool, grace: timedelta = DEFAULT_CATCH_UP_GRACE
) -> bool:
    """Whether the channel should get today's question now: it is enabled, today is a posting day whose
    post time has passed (in the channel's timezone) at most `grace` ago, and today has no post yet.

    Only *today's* slot counts, so however long the bot was down, a channel gets at most one post: a week
    offline never produces a week of questions, and a slot missed by more than `grace` is skipped."""
    if not config.enabled or posted_today:
        return False
    slot = todays_slot(config, now)
    if slot is None:
        return False
    late = as_utc(now) - slot
    return timedelta(0) <= late <= grace


def still_today(config: DailyConfig, now: datetime, grace: timedelta = DEFAULT_CATCH_UP_GRACE) -> bool:
    """Whether a retry at `now` would still be a post for today's slot (inside the catch-up window)."""
    return catch_up_due(config, now, posted_today=False, grace=grace)


def reveal_time(post: DailyPost, config: DailyConfig | None) -> datetime:
    """When the answer of `post` comes out: its `reveal_at` (posted time + reveal_after), or the channel's
    next post if that comes first, so a channel never shows two open questions at once. Without a config
    (or when the channel was switched off) only `reveal_at` counts."""
    due = as_utc(post.reveal_at)
    if config is None or not config.enabled or config.channel_ref != post.channel_ref:
        return due
    following = next_day_slot(config, post.local_date)
    return min(due, following) if following is not None else due


def next_day_slot(config: DailyConfig, day: date) -> datetime | None:
    """The posting instant of the first posting day after local day `day` (an early "post now" on `day`
    does not move it)."""
    for offset in range(1, 8):
        candidate = day + timedelta(days=offset)
        if posts_on(config, candidate):
            return slot_on(config, candidate)
    return None


def retry_delay(
    failures: int, base: timedelta = DEFAULT_RETRY_BASE, cap: timedelta = DEFAULT_RETRY_CAP
) -> timedelta:
    """Exponential back-off after `failures` consecutive failed posts (1 → base, 2 → 2×base, ...)."""
    if failures <= 0:
        return timedelta(0)
    exponent = min(failures - 1, 20)
    return min(base * (2**exponent), cap)


def validate_grace(grace: timedelta) -> timedelta:
    """A catch-up grace must be positive and shorter than a day (a day or more would reach into the next
    slot's day and blur "today")."""
    if not timedelta(0) < grace <= MAX_CATCH_UP_GRACE:
        raise InvalidInput("The catch-up grace must be more than zero and at most 23 hours.")
    return grace
