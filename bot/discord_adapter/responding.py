"""Answering an interaction: defer before slow work, send or follow up, and never fail silently.

Discord wants a first response within 3 s; anything touching the database or the checker defers first
("thinking"), then follows up. `guard` turns core errors into a clear ephemeral message and logs anything
else with its context before telling the user, so a click never ends in Discord's "interaction failed".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import discord

from bot.core.errors import CoreError, StorageUnavailable
from bot.discord_adapter.render import NO_MENTIONS, code_block, error_embed, message_text

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on our side (reference `{ref}`); it has been logged. Please try again."


async def defer(interaction: discord.Interaction[Any], *, ephemeral: bool = True) -> None:
    """Acknowledge now (a "thinking…" placeholder) so slow work cannot miss Discord's 3 s deadline."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def reply(
    interaction: discord.Interaction[Any],
    *,
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
    ephemeral: bool = True,
) -> None:
    """Send the response, or a follow-up once the interaction was answered or deferred; never pings."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS, "ephemeral": ephemeral}
    if content:
        kwargs["content"] = message_text(content)
    if embeds:
        kwargs["embeds"] = list(embeds)[:10]
    if view is not None:
        kwargs["view"] = view
    if files:
        kwargs["files"] = list(files)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def describe(interaction: discord.Interaction[Any]) -> str:
    """The interaction's context for a log line: what was used, by whom, where."""
    data: dict[str, Any] = dict(interaction.data or {})
    what = data.get("custom_id") or (interaction.command.qualified_name if interaction.command else "?")
    return (
        f"{interaction.type.name} {what!r} user={interaction.user.id if interaction.user else '?'} "
        f"guild={interaction.guild_id} channel={interaction.channel_id} interaction={interaction.id}"
    )


def core_error_text(error: CoreError) -> str:
    text = error.message
    if isinstance(error, StorageUnavailable) and error.unsaved_answer:
        text += "\nYour answer was:\n" + code_block(error.unsaved_answer, 1500)
    return text


async def tell_error(interaction: discord.Interaction[Any], text: str) -> None:
    """Show an error privately; if even that fails (expired token, Discord down), log it."""
    try:
        await reply(interaction, embeds=[error_embed(text)], ephemeral=True)
    except discord.HTTPException as error:
        log.warning("could not tell the user about an error (%s): %s", describe(interaction), error)


async def report_unexpected(interaction: discord.Interaction[Any], error: BaseException) -> None:
    ref = secrets.token_hex(4)
    log.error("unexpected error in %s (ref %s)", describe(interaction), ref, exc_info=error)
    await tell_error(interaction, UNEXPECTED.format(ref=ref))


@asynccontextmanager
async def guard(interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
    """`async with guard(interaction):` around a handler body: core errors become their message, anything
    else is logged with context and the user is told."""
    try:
        yield
    except CoreError as error:
        await tell_error(interaction, core_error_text(error))
    except Exception as error:
        await report_unexpected(interaction, error)
