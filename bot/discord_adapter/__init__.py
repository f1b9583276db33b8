"""The Discord adapter: slash commands, buttons and modals over the practice core, and its announcer."""

from __future__ import annotations

from bot.discord_adapter.client import build_discord_client
from bot.discord_adapter.settings import DiscordSettings

__all__ = ["DiscordSettings", "build_discord_client"]
