"""`/quiz` and `/review`: private practice sessions, one question at a time."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord_adapter.actions import show_question
from bot.discord_adapter.commands.choices import difficulty_choices, topic_choices
from bot.discord_adapter.context import context_of, player_of
from bot.discord_adapter.responding import defer, guard

MAX_COUNT = 50


def register(tree: app_commands.CommandTree[Any]) -> None:
    @tree.command(name="quiz", description="Practise interview questions privately, one at a time.")
    @app_commands.guild_only()
    @app_commands.describe(topic="Only this topic", difficulty="Only this level", count="How many questions")
    @app_commands.choices(topic=topic_choices(), difficulty=difficulty_choices())
    async def quiz(
        interaction: discord.Interaction[Any],
        topic: str | None = None,
        difficulty: str | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] | None = None,
    ) -> None:
        async with guard(interaction):
            player = player_of(interaction)
            await defer(interaction)
            view = await context_of(interaction).service.start_quiz(player, topic, difficulty, None, count)
            await show_question(interaction, view)

    @tree.command(name="review", description="Practise the questions due for spaced-repetition review.")
    @app_commands.guild_only()
    @app_commands.describe(count="How many questions")
    async def review(
        interaction: discord.Interaction[Any], count: app_commands.Range[int, 1, MAX_COUNT] | None = None
    ) -> None:
        async with guard(interaction):
            player = player_of(interaction)
            await defer(interaction)
            view = await context_of(interaction).service.start_review(player, count)
            await show_question(interaction, view)
