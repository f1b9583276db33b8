"""Settings: one `INTERVIEW_BOT_` prefix with sections, Slack's own names as a fallback, a clear sentence
naming the variable for each invalid or missing value, masked output, and `.env.example` listing every
setting there is."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.config import Settings
from bot.config_check import NOTHING_CONFIGURED, describe_errors, effective_lines, problems, warnings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No bot or Slack variable from the outside, and a working directory without a `.env`."""
    for name in list(os.environ):
        if name.upper().startswith(("INTERVIEW_BOT_", "SLACK_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


def errors_for(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    return describe_errors(caught.value)


def usable(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    monkeypatch.setenv("INTERVIEW_BOT_SLACK__BOT_TOKEN", "xoxb-1-token")
    monkeypatch.setenv("INTERVIEW_BOT_SLACK__SIGNING_SECRET", "s3cret-signing")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
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


def test_sections_read_nested_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = usable(
        monkeypatch,
        INTERVIEW_BOT_DISCORD__TOKEN="abc.def.ghi",
        INTERVIEW_BOT_DISCORD__SHARD_IDS="0, 2",
        INTERVIEW_BOT_DISCORD__SHARD_COUNT="4",
        INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE="1h30m",
        INTERVIEW_BOT_SCHEDULER__LEADER_LOCK="yes",
        INTERVIEW_BOT_LOGGING__JSON="true",
        INTERVIEW_BOT_LOGGING__LEVEL="debug",
        INTERVIEW_BOT_OBSERVABILITY__PORT="9100",
        INTERVIEW_BOT_DATABASE__POOL_SIZE="3",
        INTERVIEW_BOT_GRADING__SLOW_MS="50",
    )
    assert settings.discord.shard_ids == (0, 2) and settings.discord.uses_shards
    adapter = settings.discord.adapter_settings(None)
    assert adapter.sharded and adapter.shard_count == 4 and adapter.token == "abc.def.ghi"
    assert settings.scheduler.catch_up_grace == timedelta(minutes=90)
    assert settings.scheduler.scheduler_settings().catch_up_grace == timedelta(minutes=90)
    assert settings.scheduler.leader_lock
    assert settings.logging.json_lines and settings.logging.level == "DEBUG"
    chosen = (settings.observability.port, settings.database.pool_size, settings.grading.slow_ms)
    assert chosen == (9100, 3, 50)


def test_slack_falls_back_to_slacks_own_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-plain")
    monkeypatch.setenv("SLACK_MODE", "socket")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-plain")
    monkeypatch.setenv("INTERVIEW_BOT_SLACK__APP_TOKEN", "xapp-prefixed")
    slack = Settings().slack
    assert slack.bot_token.get_secret_value() == "xoxb-plain" and slack.mode == "socket"
    assert slack.app_token.get_secret_value() == "xapp-prefixed"  # the prefixed name wins
    assert slack.enabled and not slack.problems()


def test_dot_env_in_the_working_directory_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "INTERVIEW_BOT_DEFAULT_TEAM=from-file\nINTERVIEW_BOT_DEFAULT_USER=file-user\nSLACK_BOT_TOKEN=xoxb-file\n"
    )
    monkeypatch.setenv("INTERVIEW_BOT_DEFAULT_USER", "env-user")
    settings = Settings()
    assert (settings.default_team, settings.default_user) == ("from-file", "env-user")
    assert settings.slack.bot_token.get_secret_value() == "xoxb-file"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("INTERVIEW_BOT_SLACK__HTTP_PORT", "70000", "less than or equal to 65535"),
        ("SLACK_HTTP_PORT", "eighty", "valid integer"),
        ("INTERVIEW_BOT_OBSERVABILITY__PORT", "-1", "greater than or equal to 0"),
        ("INTERVIEW_BOT_LOGGING__TIMEZONE", "Mars/Olympus_Mons", "unknown timezone"),
        ("INTERVIEW_BOT_LOGGING__LEVEL", "LOUD", "'DEBUG'"),
        ("INTERVIEW_BOT_LOGGING__JSON", "maybe", "valid boolean"),
        ("INTERVIEW_BOT_DISCORD__API_BASE_URL", "discord.com/api", "absolute http:// or https:// URL"),
        ("INTERVIEW_BOT_DISCORD__GATEWAY_URL", "http://gateway", "ws:// or wss://"),
        ("INTERVIEW_BOT_SLACK__API_BASE_URL", "ftp://slack.example/api/", "absolute http://"),
        ("INTERVIEW_BOT_SLACK__API_BASE_URL", "http://host:port/", "not a valid URL"),
        ("INTERVIEW_BOT_SLACK__MODE", "carrier-pigeon", "'http' or 'socket'"),
        ("INTERVIEW_BOT_SLACK__HTTP_PATH", "no-slash", "should match pattern"),
        ("INTERVIEW_BOT_DISCORD__SHARD_IDS", "0,a", "whole numbers"),
        ("INTERVIEW_BOT_DISCORD__APPLICATION_ID", "abc", "valid integer"),
        ("INTERVIEW_BOT_DISCORD__SHARD_COUNT", "0", "greater than or equal to 1"),
        ("INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE", "soon", "duration like 3h"),
        ("INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE", "2d", "at most 23 hours"),
        ("INTERVIEW_BOT_SCHEDULER__SYNC_SECONDS", "0", "greater than or equal to 1"),
        ("INTERVIEW_BOT_SCHEDULER__LEADER_RETRY_SECONDS", "0", "greater than or equal to 0.2"),
        ("INTERVIEW_BOT_SCHEDULER__RETRY_CAP_SECONDS", "1", "must not be smaller than"),
        ("INTERVIEW_BOT_DATABASE__POOL_SIZE", "0", "greater than or equal to 1"),
        ("INTERVIEW_BOT_GRADING__SLOW_MS", "-5", "greater than 0"),
        ("INTERVIEW_BOT_DEFAULT_TEAM", "", "at least 1 character"),
        ("INTERVIEW_BOT_DISCORD__TOKN", "x", "unknown setting"),
        ("INTERVIEW_BOT_SLACK__BOGUS", "1", "unknown setting"),
    ],
)
def test_each_invalid_value_is_named_with_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    messages = errors_for(monkeypatch, **{name: value})
    named = name if not name.endswith("RETRY_CAP_SECONDS") else "INTERVIEW_BOT_SCHEDULER__"
    assert len(messages) == 1, messages
    assert messages[0].startswith(named) and expected in messages[0], messages


def test_several_invalid_values_give_one_message_each(monkeypatch: pytest.MonkeyPatch) -> None:
    messages = errors_for(monkeypatch, INTERVIEW_BOT_SLACK__HTTP_PORT="x",
                          INTERVIEW_BOT_LOGGING__LEVEL="loud", INTERVIEW_BOT_OBSERVABILITY__PORT="99999")
    assert len(messages) == 3 and all(m.startswith("INTERVIEW_BOT_") for m in messages)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"INTERVIEW_BOT_SLACK__SIGNING_SECRET": ""},
         "INTERVIEW_BOT_SLACK__SIGNING_SECRET (or SLACK_SIGNING_SECRET) must be set in http mode"),
        ({"INTERVIEW_BOT_SLACK__MODE": "socket"},
         "INTERVIEW_BOT_SLACK__APP_TOKEN (or SLACK_APP_TOKEN) must be set"),
        ({"INTERVIEW_BOT_SLACK__BOT_TOKEN": "not-a-bot-token"}, "must be set to the bot token (xoxb-...)"),
        ({"INTERVIEW_BOT_DISCORD__TOKEN": "t", "INTERVIEW_BOT_DISCORD__SHARD_IDS": "0"},
         "INTERVIEW_BOT_DISCORD__SHARD_COUNT must be set"),
        ({"INTERVIEW_BOT_DISCORD__TOKEN": "t", "INTERVIEW_BOT_DISCORD__SHARD_IDS": "0,3",
          "INTERVIEW_BOT_DISCORD__SHARD_COUNT": "2"}, "each id must be below the shard count (2)"),
        ({"INTERVIEW_BOT_DATABASE_URL": "mysql://u:pw-7781@host/db"},
         "INTERVIEW_BOT_DATABASE_URL: Unsupported"),
        ({"INTERVIEW_BOT_OBSERVABILITY__PORT": "3000", "INTERVIEW_BOT_SLACK__HTTP_HOST": "0.0.0.0"},
         "is also Slack's HTTP port on another host"),
    ],
)
def test_values_that_do_not_fit_together_are_problems(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    found = problems(usable(monkeypatch, **env))
    assert len(found) == 1 and expected in found[0], found
    assert "pw-7781" not in found[0]


def test_a_usable_configuration_has_no_problem_and_sharing_slacks_server_is_fine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared = usable(monkeypatch, INTERVIEW_BOT_SLACK__HTTP_HOST="127.0.0.1",
                    INTERVIEW_BOT_SLACK__HTTP_PORT="8080")
    assert problems(shared) == [] and warnings(shared) == []


def test_nothing_to_run_is_a_problem_and_the_leader_lock_on_sqlite_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTERVIEW_BOT_SCHEDULER__LEADER_LOCK", "true")
    settings = Settings()
    assert problems(settings) == [NOTHING_CONFIGURED]
    assert problems(settings, need_platform=False) == []
    assert any("LEADER_LOCK only works on PostgreSQL" in w for w in warnings(settings))


def test_effective_settings_mask_secrets_and_the_database_password(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = usable(monkeypatch, INTERVIEW_BOT_DATABASE_URL="postgresql://bot:hunter22@db:5432/bot",
                      INTERVIEW_BOT_DISCORD__TOKEN="MTIz.discord.token-value")
    lines = effective_lines(settings)
    text = "\n".join(lines)
    for secret in ("hunter22", "xoxb-1-token", "s3cret-signing", "MTIz.discord.token-value"):
        assert secret not in text
    assert "INTERVIEW_BOT_SLACK__BOT_TOKEN=********" in lines
    assert "INTERVIEW_BOT_SLACK__APP_TOKEN=(not set)" in lines
    assert "INTERVIEW_BOT_DATABASE_URL=postgresql://bot:***@db:5432/bot" in lines
    assert "INTERVIEW_BOT_SCHEDULER__CATCH_UP_GRACE=3h" in lines
    assert "INTERVIEW_BOT_LOGGING__JSON=false" in lines
    expected = ["xoxb-1-token", "s3cret-signing", "MTIz.discord.token-value"]
    assert sorted(settings.secret_values()) == sorted(expected)


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?(INTERVIEW_BOT_[A-Z0-9_]+)=", example, re.M))
    existing = {line.partition("=")[0] for line in effective_lines(Settings())}
    assert documented == existing


def test_config_check_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                              tmp_path: Path) -> None:
    assert main(["config", "check"]) == 1
    assert NOTHING_CONFIGURED in capsys.readouterr().err

    monkeypatch.setenv("INTERVIEW_BOT_SLACK__HTTP_PORT", "70000")
    monkeypatch.setenv("INTERVIEW_BOT_LOGGING__TIMEZONE", "Nowhere/Special")
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err] == ["error"] * 2
    assert "INTERVIEW_BOT_SLACK__HTTP_PORT" in err[0] and "INTERVIEW_BOT_LOGGING__TIMEZONE" in err[1]

    monkeypatch.delenv("INTERVIEW_BOT_SLACK__HTTP_PORT")
    monkeypatch.delenv("INTERVIEW_BOT_LOGGING__TIMEZONE")
    env_file = tmp_path / "prod.env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file-123\nINTERVIEW_BOT_SLACK__SIGNING_SECRET=sig-from-file\n")
    assert main(["config", "check", "--env-file", str(env_file)]) == 0
    captured = capsys.readouterr()
    assert "INTERVIEW_BOT_SLACK__BOT_TOKEN=********" in captured.out
    assert "xoxb-from-file-123" not in captured.out + captured.err and "settings OK" in captured.err
    assert main(["config", "check", "--env-file", str(tmp_path / "missing.env")]) == 1
