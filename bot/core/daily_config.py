"""Parsing a channel's daily-question settings from what an admin types.

Adapters pass the admin's text through these parsers so that Discord, Slack and the console accept the
same forms (`09:30`, `mon-fri`, `24h`, `cnn,rnn`) and refuse the same mistakes with the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time, timedelta

from bot.core.errors import InvalidInput
from bot.core.selection import parse_topic

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_REVEAL = timedelta(days=7)
MIN_REVEAL = timedelta(minutes=1)


def parse_channel_ref(text: str) -> str:
    """`platform:rest`, e.g. `discord:<guild>/<channel>`; the platform picks the announcer."""
    cleaned = (text or "").strip()
    platform, sep, rest = cleaned.partition(":")
    if not sep or not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", platform) or not rest or len(cleaned) > 300:
        raise InvalidInput("A channel reference looks like `discord:<guild>/<channel>`.")
    return cleaned


def parse_time_of_day(text: str | time) -> time:
    """`HH:MM` on a 24-hour clock."""
    if isinstance(text, time):
        return text.replace(second=0, microsecond=0, tzinfo=None)
    match = re.fullmatch(r"\s*(\d{1,2})[:h.](\d{2})\s*", text or "")
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput(f"Give the time as HH:MM on a 24-hour clock, not {str(text)[:20]!r}.")
    return time(int(match[1]), int(match[2]))


def parse_weekdays(text: str | Iterable[int] | None) -> tuple[int, ...]:
    """Days the question is posted (Monday=0): `daily`, `weekdays`, `mon-fri`, `mon,wed,fri`."""
    if text is None:
        return tuple(range(7))
    if not isinstance(text, str):
        days = sorted(set(text))
        if not days or any(not 0 <= d <= 6 for d in days):
            raise InvalidInput("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")
        return tuple(days)
    cleaned = text.strip().lower()
    if cleaned in ("", "daily", "every day", "everyday", "all"):
        return tuple(range(7))
    if cleaned in ("weekdays", "workdays"):
        return (0, 1, 2, 3, 4)
    if cleaned == "weekends":
        return (5, 6)
    chosen: set[int] = set()
    for part in re.split(r"[,\s]+", cleaned):
        if not part:
            continue
        first, _, last = part.partition("-")
        start, end = _day(first), _day(last or first)
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
        chosen.update(span)
    return tuple(sorted(chosen))


def _day(name: str) -> int:
    key = name.strip()[:3]
    if key not in DAY_NAMES:
        raise InvalidInput(f"Unknown weekday {name[:20]!r}; use mon, tue, wed, thu, fri, sat, sun.")
    return DAY_NAMES.index(key)


def parse_topics(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Comma- or space-separated topics (prefixes allowed); empty means every topic."""
    if text is None:
        return ()
    parts = re.split(r"[,\s]+", text) if isinstance(text, str) else list(text)
    topics = [parse_topic(p) for p in parts if p and p.strip()]
    return tuple(dict.fromkeys(t.value for t in topics if t is not None))


def parse_duration(text: str | timedelta | None, default: timedelta = timedelta(hours=24)) -> timedelta:
    """`24h`, `90m`, `1d`, `1h30m` or a timedelta, between a minute and a week."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return default
    if isinstance(text, timedelta):
        value = text
    else:
        cleaned = text.strip().lower().replace(" ", "")
        parts = re.fullmatch(r"(?:(\d{1,3})d)?(?:(\d{1,4})h)?(?:(\d{1,5})m)?", cleaned)
        if not cleaned or not parts or not any(parts.groups()):
            raise InvalidInput(f"Give a duration like 24h, 90m or 1d, not {text[:20]!r}.")
        days, hours, minutes = (int(g) if g else 0 for g in parts.groups())
        value = timedelta(days=days, hours=hours, minutes=minutes)
    if not MIN_REVEAL <= value <= MAX_REVEAL:
        raise InvalidInput("The reveal delay must be between 1 minute and 7 days.")
    return value
