"""Settings come from INTERVIEW_BOT_* variables; the database defaults to a per-user SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("INTERVIEW_BOT_DATABASE_URL", raising=False)
    monkeypatch.delenv("INTERVIEW_BOT_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = Settings().resolved_database_url()
    assert url == f"sqlite+aiosqlite:///{tmp_path / 'interview-bot' / 'interview-bot.sqlite3'}"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEW_BOT_DATABASE_URL", " postgresql://db/bot ")
    monkeypatch.setenv("INTERVIEW_BOT_DEFAULT_TEAM", "ml-club")
    monkeypatch.setenv("INTERVIEW_BOT_DEFAULT_USER", "zoë")
    settings = Settings()
    assert settings.resolved_database_url() == "postgresql://db/bot"
    assert (settings.default_team, settings.default_user) == ("ml-club", "zoë")


def test_invalid_values_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEW_BOT_DEFAULT_TEAM", "")
    with pytest.raises(ValueError, match="default_team"):
        Settings()
