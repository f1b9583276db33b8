"""Choosing questions: parse what the player asked for, and pick fresh questions first.

Players type filters by hand (`quiz cnn senior 3`, `quiz rnn`), so a unique prefix of a topic, difficulty
or kind is accepted, and anything else is refused with the list of valid values.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TypeVar

from bot.core.errors import InvalidInput, NoQuestions, UnknownTopic
from bot.core.model import QuizFilters
from questions.schema import Difficulty, Kind, Question, Topic

MAX_COUNT = 50


E = TypeVar("E", bound=StrEnum)


def _match(enum: type[E], text: str | None, what: str, error: type[InvalidInput]) -> E | None:
    if text is None or not str(text).strip():
        return None
    cleaned = str(text).strip().lower().replace("_", "-").replace(" ", "-")[:60]
    values = [member for member in enum]
    for member in values:
        if member.value == cleaned:
            return member
    prefixed = [member for member in values if member.value.startswith(cleaned)]
    if len(prefixed) == 1:
        return prefixed[0]
    valid = ", ".join(member.value for member in values)
    raise error(f"Unknown {what} {str(text).strip()[:60]!r}; choose one of: {valid}.")


def parse_topic(text: str | None) -> Topic | None:
    return _match(Topic, text, "topic", UnknownTopic)


def parse_difficulty(text: str | None) -> Difficulty | None:
    return _match(Difficulty, text, "difficulty", InvalidInput)


def parse_kind(text: str | None) -> Kind | None:
    return _match(Kind, text, "kind", InvalidInput)


def parse_count(value: int | str | None, default: int) -> int:
    """A question count between 1 and `MAX_COUNT`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        count = int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"The count must be a whole number from 1 to {MAX_COUNT}.") from None
    if not 1 <= count <= MAX_COUNT:
        raise InvalidInput(f"The count must be a whole number from 1 to {MAX_COUNT}.")
    return count


def parse_filters(topic: str | None, difficulty: str | None, kind: str | None) -> QuizFilters:
    t, d, k = parse_topic(topic), parse_difficulty(difficulty), parse_kind(kind)
    return QuizFilters(
        topic=t.value if t else None, difficulty=d.value if d else None, kind=k.value if k else None
    )


def matching(
    questions: Iterable[Question], filters: QuizFilters, topics: Sequence[str] = ()
) -> list[Question]:
    """Questions that pass the filters; `topics` (a daily channel's list) keeps those sharing one topic."""
    wanted = set(topics)
    return [
        q
        for q in questions
        if (filters.topic is None or filters.topic in q.topics)
        and (filters.difficulty is None or q.difficulty == filters.difficulty)
        and (filters.kind is None or q.kind == filters.kind)
        and (not wanted or wanted.intersection(q.topics))
    ]


def describe(filters: QuizFilters) -> str:
    parts = [p for p in (filters.topic, filters.difficulty, filters.kind) if p]
    return " / ".join(parts) if parts else "any question"


def pick(candidates: Sequence[Question], avoid: set[str], count: int, rng: random.Random) -> list[Question]:
    """`count` questions, those whose id is not in `avoid` first, each group in random order."""
    if not candidates:
        raise NoQuestions()
    if count == 1:  # the daily post's case, once per channel in a fan-out: no shuffles
        fresh = [q for q in candidates if q.id not in avoid]
        return [rng.choice(fresh or list(candidates))]
    fresh = [q for q in candidates if q.id not in avoid]
    seen = [q for q in candidates if q.id in avoid]
    rng.shuffle(fresh)
    rng.shuffle(seen)
    return (fresh + seen)[:count]


def no_questions(filters: QuizFilters) -> NoQuestions:
    return NoQuestions(f"No question matches {describe(filters)}. Try another topic or difficulty.")
