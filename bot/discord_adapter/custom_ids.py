"""Custom ids of our buttons and modals: everything a handler needs travels in the id itself.

Discord gives a component interaction nothing but its custom id (≤ 100 characters) and the message, so the
id carries the action, the player it belongs to and the question (or attempt, or daily post). That makes
buttons work after a restart (no in-memory state) and makes modal ids unique per player and question.
Question ids longer than `MAX_QID` travel as a short hash (`#` + 16 hex digits) and are compared by hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

PREFIX = "iq"
MODAL_PREFIX = "iqm"
MAX_CUSTOM_ID = 100
MAX_QID = 60
SEP = ":"

BUTTON_TEMPLATE = rf"{PREFIX}:(?P<action>[a-z]+)(?::(?P<args>[^\s]*))?"
_PART = re.compile(r"^[A-Za-z0-9#_.\-]+$")


def question_ref(question_id: str) -> str:
    """The question id when it is short and safe, else `#` + a hash of it."""
    if len(question_id) <= MAX_QID and _PART.match(question_id) and not question_id.startswith("#"):
        return question_id
    return "#" + hashlib.sha256(question_id.encode("utf-8")).hexdigest()[:16]


def refers_to(ref: str, question_id: str) -> bool:
    """Whether a carried question reference names this question."""
    return ref == question_ref(question_id)


@dataclass(frozen=True)
class CustomId:
    """A parsed id: `action` and its positional `args` (user id first where a player owns the component)."""

    action: str
    args: tuple[str, ...]

    def arg(self, index: int) -> str:
        return self.args[index] if index < len(self.args) else ""

    def int_arg(self, index: int) -> int | None:
        value = self.arg(index)
        return int(value) if value.isdigit() and len(value) < 20 else None


def button_id(action: str, *args: object) -> str:
    return _join(PREFIX, action, args)


def modal_id(action: str, *args: object) -> str:
    return _join(MODAL_PREFIX, action, args)


def _join(prefix: str, action: str, args: tuple[object, ...]) -> str:
    parts = [prefix, action, *(str(a) for a in args)]
    for part in parts[1:]:
        if not _PART.match(part):
            raise ValueError(f"custom id part {part[:40]!r} is not [A-Za-z0-9#_.-]+")
    text = SEP.join(parts)
    if len(text) > MAX_CUSTOM_ID:
        raise ValueError(f"custom id is {len(text)} characters; Discord allows {MAX_CUSTOM_ID}")
    return text


def parse(custom_id: str, prefix: str = PREFIX) -> CustomId | None:
    """The action and arguments of one of our ids, or None for anything else (never raises)."""
    if not isinstance(custom_id, str) or len(custom_id) > MAX_CUSTOM_ID:
        return None
    parts = custom_id.split(SEP)
    if len(parts) < 2 or parts[0] != prefix or not parts[1]:
        return None
    return CustomId(parts[1], tuple(parts[2:]))
