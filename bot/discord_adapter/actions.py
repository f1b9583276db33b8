"""What our buttons and modals do, routed by the action in their custom id.

Nothing here depends on state in memory: the custom id names the player, the question (or attempt, or
daily post), and the service holds the rest. A button that opens a modal answers with the modal at once
(no database work before it); every other handler defers before touching the service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.core.errors import InvalidInput, PermissionDenied, StaleQuestion, StorageUnavailable
from bot.core.model import Player
from bot.core.views import Feedback, QuestionView
from bot.discord_adapter import custom_ids as ids
from bot.discord_adapter.components import (
    ANSWER_INPUT,
    REASON_INPUT,
    answer_modal,
    appeal_modal,
    daily_choice_view,
    feedback_view,
    question_view,
    submitted_values,
    uses_buttons,
)
from bot.discord_adapter.context import AdapterContext, context_of, player_of
from bot.discord_adapter.render import feedback_embed, hint_embed, question_embed, skip_text, summary_embed
from bot.discord_adapter.responding import defer, guard, reply
from questions.schema import Question

Handler = Callable[[AdapterContext, discord.Interaction[Any], ids.CustomId], Awaitable[None]]


# --- shared steps -------------------------------------------------------------------------------------


def owner_of(interaction: discord.Interaction[Any], parsed: ids.CustomId) -> Player:
    """The player, who must be the one the component was made for (its first argument)."""
    if parsed.arg(0) != str(interaction.user.id):
        raise PermissionDenied("These buttons belong to someone else; start your own with `/quiz`.")
    return player_of(interaction)


def lookup(ctx: AdapterContext, ref: str, player: Player | None = None) -> Question | None:
    """The question a reference names when it is a plain id, as the player's server sees it (no database
    involved: the server's cached packs)."""
    plain = plain_id(ref)
    if plain is None:
        return None
    try:
        return ctx.service.question(plain, player)
    except Exception:
        return None


async def show_question(
    interaction: discord.Interaction[Any], view: QuestionView, *extra: discord.Embed
) -> None:
    await reply(
        interaction, embeds=[*extra, question_embed(view)], view=question_view(interaction.user.id, view)
    )


async def show_feedback(
    interaction: discord.Interaction[Any], feedback: Feedback, *, daily: bool = False
) -> None:
    embeds = [feedback_embed(feedback, reveal_answer=not daily)]
    if feedback.summary is not None:
        embeds.append(summary_embed(feedback.summary))
    view = None if daily else feedback_view(interaction.user.id, feedback)
    await reply(interaction, embeds=embeds, view=view)


def plain_id(ref: str) -> str | None:
    """The question id a reference carries, or None when it is a hash (a very long id)."""
    return None if not ref or ref.startswith("#") else ref


async def checked_id(ctx: AdapterContext, player: Player, ref: str) -> str:
    """The question id to pass to the service's stale-button check: the carried id, or for a hashed
    reference the current question's id once it matched (`StaleQuestion` otherwise)."""
    plain = plain_id(ref)
    if plain is not None:
        return plain
    current = await ctx.service.current_question(player)
    if not ids.refers_to(ref, current.question.id):
        raise StaleQuestion()
    return current.question.id


async def submit_current(ctx: AdapterContext, player: Player, ref: str, answer: str) -> Feedback:
    """Answer the question the button was made for; the service refuses it (`StaleQuestion`) when another
    question is current by now. A database failure carries the answer text back so it is not lost."""
    try:
        question_id = await checked_id(ctx, player, ref)
    except StorageUnavailable as error:
        raise StorageUnavailable(error.message, unsaved_answer=answer.strip()[:4000] or None) from error
    return await ctx.service.submit(player, answer, question_id)


# --- buttons ------------------------------------------------------------------------------------------


async def _pick(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    await show_feedback(interaction, await submit_current(ctx, player, parsed.arg(1), parsed.arg(2)))


async def _answer(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    question = lookup(ctx, parsed.arg(1), owner_of(interaction, parsed))
    modal_id = ids.modal_id("ans", parsed.arg(0), parsed.arg(1))
    await interaction.response.send_modal(answer_modal(modal_id, question or _placeholder()))


async def _hint(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    hint = await ctx.service.hint(player, await checked_id(ctx, player, parsed.arg(1)))
    await reply(interaction, embeds=[hint_embed(hint)])


async def _skip(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    result = await ctx.service.skip(player, await checked_id(ctx, player, parsed.arg(1)))
    if result.next_question is not None:
        await reply(
            interaction,
            content=skip_text(result),
            embeds=[question_embed(result.next_question)],
            view=question_view(interaction.user.id, result.next_question),
        )
    else:
        embeds = [summary_embed(result.summary)] if result.summary else []
        await reply(interaction, content=skip_text(result), embeds=embeds)


async def _stop(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    await reply(interaction, embeds=[summary_embed(await ctx.service.stop(player))])


async def _next(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    await show_question(interaction, await ctx.service.current_question(player))


async def _appeal(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    owner_of(interaction, parsed)
    attempt_id = parsed.int_arg(1)
    if attempt_id is None:
        raise InvalidInput("This appeal button is damaged; use it from a feedback message.")
    await interaction.response.send_modal(appeal_modal(interaction.user.id, attempt_id))


async def _daily(ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId) -> None:
    """The public Answer button: choices privately as buttons, anything else in a modal."""
    post_id = parsed.int_arg(0)
    if post_id is None:
        raise InvalidInput("This daily question button is damaged.")
    question = lookup(ctx, parsed.arg(1), player_of(interaction))  # only in a server
    user_id = interaction.user.id
    if question is not None and uses_buttons(question):
        await reply(
            interaction,
            content="Your answer is private; only your first answer counts.",
            view=daily_choice_view(user_id, post_id, question),
        )
        return
    modal_id = ids.modal_id("daily", user_id, post_id)
    await interaction.response.send_modal(answer_modal(modal_id, question or _placeholder()))


async def _daily_pick(
    ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId
) -> None:
    player = owner_of(interaction, parsed)
    post_id = parsed.int_arg(1)
    if post_id is None:
        raise InvalidInput("This daily question button is damaged.")
    await defer(interaction)
    await show_feedback(
        interaction, await ctx.service.submit_daily(player, post_id, parsed.arg(2)), daily=True
    )


BUTTONS: dict[str, Handler] = {
    "pick": _pick,
    "ans": _answer,
    "hint": _hint,
    "skip": _skip,
    "stop": _stop,
    "next": _next,
    "appeal": _appeal,
    "daily": _daily,
    "dpick": _daily_pick,
}


# --- modals -------------------------------------------------------------------------------------------


def _text(interaction: discord.Interaction[Any], field: str) -> str:
    return submitted_values(interaction.data).get(field, "")


async def _answer_submitted(
    ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId
) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    feedback = await submit_current(ctx, player, parsed.arg(1), _text(interaction, ANSWER_INPUT))
    await show_feedback(interaction, feedback)


async def _daily_submitted(
    ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId
) -> None:
    player = owner_of(interaction, parsed)
    post_id = parsed.int_arg(1)
    if post_id is None:
        raise InvalidInput("This daily answer form is damaged.")
    await defer(interaction)
    feedback = await ctx.service.submit_daily(player, post_id, _text(interaction, ANSWER_INPUT))
    await show_feedback(interaction, feedback, daily=True)


async def _appeal_submitted(
    ctx: AdapterContext, interaction: discord.Interaction[Any], parsed: ids.CustomId
) -> None:
    player = owner_of(interaction, parsed)
    await defer(interaction)
    appeal = await ctx.service.appeal(player, _text(interaction, REASON_INPUT), parsed.int_arg(1))
    await reply(interaction, content=f"Appeal #{appeal.id} recorded; an admin will review it.")


MODALS: dict[str, Handler] = {
    "ans": _answer_submitted,
    "daily": _daily_submitted,
    "appeal": _appeal_submitted,
}


# --- routing ------------------------------------------------------------------------------------------


async def _route(
    interaction: discord.Interaction[Any], custom_id: str, prefix: str, table: dict[str, Handler]
) -> None:
    async with guard(interaction):
        parsed = ids.parse(custom_id, prefix)
        handler = table.get(parsed.action) if parsed else None
        if parsed is None or handler is None:
            raise InvalidInput("This button is from an older version of the bot; start again with `/quiz`.")
        await handler(context_of(interaction), interaction, parsed)


async def on_button(interaction: discord.Interaction[Any], custom_id: str) -> None:
    await _route(interaction, custom_id, ids.PREFIX, BUTTONS)


async def on_modal(interaction: discord.Interaction[Any]) -> None:
    """Every modal submission with our prefix (modals are not kept in discord.py's store)."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    if custom_id.startswith(ids.MODAL_PREFIX + ids.SEP):
        await _route(interaction, custom_id, ids.MODAL_PREFIX, MODALS)


def _placeholder() -> Question:
    from questions.schema import adhoc_question

    return adhoc_question("Your answer", "-")
