"""What every Discord handler shares: the service, the settings, optional pack admin, and identity mapping.

Handlers get the context from `interaction.client` (our client classes carry it), so buttons recreated
from a custom id after a restart reach the same service without any global state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.core.errors import InvalidInput, PermissionDenied
from bot.core.model import Player, PlayerStats, TeamRef
from bot.core.service import PracticeService
from bot.discord_adapter.settings import DiscordSettings

PLATFORM = "discord"
ChartRenderer = Callable[[PlayerStats], bytes]


def _default_chart(stats: PlayerStats) -> bytes:
    from bot.charts import progress_chart

    return progress_chart(stats)


@dataclass
class AdapterContext:
    service: PracticeService
    settings: DiscordSettings
    chart: ChartRenderer = field(default=_default_chart)


def context_of(interaction: discord.Interaction[Any]) -> AdapterContext:
    client = interaction.client
    adapter = getattr(client, "adapter", None)
    if not isinstance(adapter, AdapterContext):
        raise RuntimeError("this interaction's client was not built by build_discord_client")
    return adapter


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise InvalidInput("Use this in a server channel: scores and boards belong to a server.")
    return interaction.guild_id


def player_of(interaction: discord.Interaction[Any]) -> Player:
    """The neutral player: team = guild, user = Discord user id, shown by their server display name."""
    user = interaction.user
    return Player(PLATFORM, str(_guild_id(interaction)), str(user.id), user.display_name)


def team_of(interaction: discord.Interaction[Any]) -> TeamRef:
    guild = interaction.guild
    return TeamRef(PLATFORM, str(_guild_id(interaction)), guild.name if guild else "")


def channel_ref(guild_id: int, channel_id: int) -> str:
    """`discord:<guild>/<channel>`, the namespaced channel reference the core stores."""
    return f"{PLATFORM}:{guild_id}/{channel_id}"


def parse_channel_ref(ref: str) -> tuple[int, int]:
    """(guild id, channel id) of `discord:<guild>/<channel>`; `InvalidInput` for anything else."""
    platform, _, rest = ref.partition(":")
    guild, _, channel = rest.partition("/")
    if platform != PLATFORM or not guild.isdigit() or not channel.isdigit():
        raise InvalidInput(f"Not a Discord channel reference: {ref[:80]!r}.")
    return int(guild), int(channel)


def message_ref(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"{channel_ref(guild_id, channel_id)}/{message_id}"


def parse_message_ref(ref: str) -> tuple[int, int, int]:
    """(guild, channel, message) of `discord:<guild>/<channel>/<message>`."""
    head, _, message = ref.rpartition("/")
    guild, channel = parse_channel_ref(head)
    if not message.isdigit():
        raise InvalidInput(f"Not a Discord message reference: {ref[:80]!r}.")
    return guild, channel, int(message)


def require_admin(interaction: discord.Interaction[Any]) -> None:
    """Admin commands need Manage Server, checked here on every call: command defaults can be overridden
    by a server's integration settings, so they are only a first filter."""
    _guild_id(interaction)
    if not interaction.permissions.manage_guild:
        raise PermissionDenied("Only members with the Manage Server permission can do that.")
