"""`/daily set|off|post-now`: a channel's daily question (Manage Server only, checked on every call)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord_adapter.commands.choices import difficulty_choices
from bot.discord_adapter.context import channel_ref, context_of, require_admin, team_of
from bot.discord_adapter.render_reports import daily_config_text
from bot.discord_adapter.responding import defer, guard, reply

ADMIN = discord.Permissions(manage_guild=True)


def _target(interaction: discord.Interaction[Any], channel: discord.TextChannel | None) -> str:
    assert interaction.guild_id is not None  # require_admin checked it
    return channel_ref(interaction.guild_id, channel.id if channel else interaction.channel_id or 0)


def register(tree: app_commands.CommandTree[Any]) -> None:
    daily = app_commands.Group(
        name="daily",
        description="The daily question of a channel (admins)",
        guild_only=True,
        default_permissions=ADMIN,
    )

    @daily.command(name="set", description="Post a daily question in a channel.")
    @app_commands.describe(
        channel="Where to post",
        time="HH:MM, 24-hour clock",
        timezone="IANA name, e.g. Europe/Paris",
        topics="Comma-separated topics (default: all)",
        difficulty="Only this level",
        reveal_after="When to reveal the answer, e.g. 24h, 90m",
        days="e.g. mon-fri, weekends (default: daily)",
    )
    @app_commands.choices(difficulty=difficulty_choices())
    async def set_daily(
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 10],
        timezone: app_commands.Range[str, 1, 64] = "UTC",
        topics: app_commands.Range[str, 1, 300] | None = None,
        difficulty: str | None = None,
        reveal_after: app_commands.Range[str, 1, 20] | None = None,
        days: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            config = await context_of(interaction).service.configure_daily(
                _target(interaction, channel),
                team_of(interaction),
                time,
                timezone,
                days,
                topics,
                difficulty,
                reveal_after,
            )
            await reply(interaction, content=f"{channel.mention}: {daily_config_text(config)}")

    @daily.command(name="off", description="Stop the daily question in a channel.")
    @app_commands.describe(channel="The channel (default: this one)")
    async def off(interaction: discord.Interaction[Any], channel: discord.TextChannel | None = None) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            await context_of(interaction).service.disable_daily(_target(interaction, channel))
            await reply(interaction, content="The daily question is switched off there.")

    @daily.command(name="post-now", description="Post today's question now (once per day).")
    @app_commands.describe(channel="The channel (default: this one)")
    async def post_now(
        interaction: discord.Interaction[Any], channel: discord.TextChannel | None = None
    ) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            post = await context_of(interaction).service.open_daily(_target(interaction, channel), force=True)
            await reply(interaction, content=f"Posted today's question (`{post.question_id}`).")

    tree.add_command(daily)
