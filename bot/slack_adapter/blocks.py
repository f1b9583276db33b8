"""Block Kit primitives that enforce Slack's limits and never let user text ping anyone.

Slack parses `<!channel>`, `<!here>`, `<@U…>` and links inside mrkdwn and a message's top-level `text`;
escaping `&`, `<` and `>` turns them into plain characters. Bare `@channel`/`@here`/`@everyone` get a word
joiner after the `@` in case a client runs with `link_names`. Every builder truncates to the documented
limits, so a 4,000-character answer or a huge pack cannot make Slack reject the whole message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

Block = dict[str, Any]

SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
CONTEXT_TEXT = 2000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
ACTIONS_ELEMENTS = 25
FALLBACK_TEXT = 3000
MODAL_TITLE = 24
INPUT_LABEL = 2000
INPUT_MAX = 3000
PRIVATE_METADATA = 3000
ERROR_TEXT = 2000

ELLIPSIS = "…"
_BARE_MENTION = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """User text made inert in mrkdwn: `&`, `<`, `>` escaped, bare broadcast mentions broken."""
    cleaned = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BARE_MENTION.sub("@\u2060\\1", cleaned)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending with an ellipsis when cut, never inside an `&...;` entity."""
    if len(text) <= limit:
        return text
    cut = _PARTIAL_ENTITY.sub("", text[: max(limit - 1, 0)])
    return cut + ELLIPSIS


def safe(text: str, limit: int = SECTION_TEXT) -> str:
    """Escaped then truncated: for user text inside mrkdwn."""
    return truncate(escape(text), limit)


def plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": truncate(str(text) or " ", limit), "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def section(mrkdwn: str) -> Block:
    """A section of already-escaped mrkdwn (escape user parts with `safe` before joining them)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn or " ", SECTION_TEXT)}}


def context(*mrkdwn: str) -> Block:
    elements = [{"type": "mrkdwn", "text": truncate(m, CONTEXT_TEXT)} for m in mrkdwn if m][:10]
    return {"type": "context", "elements": elements or [{"type": "mrkdwn", "text": " "}]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT),
        "action_id": action_id[:255],
        "value": value[:BUTTON_VALUE],
    }
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def actions(elements: Sequence[Block], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:ACTIONS_ELEMENTS]}
    if block_id:
        block["block_id"] = block_id[:255]
    return block


def code(text: str, limit: int = SECTION_TEXT) -> str:
    """A preformatted block of escaped text (backticks inside are kept from closing it)."""
    body = escape(text).replace("```", "`\u200b``")
    return "```" + truncate(body, limit - 6) + "```"


def bullets(items: Iterable[str], limit: int = SECTION_TEXT) -> str:
    return truncate("\n".join(f"• {escape(item)}" for item in items), limit)


def message(blocks: Sequence[Block], text: str) -> dict[str, Any]:
    """A message body: at most 50 blocks and an escaped fallback `text` for notifications."""
    kept = list(blocks)
    if len(kept) > MESSAGE_BLOCKS:
        kept = [*kept[: MESSAGE_BLOCKS - 1], context("_(shortened: Slack shows at most 50 blocks)_")]
    return {"blocks": kept, "text": safe(text, FALLBACK_TEXT)}


def metadata(data: dict[str, Any]) -> str:
    """Compact JSON for a modal's private_metadata; oversized values are dropped rather than cut mid-JSON."""
    encoded = json.dumps(data, separators=(",", ":"))
    if len(encoded) <= PRIVATE_METADATA:
        return encoded
    slim = {k: v for k, v in data.items() if len(json.dumps(v)) < 200}
    return json.dumps(slim, separators=(",", ":"))[:PRIVATE_METADATA]


def read_metadata(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
