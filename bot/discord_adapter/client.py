"""The composition function: `build_discord_client(service, settings)` returns a ready-to-start client.

The client carries the adapter context (`client.adapter`), registers the slash commands, the dynamic
buttons and the announcer in `setup_hook`, syncs the commands only when they changed, and routes modal
submissions by custom id. Only the `guilds` intent is requested: no message content, no members.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.core.service import PracticeService
from bot.discord_adapter import actions
from bot.discord_adapter.announcer import DiscordAnnouncer
from bot.discord_adapter.command_sync import sync_if_changed
from bot.discord_adapter.commands import register_all
from bot.discord_adapter.components import ActionButton
from bot.discord_adapter.context import PLATFORM, AdapterContext, ChartRenderer
from bot.discord_adapter.render import NO_MENTIONS
from bot.discord_adapter.responding import report_unexpected, tell_error
from bot.discord_adapter.settings import DiscordSettings
from questions.schema import Question

log = logging.getLogger(__name__)


class _InterviewMixin:
    """What both client classes add: the context, set-up, and routing of modal submissions."""

    adapter: AdapterContext
    tree: app_commands.CommandTree[Any]
    announcer: DiscordAnnouncer

    def _install(self, adapter: AdapterContext) -> None:
        client = self._client()
        self.adapter = adapter
        self.tree = app_commands.CommandTree(client)
        self.tree.on_error = _on_command_error  # type: ignore[method-assign]
        register_all(self.tree)
        self.announcer = DiscordAnnouncer(client, _finder(adapter.service))

    def _client(self) -> discord.Client:
        assert isinstance(self, discord.Client)
        return self

    async def setup_hook(self) -> None:
        client = self._client()
        client.add_dynamic_items(ActionButton)
        self.adapter.service.register_announcer(PLATFORM, self.announcer)
        application_id = client.application_id
        if application_id is None:
            raise RuntimeError("the Discord application id is unknown after login")
        settings = self.adapter.settings
        await sync_if_changed(self.tree, application_id, settings.state_dir, settings.sync_guild_id)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type == discord.InteractionType.modal_submit:
            await actions.on_modal(interaction)


class InterviewClient(_InterviewMixin, discord.Client):
    def __init__(self, adapter: AdapterContext, **options: Any) -> None:
        super().__init__(**options)
        self._install(adapter)


class ShardedInterviewClient(_InterviewMixin, discord.AutoShardedClient):
    def __init__(self, adapter: AdapterContext, **options: Any) -> None:
        super().__init__(**options)
        self._install(adapter)


def _finder(service: PracticeService) -> Any:
    def find(question_id: str) -> Question | None:
        try:
            return service.question(question_id)
        except Exception:
            return None

    return find


async def _on_command_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """Errors discord.py raises before our command body runs (bad option values, checks)."""
    if isinstance(error, app_commands.TransformerError):
        await tell_error(interaction, f"That value is not valid: {str(error.value)[:100]!r}.")
    elif isinstance(error, app_commands.CheckFailure):
        await tell_error(interaction, "You cannot use this command here.")
    elif isinstance(error, app_commands.CommandNotFound):
        await tell_error(
            interaction, "This command is unknown to the bot; it may be restarting. Try again soon."
        )
    else:
        await report_unexpected(interaction, getattr(error, "original", error))


def intents() -> discord.Intents:
    """Guild events only (for the channel cache); interactions need no intent at all."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


def build_discord_client(
    service: PracticeService,
    settings: DiscordSettings,
    *,
    chart: ChartRenderer | None = None,
) -> discord.Client:
    """The Discord client for `service`; start it with `await client.start(settings.token)`.

    `chart` replaces the progress-chart renderer (`bot.charts.progress_chart` by default).
    """
    adapter = AdapterContext(service, settings)
    if chart is not None:
        adapter.chart = chart
    options: dict[str, Any] = {
        "intents": intents(),
        "allowed_mentions": NO_MENTIONS,
        "guild_ready_timeout": settings.guild_ready_timeout,
        "application_id": settings.application_id,
    }
    if settings.sharded:
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
        if settings.shard_count is not None:
            options["shard_count"] = settings.shard_count
        return ShardedInterviewClient(adapter, **options)
    return InterviewClient(adapter, **options)
