"""The scheduler's knobs and the outcome of one post attempt (no APScheduler here, so adapters, the
runner and tests can use them without importing the scheduler library).

`interview-bot run` builds it from the global settings (`bot.config.SchedulerSection.scheduler_settings`,
the `INTERVIEW_BOT_SCHEDULER__*` section); `from_env` reads a few of the same variables for tools and tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from bot.core.daily_config import parse_duration
from bot.core.errors import InvalidInput
from bot.core.schedule import DEFAULT_CATCH_UP_GRACE, DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP, validate_grace
from bot.fanout import DEFAULT_LIMITS, LaneLimits

ENV_PREFIX = "INTERVIEW_BOT_SCHEDULER__"


class Outcome(StrEnum):
    """What one post attempt did (returned for tests and logs)."""

    POSTED = "posted"
    ALREADY = "already"  # today's post exists (this or another process made it)
    PENDING = "pending"  # another process holds a fresh claim; re-checked after it goes stale
    SKIPPED = "skipped"  # not due now, switched off, not a posting day, no question matches
    RETRY = "retry"  # the platform or the database failed; retried with back-off


@dataclass(frozen=True)
class SchedulerSettings:
    """`catch_up_grace`: how late today's missed post may still be made; `sync_interval`: how often jobs
    are reconciled with the database; `retry_base`/`retry_cap`: back-off after a failed post;
    `drain_timeout`: seconds in-flight posts get to finish on shutdown; `lanes`: per-platform pacing."""

    catch_up_grace: timedelta = DEFAULT_CATCH_UP_GRACE
    sync_interval: timedelta = timedelta(seconds=60)
    retry_base: timedelta = DEFAULT_RETRY_BASE
    retry_cap: timedelta = DEFAULT_RETRY_CAP
    drain_timeout: float = 8.0
    lanes: Mapping[str, LaneLimits] = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    def __post_init__(self) -> None:
        validate_grace(self.catch_up_grace)
        if not timedelta(seconds=1) <= self.sync_interval <= timedelta(hours=1):
            raise InvalidInput("The scheduler's sync interval must be between 1 second and 1 hour.")
        if self.retry_base <= timedelta(0) or self.retry_cap < self.retry_base:
            raise InvalidInput("The retry back-off needs a positive base no larger than its cap.")
        if not 0 <= self.drain_timeout <= 600:
            raise InvalidInput("The drain timeout must be between 0 and 600 seconds.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SchedulerSettings:
        """`INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE` (e.g. `3h`), `__SYNC_SECONDS`, `__DRAIN_SECONDS`;
        a bad value raises `InvalidInput` naming the variable."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return env.get(ENV_PREFIX + name, "").strip()

        values: dict[str, object] = {}
        if get("CATCH_UP_GRACE"):
            try:
                values["catch_up_grace"] = parse_duration(get("CATCH_UP_GRACE"))
            except InvalidInput as err:
                raise InvalidInput(f"{ENV_PREFIX}CATCH_UP_GRACE: {err.message}") from None
        for name, key in (("SYNC_SECONDS", "sync_interval"), ("DRAIN_SECONDS", "drain_timeout")):
            if get(name):
                try:
                    seconds = float(get(name))
                    values[key] = timedelta(seconds=seconds) if key == "sync_interval" else seconds
                except (ValueError, OverflowError):
                    raise InvalidInput(f"{ENV_PREFIX}{name} must be a number of seconds.") from None
        try:
            return cls(**values)  # type: ignore[arg-type]
        except InvalidInput as err:
            raise InvalidInput(f"{ENV_PREFIX}*: {err.message}") from None


