"""Sync the slash commands only when they changed: Discord allows 200 command creations per day per guild.

The hash of the exact payload discord.py would upload is kept in a small file under the state directory
(next to the SQLite database by default); a start with the same commands uploads nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)


def command_payload(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    return [command.to_dict(tree) for command in tree.get_commands(guild=guild)]


def command_hash(tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None = None) -> str:
    """A stable hash of the command set as it would be uploaded (names, options, permissions, ...)."""
    text = json.dumps(command_payload(tree, guild), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_file(state_dir: Path, application_id: int, guild_id: int | None) -> Path:
    scope = f"guild-{guild_id}" if guild_id else "global"
    return state_dir / f"discord-commands-{application_id}-{scope}.sha256"


async def sync_if_changed(
    tree: app_commands.CommandTree[Any],
    application_id: int,
    state_dir: Path | None,
    guild_id: int | None = None,
) -> bool:
    """Upload the commands when their hash differs from the stored one; True when a sync happened.

    Without a state directory every start syncs (logged). The hash is stored only after Discord accepted
    the commands, so a failed sync is retried on the next start.
    """
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    current = command_hash(tree, guild)
    path = hash_file(state_dir, application_id, guild_id) if state_dir else None
    if path is not None:
        try:
            if path.read_text(encoding="utf-8").strip() == current:
                log.info("slash commands unchanged (%s); not syncing", current[:12])
                return False
        except OSError:
            pass
    else:
        log.warning("no state directory: syncing slash commands on every start")
    await tree.sync(guild=guild)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(current + "\n", encoding="utf-8")
        except OSError as error:
            log.warning("could not store the command hash in %s: %s", path, error)
    log.info("slash commands synced (%s)", current[:12])
    return True
