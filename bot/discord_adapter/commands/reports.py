"""`/stats [user]` (with the progress chart attached) and `/leaderboard [window] [topic] [group]`."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord_adapter.commands.choices import topic_choices, window_choices
from bot.discord_adapter.context import context_of, player_of, team_of
from bot.discord_adapter.render_reports import STATS_IMAGE, leaderboard_embed, stats_embed
from bot.discord_adapter.responding import defer, guard, reply

log = logging.getLogger(__name__)


def register(tree: app_commands.CommandTree[Any]) -> None:
    @tree.command(name="stats", description="Points, streak, accuracy by topic and a progress chart.")
    @app_commands.guild_only()
    @app_commands.describe(user="Someone else in this server (default: you)")
    async def stats(interaction: discord.Interaction[Any], user: discord.Member | None = None) -> None:
        async with guard(interaction):
            ctx = context_of(interaction)
            player = player_of(interaction)
            await defer(interaction)
            if user is None or user.id == interaction.user.id:
                found = await ctx.service.stats(player)
            else:
                found = await ctx.service.team_player_stats(team_of(interaction), str(user.id))
            try:
                png = await asyncio.to_thread(ctx.chart, found)
            except Exception:
                log.exception("progress chart failed for player %s", found.player.id)
                png = b""
            files = [discord.File(io.BytesIO(png), filename=STATS_IMAGE)] if png else []
            await reply(interaction, embeds=[stats_embed(found, bool(png))], files=files)

    @tree.command(name="leaderboard", description="This server's leaderboard.")
    @app_commands.guild_only()
    @app_commands.describe(window="Time window", topic="Only this topic", group="Only this group")
    @app_commands.choices(window=window_choices(), topic=topic_choices())
    async def leaderboard(
        interaction: discord.Interaction[Any],
        window: str | None = None,
        topic: str | None = None,
        group: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        async with guard(interaction):
            player = player_of(interaction)
            await defer(interaction, ephemeral=False)
            board = await context_of(interaction).service.leaderboard(player, window, topic, group)
            await reply(interaction, embeds=[leaderboard_embed(board)], ephemeral=False)
