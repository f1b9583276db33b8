"""`/appeals list|resolve`: admins review players' appeals of their grades."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core.model import AppealStatus
from bot.discord_adapter.context import context_of, require_admin, team_of
from bot.discord_adapter.render_reports import appeal_resolved_text, appeals_embed
from bot.discord_adapter.responding import defer, guard, reply

ADMIN = discord.Permissions(manage_guild=True)


def register(tree: app_commands.CommandTree[Any]) -> None:
    appeals = app_commands.Group(
        name="appeals",
        description="Players' appeals of their grades (admins)",
        guild_only=True,
        default_permissions=ADMIN,
    )

    @appeals.command(name="list", description="List the appeals waiting (or all of them).")
    @app_commands.describe(everything="Include resolved appeals")
    async def list_appeals(interaction: discord.Interaction[Any], everything: bool = False) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            status = None if everything else AppealStatus.OPEN
            found = await context_of(interaction).service.list_appeals(team_of(interaction), status)
            await reply(interaction, embeds=[appeals_embed(found)])

    @appeals.command(name="resolve", description="Accept or reject an appeal.")
    @app_commands.describe(
        appeal="The appeal number",
        accept="Accept (regrade) or reject",
        note="A note for the record",
        score="Corrected score from 0 to 1 (default 1)",
    )
    async def resolve(
        interaction: discord.Interaction[Any],
        appeal: app_commands.Range[int, 1, 2**53],
        accept: bool,
        note: app_commands.Range[str, 0, 1000] = "",
        score: app_commands.Range[float, 0.0, 1.0] | None = None,
    ) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            details = await context_of(interaction).service.resolve_appeal(
                team_of(interaction), appeal, accept, interaction.user.display_name, note, score
            )
            await reply(interaction, content=appeal_resolved_text(details))

    tree.add_command(appeals)
