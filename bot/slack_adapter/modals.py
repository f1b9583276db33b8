"""Modal views (answer, appeal, pack upload) and reading what the user submitted in them.

Inputs are shaped by the question kind: radio buttons for one choice or true/false, checkboxes for a
multi-choice question with at most ten options, otherwise a multiline text input capped at Slack's 3,000
characters. `read_answer` turns the submitted state back into the text the checker grades.
"""

from __future__ import annotations

from typing import Any

from bot.slack_adapter import ids
from bot.slack_adapter.blocks import (
    INPUT_MAX,
    MODAL_TITLE,
    OPTION_TEXT,
    Block,
    metadata,
    plain,
    section,
    truncate,
)
from bot.slack_adapter.render import question_body
from questions.schema import Kind, Question

View = dict[str, Any]
MAX_SELECT_OPTIONS = 10
PLACEHOLDERS = {
    Kind.NUMERIC: "A number; units and shapes like 10x10 are fine",
    Kind.MATCHING: "Pairs, one `left - right` per comma",
    Kind.MULTI_CHOICE: "Every right letter, e.g. a, c",
}


def _option(text: str, value: str) -> Block:
    return {"text": plain(text, OPTION_TEXT), "value": value[:150]}


def answer_element(question: Question) -> Block:
    options = question.options or []
    if question.kind is Kind.TRUE_FALSE:
        return {"type": "radio_buttons", "action_id": ids.ANSWER_INPUT,
                "options": [_option("True", "true"), _option("False", "false")]}
    if question.kind is Kind.CHOICE and 0 < len(options) <= MAX_SELECT_OPTIONS:
        return {"type": "radio_buttons", "action_id": ids.ANSWER_INPUT,
                "options": [_option(f"{o.key}) {o.text}", o.key) for o in options]}
    if question.kind is Kind.MULTI_CHOICE and 0 < len(options) <= MAX_SELECT_OPTIONS:
        return {"type": "checkboxes", "action_id": ids.ANSWER_INPUT,
                "options": [_option(f"{o.key}) {o.text}", o.key) for o in options]}
    return {
        "type": "plain_text_input",
        "action_id": ids.ANSWER_INPUT,
        "multiline": question.kind is not Kind.NUMERIC,
        "max_length": INPUT_MAX,
        "placeholder": plain(PLACEHOLDERS.get(question.kind, "Your answer in a sentence or two"), 150),
    }


def answer_modal(
    question: Question, callback_id: str, meta: dict[str, Any], title: str = "Your answer"
) -> View:
    blocks = [*question_body(question)][:90]
    blocks.append({
        "type": "input",
        "block_id": ids.ANSWER_BLOCK,
        "label": plain("Answer", 2000),
        "element": answer_element(question),
    })
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata(meta),
        "title": plain(title, MODAL_TITLE),
        "submit": plain("Submit", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": blocks,
    }


def read_answer(values: dict[str, Any]) -> str:
    """The submitted answer as text: the typed value, the chosen option, or the chosen letters joined."""
    state = (values.get(ids.ANSWER_BLOCK) or {}).get(ids.ANSWER_INPUT) or {}
    if not isinstance(state, dict):
        return ""
    if state.get("selected_options") is not None:
        chosen = [str(o.get("value", "")) for o in state["selected_options"] if isinstance(o, dict)]
        return ", ".join(c for c in chosen if c)
    if isinstance(state.get("selected_option"), dict):
        return str(state["selected_option"].get("value", ""))
    value = state.get("value")
    return value if isinstance(value, str) else ""


def read_text(values: dict[str, Any], block_id: str, action_id: str) -> str:
    state = (values.get(block_id) or {}).get(action_id) or {}
    value = state.get("value") if isinstance(state, dict) else None
    return value if isinstance(value, str) else ""


def appeal_modal(attempt_id: int, meta: dict[str, Any]) -> View:
    return {
        "type": "modal",
        "callback_id": ids.APPEAL_MODAL,
        "private_metadata": metadata({**meta, "attempt": attempt_id}),
        "title": plain("Appeal the grade", MODAL_TITLE),
        "submit": plain("Send", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section("Tell the admins why your answer deserves a better grade."),
            {"type": "input", "block_id": ids.REASON_BLOCK, "label": plain("Reason", 2000),
             "element": {"type": "plain_text_input", "action_id": ids.REASON_INPUT, "multiline": True,
                         "max_length": 1000}},
        ],
    }


def pack_modal() -> View:
    return {
        "type": "modal",
        "callback_id": ids.PACK_MODAL,
        "title": plain("Upload a pack", MODAL_TITLE),
        "submit": plain("Validate & add", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section("Paste a question pack in YAML (`pack`, `title`, `questions`). It is validated first; "
                    "problems are listed with their line numbers."),
            {"type": "input", "block_id": ids.PACK_BLOCK, "label": plain("Pack YAML", 2000),
             "element": {"type": "plain_text_input", "action_id": ids.PACK_INPUT, "multiline": True,
                         "max_length": INPUT_MAX}},
        ],
    }


def notice_view(title: str, text: str) -> View:
    """A modal that replaces the submitted one (`response_action="update"`) to show an outcome."""
    return {
        "type": "modal",
        "title": plain(title, MODAL_TITLE),
        "close": plain("Close", MODAL_TITLE),
        "blocks": [section(truncate(text, 3000))],
    }
