"""Buttons and modals whose custom ids carry their whole state, so they outlive the process.

Every button is an `ActionButton`, a `DynamicItem` that discord.py recreates from the custom id of any
message (`iq:<action>:<args>`), whatever process sent it. Modals are sent *stopped*, so discord.py does not
keep them in its in-memory store: their submissions reach `actions.on_modal` through the client's
`on_interaction`, and a modal opened before a restart is still answered after it.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.views import Feedback, QuestionView
from bot.discord_adapter import custom_ids as ids
from bot.discord_adapter.render import truncate
from questions.schema import Kind, Question

BUTTON_LABEL_LIMIT = 80
MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
ANSWER_LIMIT = 4000
REASON_LIMIT = 1000
MAX_OPTION_BUTTONS = 20
ANSWER_INPUT = "answer"
REASON_INPUT = "reason"


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.BUTTON_TEMPLATE):
    """Any of our buttons; `actions.on_button` routes it by the action in its custom id."""

    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        label = getattr(item, "label", None)
        style = getattr(item, "style", discord.ButtonStyle.secondary)
        return cls(discord.ui.Button(label=label, style=style, custom_id=match.string))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        from bot.discord_adapter.actions import on_button

        await on_button(interaction, self.custom_id)


def button(
    custom_id: str,
    label: str,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    *,
    row: int | None = None,
    disabled: bool = False,
) -> ActionButton:
    return ActionButton(
        discord.ui.Button(
            label=truncate(label, BUTTON_LABEL_LIMIT),
            style=style,
            custom_id=custom_id,
            row=row,
            disabled=disabled,
        )
    )


def persistent_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def uses_buttons(question: Question) -> bool:
    """Single choice (with few enough options) and true/false answer by button; the rest by modal."""
    if question.kind == Kind.TRUE_FALSE:
        return True
    return question.kind == Kind.CHOICE and 0 < len(question.options or []) <= MAX_OPTION_BUTTONS


def choice_buttons(question: Question, make_id: Any) -> list[ActionButton]:
    """One button per option (or True/False); `make_id(answer)` gives each button's custom id."""
    if question.kind == Kind.TRUE_FALSE:
        return [
            button(make_id("true"), "True", discord.ButtonStyle.primary, row=0),
            button(make_id("false"), "False", discord.ButtonStyle.primary, row=0),
        ]
    return [
        button(make_id(o.key), f"{o.key.upper()}) {o.text}", discord.ButtonStyle.primary, row=i // 5)
        for i, o in enumerate(question.options or [])
    ]


def question_view(user_id: int, view: QuestionView) -> discord.ui.View:
    """Answer buttons (options, or Answer opening a modal), then Hint, Skip and Stop."""
    question = view.question
    ref = ids.question_ref(question.id)
    if uses_buttons(question):
        items = choice_buttons(question, lambda answer: ids.button_id("pick", user_id, ref, answer))
    else:
        items = [button(ids.button_id("ans", user_id, ref), "Answer", discord.ButtonStyle.primary, row=0)]
    last = 4
    hints_left = view.hints_available - view.hints_used
    items += [
        button(
            ids.button_id("hint", user_id, ref),
            f"Hint ({hints_left} left)",
            row=last,
            disabled=hints_left <= 0,
        ),
        button(ids.button_id("skip", user_id, ref), "Skip", row=last),
        button(ids.button_id("stop", user_id), "Stop", discord.ButtonStyle.danger, row=last),
    ]
    return persistent_view(*items)


def feedback_view(user_id: int, feedback: Feedback) -> discord.ui.View:
    items: list[discord.ui.Item[Any]] = []
    if feedback.next_question is not None:
        items.append(button(ids.button_id("next", user_id), "Next question ▶", discord.ButtonStyle.success))
    items.append(button(ids.button_id("appeal", user_id, feedback.attempt.id), "Appeal the grade"))
    return persistent_view(*items)


def daily_post_view(post_id: int, question: Question) -> discord.ui.View:
    """The public daily post's single button; the answer itself is private."""
    custom_id = ids.button_id("daily", post_id, ids.question_ref(question.id))
    return persistent_view(button(custom_id, "Answer", discord.ButtonStyle.primary))


def daily_choice_view(user_id: int, post_id: int, question: Question) -> discord.ui.View:
    return persistent_view(
        *choice_buttons(question, lambda answer: ids.button_id("dpick", user_id, post_id, answer))
    )


def _modal(custom_id: str, title: str, field: discord.ui.TextInput[Any]) -> discord.ui.Modal:
    modal = discord.ui.Modal(title=truncate(title, MODAL_TITLE_LIMIT), custom_id=custom_id, timeout=None)
    modal.add_item(field)
    modal.stop()  # not kept in discord.py's memory: submissions are routed by custom id (actions.on_modal)
    return modal


def answer_modal(custom_id: str, question: Question) -> discord.ui.Modal:
    field: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label=truncate(question.prompt, INPUT_LABEL_LIMIT),
        custom_id=ANSWER_INPUT,
        style=discord.TextStyle.paragraph,
        max_length=ANSWER_LIMIT,
        required=True,
        placeholder="Your answer" if question.kind == Kind.OPEN else "e.g. 10x10, 0.25, a, c",
    )
    return _modal(custom_id, "Your answer", field)


def appeal_modal(user_id: int, attempt_id: int) -> discord.ui.Modal:
    field: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Why is the grade wrong?",
        custom_id=REASON_INPUT,
        style=discord.TextStyle.paragraph,
        max_length=REASON_LIMIT,
        required=True,
        placeholder="e.g. I did mention vanishing gradients",
    )
    return _modal(ids.modal_id("appeal", user_id, attempt_id), f"Appeal attempt #{attempt_id}", field)


def submitted_values(data: Any) -> dict[str, str]:
    """custom_id → value of every text input in a modal submission, whether Discord nested them in
    action rows (type 1) or labels (type 18)."""
    values: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if isinstance(node.get("custom_id"), str) and isinstance(node.get("value"), str):
                values[node["custom_id"]] = node["value"]
            walk(node.get("components"))
            walk(node.get("component"))

    walk((data or {}).get("components") if isinstance(data, dict) else None)
    return values
