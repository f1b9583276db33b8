"""`/group join NAME` and `/group leave`: groups inside a server, for group-vs-group boards."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord_adapter.context import context_of, player_of
from bot.discord_adapter.render import safe
from bot.discord_adapter.responding import defer, guard, reply


def register(tree: app_commands.CommandTree[Any]) -> None:
    group = app_commands.Group(name="group", description="Groups within this server", guild_only=True)

    @group.command(name="join", description="Join a group (you leave your current one).")
    @app_commands.describe(name="The group's name")
    async def join(interaction: discord.Interaction[Any], name: app_commands.Range[str, 1, 60]) -> None:
        async with guard(interaction):
            player = player_of(interaction)
            await defer(interaction)
            joined = await context_of(interaction).service.join_group(player, name)
            await reply(interaction, content=f"You are now in group **{safe(joined.name, 60)}**.")

    @group.command(name="leave", description="Leave your group.")
    async def leave(interaction: discord.Interaction[Any]) -> None:
        async with guard(interaction):
            player = player_of(interaction)
            await defer(interaction)
            left = await context_of(interaction).service.leave_group(player)
            await reply(interaction, content=f"You left group **{safe(left.name, 60)}**.")

    tree.add_command(group)
