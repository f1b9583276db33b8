"""Time in the team's timezone: local days for streaks, and the start of leaderboard windows.

Teams live in different timezones, so "today" and "this week" depend on the team, not on the server. All
instants stay aware UTC; only day boundaries are computed locally (with zoneinfo, so DST is right).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import InvalidInput
from bot.core.model import Window


class SystemClock:
    """The real clock (the composition root's default; tests inject a fixed one)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or `InvalidInput` naming the problem (e.g. `Europe/Berln`)."""
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > 64:
        raise InvalidInput("Give a timezone such as `UTC` or `Europe/Berlin`.")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(f"Unknown timezone {cleaned!r}; use an IANA name like `Europe/Berlin`.") from None


def as_utc(instant: datetime) -> datetime:
    """The same instant in UTC; a naive value is taken to already be UTC (SQLite drops tzinfo)."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar day `instant` falls on in `timezone`."""
    return as_utc(instant).astimezone(zone(timezone)).date()


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The UTC instant when `day` starts in `timezone`."""
    return datetime.combine(day, time(0, 0), tzinfo=zone(timezone)).astimezone(UTC)


def local_instant_utc(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant of wall-clock time `at` on `day` in `timezone` (DST gaps resolve forward)."""
    # zoneinfo maps a wall time inside a DST gap with the offset before the gap, i.e. forward in time.
    return datetime.combine(day, at, tzinfo=zone(timezone)).astimezone(UTC)


def window_start(window: Window, now: datetime, timezone: str) -> tuple[datetime | None, date | None]:
    """The window's start as (UTC instant, local date); (None, None) for all time."""
    today = local_date(now, timezone)
    if window is Window.ALL:
        return None, None
    if window is Window.DAY:
        start = today
    elif window is Window.WEEK:
        start = today - timedelta(days=today.weekday())
    else:
        start = today.replace(day=1)
    return local_midnight_utc(start, timezone), start


def parse_window(text: str | None) -> Window:
    """`day`/`today`, `week`, `month`, `all`/`all-time` (case-insensitive); empty means all time."""
    cleaned = (text or "all").strip().lower().replace("_", "-")
    aliases = {"today": "day", "daily": "day", "weekly": "week", "monthly": "month", "all-time": "all",
               "alltime": "all", "ever": "all"}
    cleaned = aliases.get(cleaned, cleaned)
    try:
        return Window(cleaned)
    except ValueError:
        raise InvalidInput(
            f"Unknown window {text!r}: use day, week, month or all."[:200]
        ) from None
