"""Action, callback and block ids shared by the renderers and the listeners.

Buttons carry what they act on in their `value` (a question id, a daily post id, an attempt id), so a click
on an old message still names its subject after a restart or on another process.
"""

from __future__ import annotations

import re

QUIZ_CHOICE = "quiz_choice"
"""Prefix: `quiz_choice:<option key>` (action ids must be unique inside one actions block)."""
QUIZ_CHOICE_PATTERN = re.compile(r"^quiz_choice:[a-z]+$")
QUIZ_ANSWER = "quiz_answer"
QUIZ_HINT = "quiz_hint"
QUIZ_SKIP = "quiz_skip"
QUIZ_STOP = "quiz_stop"
QUIZ_NEXT = "quiz_next"
QUIZ_APPEAL = "quiz_appeal"
DAILY_ANSWER = "daily_answer"
APPEAL_ACCEPT = "appeal_accept"
APPEAL_REJECT = "appeal_reject"

QUIZ_MODAL = "quiz_answer_modal"
DAILY_MODAL = "daily_answer_modal"
APPEAL_MODAL = "appeal_modal"
PACK_MODAL = "pack_upload_modal"

ANSWER_BLOCK = "answer"
ANSWER_INPUT = "answer_input"
REASON_BLOCK = "reason"
REASON_INPUT = "reason_input"
PACK_BLOCK = "pack_yaml"
PACK_INPUT = "pack_yaml_input"

PLATFORM = "slack"


def channel_ref(team_id: str, channel_id: str) -> str:
    """The core's namespaced channel reference: `slack:<team>/<channel>`."""
    return f"{PLATFORM}:{team_id}/{channel_id}"


def split_channel_ref(ref: str) -> tuple[str, str]:
    """(team_id, channel_id) of `slack:<team>/<channel>`; ValueError for anything else."""
    platform, _, rest = ref.partition(":")
    team, _, channel = rest.partition("/")
    if platform != PLATFORM or not team or not channel:
        raise ValueError(f"not a Slack channel reference: {ref[:100]!r}")
    return team, channel


def message_ref(channel_id: str, ts: str) -> str:
    """The platform message reference the core stores: `<channel>:<ts>`."""
    return f"{channel_id}:{ts}"


def split_message_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    if not channel or not ts:
        raise ValueError(f"not a Slack message reference: {ref[:100]!r}")
    return channel, ts
