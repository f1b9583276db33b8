"""Parsing the text after a slash command: `/quiz cnn senior 3`, `/daily set #ml 09:30 Europe/Paris cnn 12h`.

Words are recognised by what they are (a number, a difficulty, a kind, a duration, days of the week) rather
than by position, so admins can leave optional parts out; the core's own parsers decide what is valid and
supply the error messages, so every adapter refuses the same mistakes the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.daily_config import parse_weekdays
from bot.core.errors import InvalidInput
from bot.core.selection import parse_difficulty, parse_kind, parse_topic

MAX_TEXT = 2000
WINDOWS = ("day", "week", "month", "all")
_CHANNEL_MENTION = re.compile(r"^<#([A-Z0-9]{2,30})(?:\|[^>]*)?>$")
_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{5,30}$")
_DURATION = re.compile(r"^(?:\d{1,3}d)?(?:\d{1,4}h)?(?:\d{1,5}m)?$")


def words(text: str | None) -> list[str]:
    return (text or "")[:MAX_TEXT].split()


def _accepts(parser: object, word: str) -> bool:
    try:
        return parser(word) is not None  # type: ignore[operator]
    except InvalidInput:
        return False


@dataclass(frozen=True)
class QuizArgs:
    topic: str | None = None
    difficulty: str | None = None
    kind: str | None = None
    count: str | None = None


def parse_quiz(text: str | None) -> QuizArgs:
    """`[topic] [difficulty] [kind] [count]` in any order; an unknown word is passed on as the topic so the
    core names the valid topics."""
    topic = difficulty = kind = count = None
    for word in words(text):
        if word.isdigit() and count is None:
            count = word
        elif difficulty is None and _accepts(parse_difficulty, word):
            difficulty = word
        elif kind is None and _accepts(parse_kind, word):
            kind = word
        elif topic is None:
            topic = word
        else:
            raise InvalidInput(f"I don't understand {word[:40]!r}. "
                               "Usage: `/quiz [topic] [difficulty] [count]`.")
    return QuizArgs(topic, difficulty, kind, count)


@dataclass(frozen=True)
class BoardArgs:
    window: str | None = None
    topic: str | None = None
    group: str | None = None


def parse_leaderboard(text: str | None) -> BoardArgs:
    """`[day|week|month|all] [topic] [group NAME | NAME]`."""
    window = topic = None
    rest: list[str] = []
    items = words(text)
    for i, word in enumerate(items):
        lowered = word.lower()
        if lowered in ("group", "group:") and i + 1 < len(items):
            rest = items[i + 1:]
            break
        if lowered.startswith("group:") and len(word) > 6:
            rest = [word[6:], *items[i + 1:]]
            break
        if window is None and lowered in WINDOWS:
            window = lowered
        elif topic is None and _accepts(parse_topic, word):
            topic = word
        else:
            rest = items[i:]
            break
    return BoardArgs(window, topic, " ".join(rest) or None)


def parse_channel(word: str | None, current_id: str, current_name: str) -> str:
    """A channel id from `<#C123|name>` (Slack's escaped mention), `C123`, `here`, or `#name` of the
    channel the command was typed in."""
    if word is None or word.lower() in ("here", "this"):
        return current_id
    mention = _CHANNEL_MENTION.match(word)
    if mention:
        return mention[1]
    if _CHANNEL_ID.match(word):
        return word
    if word.lstrip("#").lower() == (current_name or "").lower() and current_id:
        return current_id
    raise InvalidInput(
        f"I can't tell which channel {word[:40]!r} is. Mention it as #channel (with 'Escape channels' on "
        "in the command's settings), or run the command in that channel with `here`."
    )


@dataclass(frozen=True)
class DailyArgs:
    channel: str
    post_time: str
    timezone: str
    topics: str | None = None
    difficulty: str | None = None
    reveal_after: str | None = None
    weekdays: str | None = None


def parse_daily_set(items: list[str], current_id: str, current_name: str) -> DailyArgs:
    """`#channel HH:MM timezone [topics] [difficulty] [reveal_after] [days]` (also `key=value`)."""
    if len(items) < 3:
        raise InvalidInput("Usage: `/daily set #channel HH:MM timezone [topics] [difficulty] "
                           "[reveal_after]`, e.g. `/daily set #ml 09:30 Europe/Paris cnn,rnn senior 12h`.")
    channel = parse_channel(items[0], current_id, current_name)
    found: dict[str, str] = {}
    topics: list[str] = []
    for word in items[3:]:
        key, sep, value = word.partition("=")
        if sep and key.lower() in ("topics", "difficulty", "reveal", "reveal_after", "days"):
            found["reveal_after" if key.lower().startswith("reveal") else key.lower()] = value
        elif "difficulty" not in found and _accepts(parse_difficulty, word):
            found["difficulty"] = word
        elif "reveal_after" not in found and _DURATION.match(word.lower()) and any(c.isdigit() for c in word):
            found["reveal_after"] = word
        elif "days" not in found and not _accepts(parse_topic, word.split(",")[0]) and _weekdays(word):
            found["days"] = word
        else:
            topics.append(word)
    if topics and "topics" not in found:
        found["topics"] = ",".join(topics)
    return DailyArgs(channel, items[1], items[2], found.get("topics"), found.get("difficulty"),
                     found.get("reveal_after"), found.get("days"))


def _weekdays(word: str) -> bool:
    try:
        parse_weekdays(word)
    except InvalidInput:
        return False
    return True
