"""Settings from the environment (prefix `INTERVIEW_BOT_`, nested sections with `__`).

For now: where the database is and who the console player is by default. Issue 8 extends this into
sections (discord, slack, database, scheduler, grading). Nothing is read at import time: call
`Settings()` (or `load_settings()`) when the command runs.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "INTERVIEW_BOT_"
DB_FILE_NAME = "interview-bot.sqlite3"


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


class Settings(BaseSettings):
    """Effective settings; `database_url` None means the SQLite file in `data_dir`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="ignore", case_sensitive=False
    )

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite file when unset")
    data_dir: Path | None = Field(default=None, description="Directory of the default SQLite file")
    default_team: str = Field(default="local", min_length=1, max_length=100)
    default_user: str = Field(default_factory=_default_user, min_length=1, max_length=100)

    def resolved_data_dir(self) -> Path:
        return (self.data_dir or default_data_dir()).expanduser()

    def resolved_database_url(self) -> str:
        """The configured URL, else `sqlite+aiosqlite:///<data dir>/interview-bot.sqlite3`."""
        if self.database_url and self.database_url.strip():
            return self.database_url.strip()
        return f"sqlite+aiosqlite:///{self.resolved_data_dir() / DB_FILE_NAME}"


def load_settings() -> Settings:
    return Settings()
