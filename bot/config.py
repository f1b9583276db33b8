"""Settings from the environment: one prefix `INTERVIEW_BOT_`, nested sections joined by `__`.

`INTERVIEW_BOT_DISCORD__TOKEN`, `INTERVIEW_BOT_SLACK__BOT_TOKEN`, `INTERVIEW_BOT_SCHEDULER__LEADER_LOCK`,
`INTERVIEW_BOT_LOGGING__JSON`, ... The database URL and data folder keep their short names
(`INTERVIEW_BOT_DATABASE_URL`, `INTERVIEW_BOT_DATA_DIR`), which the `db` commands read too. Slack's own
names (`SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`, `SLACK_APP_TOKEN`, `SLACK_MODE`, ...) are read as a
fallback for any Slack value the `INTERVIEW_BOT_SLACK__*` names leave unset. A `.env` file in the working
directory is read too (real environment variables win). Every setting is listed in `.env.example`.

Nothing is read at import time: call `load_settings()` when a command runs. Syntax is checked here (a
port is a number in range, a URL has a scheme, a timezone exists); what needs several values at once
(Slack HTTP mode needs a signing secret) is `bot.config_check.problems`.
"""

from __future__ import annotations

import getpass
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config_values import check_timezone, check_url, parse_grace, split_ids
from bot.slack_adapter.settings import SlackSettings

if TYPE_CHECKING:
    from bot.discord_adapter.settings import DiscordSettings
    from bot.scheduler_settings import SchedulerSettings

ENV_PREFIX = "INTERVIEW_BOT_"
ENV_FILE = ".env"
DB_FILE_NAME = "interview-bot.sqlite3"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def default_data_dir() -> Path:
    """The per-user data directory: $XDG_DATA_HOME (or ~/.local/share) /interview-bot on Linux, the
    platform's equivalent on macOS and Windows."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "interview-bot"


def _default_user() -> str:
    try:
        return getpass.getuser() or "me"
    except (KeyError, OSError):
        return "me"


class Section(BaseModel):
    """A settings section: frozen, and an unknown `INTERVIEW_BOT_<SECTION>__NAME` is an error (a typo)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DatabaseSection(Section):
    """Pool and timeout knobs (the URL itself is `INTERVIEW_BOT_DATABASE_URL`)."""

    pool_size: int = Field(default=10, ge=1, le=1000)
    max_overflow: int = Field(default=20, ge=0, le=1000)
    pool_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    connect_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    busy_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    echo: bool = False


class DiscordSection(Section):
    """The Discord bot; it runs when `token` is set. `shard_ids`/`shard_count` split the shards across
    processes (any of them switches `sharded` on). `api_base_url` and `gateway_url` replace Discord's
    addresses: for tests against a fake Discord, or an HTTP proxy."""

    token: SecretStr = SecretStr("")
    application_id: int | None = Field(default=None, ge=1)
    sharded: bool = False
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None
    shard_count: int | None = Field(default=None, ge=1, le=100_000)
    sync_guild_id: int | None = Field(default=None, ge=1)
    api_base_url: str | None = None
    gateway_url: str | None = None
    guild_ready_timeout: float = Field(default=2.0, ge=0, le=600)

    _split = field_validator("shard_ids", mode="before")(split_ids)

    @field_validator("api_base_url")
    @classmethod
    def _api(cls, value: str | None) -> str | None:
        return check_url(value, ("http", "https"))

    @field_validator("gateway_url")
    @classmethod
    def _gateway(cls, value: str | None) -> str | None:
        return check_url(value, ("ws", "wss"))

    @property
    def enabled(self) -> bool:
        return bool(self.token.get_secret_value().strip())

    @property
    def uses_shards(self) -> bool:
        return self.sharded or self.shard_ids is not None or self.shard_count is not None

    def adapter_settings(self, state_dir: Path | None) -> DiscordSettings:
        """The adapter's value; `InvalidInput` when the shard ids do not fit the shard count."""
        from bot.discord_adapter.settings import DiscordSettings

        return DiscordSettings(
            token=self.token.get_secret_value().strip(),
            application_id=self.application_id,
            state_dir=state_dir,
            sharded=self.uses_shards,
            shard_ids=self.shard_ids,
            shard_count=self.shard_count,
            sync_guild_id=self.sync_guild_id,
            guild_ready_timeout=self.guild_ready_timeout,
        )


class SchedulerSection(Section):
    """The daily-question scheduler. `enabled=false` leaves scheduling to other processes (e.g. pure Slack
    HTTP workers). `leader_lock` (PostgreSQL only): only the holder of an advisory lock per platform
    schedules; the others try to take it every `leader_retry_seconds`, so one takes over when it dies."""

    enabled: bool = True
    catch_up_grace: timedelta = timedelta(hours=3)
    sync_seconds: float = Field(default=60.0, ge=1, le=3600)
    drain_seconds: float = Field(default=8.0, ge=0, le=600)
    retry_base_seconds: float = Field(default=30.0, gt=0, le=3600)
    retry_cap_seconds: float = Field(default=900.0, gt=0, le=86_400)
    leader_lock: bool = False
    leader_retry_seconds: float = Field(default=10.0, ge=0.2, le=3600)

    _grace = field_validator("catch_up_grace", mode="before")(parse_grace)

    @model_validator(mode="after")
    def _back_off(self) -> SchedulerSection:
        if self.retry_cap_seconds < self.retry_base_seconds:
            raise ValueError(f"{ENV_PREFIX}SCHEDULER__RETRY_CAP_SECONDS must not be smaller than "
                             f"{ENV_PREFIX}SCHEDULER__RETRY_BASE_SECONDS")
        return self

    def scheduler_settings(self) -> SchedulerSettings:
        """The scheduler's value (default lanes)."""
        from bot.scheduler_settings import SchedulerSettings

        return SchedulerSettings(
            catch_up_grace=self.catch_up_grace,
            sync_interval=timedelta(seconds=self.sync_seconds),
            retry_base=timedelta(seconds=self.retry_base_seconds),
            retry_cap=timedelta(seconds=self.retry_cap_seconds),
            drain_timeout=self.drain_seconds,
        )


class GradingSection(Section):
    """`slow_ms`: a grade taking longer is logged at WARNING (question id and kind, never the answer)."""

    slow_ms: float = Field(default=250.0, gt=0, le=600_000)


class ObservabilitySection(Section):
    """The HTTP endpoint with `/healthz` and `/metrics` (port 0: any free port). Loopback by default, so
    metrics are not public; set `host=0.0.0.0` in a container. When Slack runs in HTTP mode, its server
    answers `/healthz` and `/metrics` too (and is the only server when host and port are the same)."""

    enabled: bool = True
    host: str = Field(default="127.0.0.1", min_length=1, max_length=255)
    port: int = Field(default=8080, ge=0, le=65535)


class LoggingSection(Section):
    """`json=true` writes one JSON object per line; `timezone` is the timestamps' zone."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    json_lines: bool = Field(default=False, alias="json")
    timezone: str = "UTC"

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    _zone = field_validator("timezone")(check_timezone)


class Settings(BaseSettings):
    """Effective settings; `database_url` None means the SQLite file in `data_dir`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        env_file=ENV_FILE,
        extra="ignore",
        case_sensitive=False,
    )

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite file when unset")
    data_dir: Path | None = Field(default=None, description="Directory of the default SQLite file")
    default_team: str = Field(default="local", min_length=1, max_length=100)
    default_user: str = Field(default_factory=_default_user, min_length=1, max_length=100)
    database: DatabaseSection = Field(default_factory=DatabaseSection)
    discord: DiscordSection = Field(default_factory=DiscordSection)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    scheduler: SchedulerSection = Field(default_factory=SchedulerSection)
    grading: GradingSection = Field(default_factory=GradingSection)
    observability: ObservabilitySection = Field(default_factory=ObservabilitySection)
    logging: LoggingSection = Field(default_factory=LoggingSection)

    @field_validator("slack", mode="before")
    @classmethod
    def _slack(cls, value: Any) -> Any:
        """Reject unknown `INTERVIEW_BOT_SLACK__*` names (SlackSettings itself ignores unknown `SLACK_*`
        variables, which other tools use), and let `SLACK_*` fill what is left unset."""
        if isinstance(value, dict):
            unknown = sorted(k for k in value if k.lower() not in SlackSettings.model_fields)
            if unknown:
                raise PydanticCustomError(
                    "unknown_settings", "unknown setting(s): {names}", {"names": ",".join(unknown)}
                )
        return value

    def resolved_data_dir(self) -> Path:
        return (self.data_dir or default_data_dir()).expanduser()

    def resolved_database_url(self) -> str:
        """The configured URL, else `sqlite+aiosqlite:///<data dir>/interview-bot.sqlite3`."""
        if self.database_url and self.database_url.strip():
            return self.database_url.strip()
        return f"sqlite+aiosqlite:///{self.resolved_data_dir() / DB_FILE_NAME}"

    def secret_values(self) -> list[str]:
        """Every secret this process knows, for the log redaction (empty ones left out)."""
        secrets = [
            self.discord.token.get_secret_value(),
            self.slack.bot_token.get_secret_value(),
            self.slack.signing_secret.get_secret_value(),
            self.slack.app_token.get_secret_value(),
        ]
        return [s for s in secrets if s.strip()]


def load_settings() -> Settings:
    """Read the environment (and `.env`); raises pydantic's `ValidationError` on a malformed value
    (`bot.config_check.describe_errors` turns it into one sentence per value)."""
    return Settings()
