"""Option choices shared by several commands, built from the core's and the question bank's enums."""

from __future__ import annotations

from discord import app_commands

from bot.core.model import Window
from questions.schema import Difficulty, Topic


def topic_choices() -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=t.value, value=t.value) for t in Topic]


def difficulty_choices() -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=d.value, value=d.value) for d in Difficulty]


def window_choices() -> list[app_commands.Choice[str]]:
    names = {
        Window.DAY: "today",
        Window.WEEK: "this week",
        Window.MONTH: "this month",
        Window.ALL: "all time",
    }
    return [app_commands.Choice(name=names[w], value=w.value) for w in Window]
