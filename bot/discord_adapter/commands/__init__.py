"""Slash commands, one module per area; `register_all` adds them all to a fresh command tree."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.discord_adapter.commands import admin_appeals, admin_daily, admin_packs, groups, practice, reports


def register_all(tree: app_commands.CommandTree[Any]) -> None:
    for module in (practice, reports, groups, admin_daily, admin_appeals, admin_packs):
        module.register(tree)
