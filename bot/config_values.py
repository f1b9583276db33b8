"""Parsers for setting values that pydantic does not know: URLs kept as typed, IANA timezones, durations
like `3h`, comma lists of ids. Each raises `ValueError` with a sentence an operator understands, which
`bot.config_check` shows next to the variable's name."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import InvalidInput
from bot.core.schedule import validate_grace


def check_url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    """`value` unchanged when it is an absolute URL with one of `schemes` and a host; None stays None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise ValueError(f"not a valid URL: {text[:100]!r}") from None
    if parts.scheme.lower() not in schemes or not parts.hostname:
        wanted = " or ".join(f"{s}://" for s in schemes)
        raise ValueError(f"must be an absolute {wanted} URL, not {text[:100]!r}")
    return text


def check_timezone(value: str) -> str:
    """An IANA timezone name such as `Europe/Paris` or `UTC`."""
    text = value.strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        wanted = "use an IANA name like UTC or Europe/Paris"
        raise ValueError(f"unknown timezone {text[:60]!r}; {wanted}") from None
    return text


def parse_grace(value: object) -> object:
    """`3h`, `90m`, `1h30m` (or seconds as a number) into a timedelta inside the allowed catch-up window."""
    if isinstance(value, timedelta):
        grace = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        grace = timedelta(seconds=value)
    elif isinstance(value, str):
        grace = parse_duration(value)
    else:
        return value
    try:
        return validate_grace(grace)
    except InvalidInput as err:
        raise ValueError(err.message) from None


_DURATION = re.compile(r"(?:(\d{1,4})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?")


def parse_duration(text: str) -> timedelta:
    """`3h`, `90m`, `1h30m`, `45s`, `1d`, or a bare number of seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    try:
        return timedelta(seconds=float(cleaned))
    except (ValueError, OverflowError):
        pass
    parts = _DURATION.fullmatch(cleaned)
    if not cleaned or parts is None or not any(parts.groups()):
        raise ValueError(f"give a duration like 3h, 90m or 1h30m, not {text[:30]!r}")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in parts.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def split_ids(value: object) -> object:
    """`0,2,4` or `0 2 4` into a tuple of whole numbers; empty means unset."""
    if not isinstance(value, str):
        return value
    parts = [p for p in value.replace(",", " ").split() if p]
    if not parts:
        return None
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"must be whole numbers separated by commas, not {value[:60]!r}") from None
