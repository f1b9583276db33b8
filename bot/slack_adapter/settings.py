"""The Slack adapter's own settings (issue 8 folds them into the global config).

Read from the environment with the names Slack's own tools use (`SLACK_BOT_TOKEN`,
`SLACK_SIGNING_SECRET`, `SLACK_APP_TOKEN`) plus a few `SLACK_*` knobs; secrets are `SecretStr` so they
never appear in a repr or a log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://slack.com/api/"


class SlackSettings(BaseSettings):
    """How to reach Slack and how to behave there. `mode` picks the transport: `http` (signed requests on
    `http_host:http_port` + `http_path`, for scale-out behind a load balancer) or `socket` (Socket Mode,
    for self-hosting without a public URL; needs the `xapp-` app-level token)."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", frozen=True, extra="ignore", case_sensitive=False)

    bot_token: SecretStr = SecretStr("")
    signing_secret: SecretStr = SecretStr("")
    app_token: SecretStr = SecretStr("")
    mode: Literal["http", "socket"] = "http"
    admin_user_ids: Annotated[tuple[str, ...], NoDecode] = ()
    api_base_url: str = DEFAULT_API_BASE_URL
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=0, le=65535)
    http_path: str = "/slack/events"
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

    def problems(self) -> list[str]:
        """What is missing for the chosen mode, as sentences to show the operator (empty when usable)."""
        found = []
        if not self.bot_token.get_secret_value().startswith("xoxb-"):
            found.append("SLACK_BOT_TOKEN must be set to the bot token (xoxb-...).")
        if self.mode == "http" and not self.signing_secret.get_secret_value():
            found.append("SLACK_SIGNING_SECRET must be set in http mode.")
        if self.mode == "socket" and not self.app_token.get_secret_value().startswith("xapp-"):
            found.append("SLACK_APP_TOKEN must be set to an app-level token (xapp-...) in socket mode.")
        return found
