"""The Slack adapter's settings: a section of the global settings, with Slack's own names as a fallback.

In the global settings (`bot.config.Settings.slack`) each value comes from `INTERVIEW_BOT_SLACK__<NAME>`,
else from the name Slack's own tools use (`SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`, `SLACK_APP_TOKEN`,
`SLACK_MODE`, ...), else the default. On its own (`SlackSettings()`, as `interview-bot slack` does) it
reads the `SLACK_*` names. Secrets are `SecretStr`, so they never appear in a repr or a log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config_values import check_url

DEFAULT_API_BASE_URL = "https://slack.com/api/"
PLAIN_PREFIX = "SLACK_"
GLOBAL_PREFIX = "INTERVIEW_BOT_SLACK__"


class SlackSettings(BaseSettings):
    """How to reach Slack and how to behave there. `mode` picks the transport: `http` (signed requests on
    `http_host:http_port` + `http_path`, for scale-out behind a load balancer) or `socket` (Socket Mode,
    for self-hosting without a public URL; needs the `xapp-` app-level token). `api_base_url` replaces
    Slack's Web API address (tests against a fake Slack, or a proxy)."""

    model_config = SettingsConfigDict(
        env_prefix=PLAIN_PREFIX, env_file=".env", frozen=True, extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr = SecretStr("")
    signing_secret: SecretStr = SecretStr("")
    app_token: SecretStr = SecretStr("")
    mode: Literal["http", "socket"] = "http"
    admin_user_ids: Annotated[tuple[str, ...], NoDecode] = ()
    api_base_url: str = DEFAULT_API_BASE_URL
    http_host: str = Field(default="0.0.0.0", min_length=1, max_length=255)
    http_port: int = Field(default=3000, ge=0, le=65535)
    http_path: str = Field(default="/slack/events", pattern=r"^/\S*$", max_length=200)
    post_rate_per_second: float = Field(default=1.0, gt=0, le=100)
    rate_limit_retries: int = Field(default=3, ge=0, le=10)
    dedupe_ttl_seconds: float = Field(default=900.0, gt=0)

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """`U1,U2` or `U1 U2` from the environment; a list or tuple as is."""
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split() if part)
        return value

    @field_validator("mode", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("api_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        checked = check_url(value, ("http", "https")) or DEFAULT_API_BASE_URL
        return checked if checked.endswith("/") else checked + "/"

    @property
    def enabled(self) -> bool:
        """Slack runs when a bot token is set (its problems are reported then)."""
        return bool(self.bot_token.get_secret_value().strip())

    def problems(self, prefix: str = PLAIN_PREFIX) -> list[str]:
        """What is missing for the chosen mode, as sentences naming the variables under `prefix` (empty
        when usable). The global settings pass `GLOBAL_PREFIX`, and the sentence names both spellings."""

        def name(field: str) -> str:
            if prefix == PLAIN_PREFIX:
                return f"{PLAIN_PREFIX}{field.upper()}"
            return f"{prefix}{field.upper()} (or {PLAIN_PREFIX}{field.upper()})"

        found = []
        if not self.bot_token.get_secret_value().startswith("xoxb-"):
            found.append(f"{name('bot_token')} must be set to the bot token (xoxb-...).")
        if self.mode == "http" and not self.signing_secret.get_secret_value():
            found.append(f"{name('signing_secret')} must be set in http mode.")
        if self.mode == "socket" and not self.app_token.get_secret_value().startswith("xapp-"):
            found.append(f"{name('app_token')} must be set to an app-level token (xapp-...) in socket mode.")
        return found
