"""What the Discord adapter needs to know to run: the token, the application, sharding, where to keep state.

A small frozen value the composition root builds from the global settings
(`bot.config.DiscordSection.adapter_settings`, the `INTERVIEW_BOT_DISCORD__*` section); `from_env` reads
the same variables for `interview-bot discord` and tests. The token never appears in `repr`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.errors import InvalidInput

ENV_PREFIX = "INTERVIEW_BOT_DISCORD__"


@dataclass(frozen=True)
class DiscordSettings:
    """`state_dir` holds the hash of the last synced command set (sync only when it changes).

    `sharded` picks `AutoShardedClient`; `shard_ids`/`shard_count` restrict this process to some shards.
    `sync_guild_id` registers the commands on one guild instead of globally (instant, for development).
    """

    token: str = field(repr=False)
    application_id: int | None = None
    state_dir: Path | None = None
    sharded: bool = False
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None
    sync_guild_id: int | None = None
    guild_ready_timeout: float = 2.0

    def __post_init__(self) -> None:
        if not self.token.strip():
            raise InvalidInput("The Discord bot token is empty; set INTERVIEW_BOT_DISCORD__TOKEN.")
        if self.shard_ids is not None and (
            self.shard_count is None or any(not 0 <= s < self.shard_count for s in self.shard_ids)
        ):
            raise InvalidInput("Shard ids need a shard count, and each id must be below it.")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, state_dir: Path | None = None
    ) -> DiscordSettings:
        """Read `INTERVIEW_BOT_DISCORD__TOKEN`, `__APPLICATION_ID`, `__SHARDED`, `__SHARD_IDS` (comma list),
        `__SHARD_COUNT`, `__SYNC_GUILD_ID`; bad values raise `InvalidInput` naming the variable."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return env.get(ENV_PREFIX + name, "").strip()

        shard_ids = get("SHARD_IDS")
        return cls(
            token=get("TOKEN"),
            application_id=_int(get("APPLICATION_ID"), "APPLICATION_ID"),
            state_dir=state_dir,
            sharded=get("SHARDED").lower() in ("1", "true", "yes", "on"),
            shard_ids=tuple(_int(s, "SHARD_IDS") or 0 for s in shard_ids.split(",")) if shard_ids else None,
            shard_count=_int(get("SHARD_COUNT"), "SHARD_COUNT"),
            sync_guild_id=_int(get("SYNC_GUILD_ID"), "SYNC_GUILD_ID"),
        )


def _int(text: str, name: str) -> int | None:
    if not text:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(f"{ENV_PREFIX}{name} must be a whole number, not {text[:30]!r}.") from None
