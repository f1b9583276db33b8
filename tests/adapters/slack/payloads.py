"""Request bodies shaped as Slack sends them, and their signatures.

Slash commands are flat form fields; interactivity (block_actions, view_submission) is one form field
`payload` holding JSON; the Events API posts JSON. Over HTTP every body is signed with the app's signing
secret (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>`); over Socket Mode the same payloads travel in
envelopes without a signature.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.adapters.slack.fake_slack import TEAM_ID

SIGNING_SECRET = "fake-signing-secret"
API_APP_ID = "A111"
CHANNEL_ID = "C0GENERAL"
CHANNEL_NAME = "general"

_counter = itertools.count(1)

JsonDict = dict[str, Any]


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str, content_type: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts, secret),
    }


def new_trigger_id() -> str:
    return f"{next(_counter)}.{int(time.time())}.fake{next(_counter):06d}"


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    team_id: str = TEAM_ID


@dataclass(frozen=True)
class Outgoing:
    """One request Slack would send: `kind` is the Socket Mode envelope type, `payload` its JSON, `body` and
    `content_type` the HTTP form of the same request."""

    kind: str
    payload: JsonDict
    body: str
    content_type: str


FORM = "application/x-www-form-urlencoded"


def slash_command(
    command: str,
    text: str,
    user: SlackUser,
    response_url: str,
    *,
    channel_id: str = CHANNEL_ID,
    channel_name: str = CHANNEL_NAME,
    trigger_id: str | None = None,
) -> Outgoing:
    fields = {
        "token": "legacy-verification-token",
        "team_id": user.team_id,
        "team_domain": "fake",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return Outgoing("slash_commands", dict(fields), urlencode(fields), FORM)


def _interactive(payload: JsonDict) -> Outgoing:
    return Outgoing("interactive", payload, urlencode({"payload": json.dumps(payload)}), FORM)


def block_actions(
    action_id: str,
    value: str,
    user: SlackUser,
    response_url: str,
    *,
    channel_id: str = CHANNEL_ID,
    message_ts: str = "1700000000.000100",
    is_ephemeral: bool = True,
    trigger_id: str | None = None,
    block_id: str = "actions",
    action_type: str = "button",
) -> Outgoing:
    action: JsonDict = {
        "type": action_type,
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
        "value": value,
        "action_ts": f"{time.time():.6f}",
    }
    payload: JsonDict = {
        "type": "block_actions",
        "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id},
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        },
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": user.team_id, "domain": "fake"},
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": CHANNEL_NAME},
        "message": {"type": "message", "ts": message_ts, "text": "", "blocks": []},
        "response_url": response_url,
        "actions": [action],
    }
    return _interactive(payload)


def view_submission(
    callback_id: str,
    values: JsonDict,
    user: SlackUser,
    *,
    private_metadata: str = "",
    trigger_id: str | None = None,
    view_id: str | None = None,
) -> Outgoing:
    """`values` is `state.values`: {block_id: {action_id: {"type": ..., "value" | "selected_option(s)"}}}."""
    payload: JsonDict = {
        "type": "view_submission",
        "team": {"id": user.team_id, "domain": "fake"},
        "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id},
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": view_id or f"V{next(_counter):08d}",
            "team_id": user.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "156772938.1827394",
            "title": {"type": "plain_text", "text": "Answer"},
            "app_id": API_APP_ID,
            "bot_id": "BFAKE01",
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return _interactive(payload)


def text_value(block_id: str, action_id: str, value: str) -> JsonDict:
    return {block_id: {action_id: {"type": "plain_text_input", "value": value}}}


def event_callback(event: JsonDict, *, event_id: str | None = None, team_id: str = TEAM_ID) -> Outgoing:
    payload: JsonDict = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "UBOT0001", "is_bot": True}],
    }
    return Outgoing("events_api", payload, json.dumps(payload), "application/json")


def app_home_opened(user: SlackUser, *, event_id: str | None = None) -> Outgoing:
    event = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": "D" + user.id[1:],
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    return event_callback(event, event_id=event_id, team_id=user.team_id)
