"""`interview-bot config check`: the effective settings with secrets masked, and one sentence per missing
or invalid value, each naming the environment variable to fix (exit code 1 when there is any).

`describe_errors` turns pydantic's validation errors into those sentences; `problems` finds what needs
several values at once (Slack's HTTP mode needs a signing secret, shard ids need a shard count, ...);
`run` uses both before it opens anything.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError

from bot.config import ENV_PREFIX, Settings
from bot.core.errors import InvalidInput
from bot.slack_adapter.settings import GLOBAL_PREFIX, PLAIN_PREFIX

MASK = "********"
NOT_SET = "(not set)"
NOTHING_CONFIGURED = (
    "No platform is configured: set INTERVIEW_BOT_DISCORD__TOKEN for Discord, and/or "
    "INTERVIEW_BOT_SLACK__BOT_TOKEN (or SLACK_BOT_TOKEN) for Slack, with INTERVIEW_BOT_SLACK__SIGNING_SECRET "
    "for HTTP mode or INTERVIEW_BOT_SLACK__APP_TOKEN and INTERVIEW_BOT_SLACK__MODE=socket for Socket Mode. "
    "To practise offline without a platform, use `interview-bot console`."
)
_HIDDEN_INPUT = ("token", "secret", "database_url", "password")
_SHORT_NAMES = {"logging.json_lines": "logging.json"}
_TOP_LEVEL = ("database_url", "data_dir", "default_team", "default_user")


def variable(loc: tuple[Any, ...], environ: Mapping[str, str] | None = None) -> str:
    """The environment variable behind a settings location, e.g. ('slack', 'http_port') →
    `INTERVIEW_BOT_SLACK__HTTP_PORT`, or `SLACK_HTTP_PORT` when only Slack's own name is set."""
    env = {k.upper() for k in (os.environ if environ is None else environ)}
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if not parts:
        return f"{ENV_PREFIX}*"
    if len(parts) == 1 and parts[0] in Settings.model_fields and parts[0] not in _TOP_LEVEL:
        return f"{ENV_PREFIX}{parts[0].upper()}__*"
    if parts[0] == "slack" and len(parts) > 1:
        full, plain = f"{GLOBAL_PREFIX}{parts[1].upper()}", f"{PLAIN_PREFIX}{parts[1].upper()}"
        return plain if full not in env and plain in env else full
    return ENV_PREFIX + "__".join(parts).upper()


def describe_errors(error: ValidationError, environ: Mapping[str, str] | None = None) -> list[str]:
    """One sentence per invalid value: `VARIABLE: what is wrong (got 'value')`; secrets never shown."""
    found: list[str] = []
    # Slack's section is built by its own default factory when no INTERVIEW_BOT_SLACK__* is set; its
    # errors then come without the section in their location.
    section: tuple[str, ...] = ("slack",) if error.title == "SlackSettings" else ()
    for item in error.errors():
        loc = (*section, *item.get("loc", ()))
        kind = item.get("type", "")
        if kind == "unknown_settings":
            names = str((item.get("ctx") or {}).get("names", "")).split(",")
            found.extend(f"{variable((*loc, n), environ)}: unknown setting (a typo?)" for n in names if n)
            continue
        name = variable(loc, environ)
        if kind == "extra_forbidden":
            found.append(f"{name}: unknown setting (a typo?)")
            continue
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        shown = item.get("input")
        hidden = any(word in name.lower() for word in _HIDDEN_INPUT)
        if isinstance(shown, str | int | float) and not hidden and not isinstance(shown, bool):
            message += f" (got {str(shown)[:60]!r})"
        found.append(f"{name}: {message}")
    return found


def problems(settings: Settings, *, need_platform: bool = True) -> list[str]:
    """What cannot work although every single value parsed; empty when the settings are usable."""
    found: list[str] = []
    try:
        from storage.database import normalize_url

        normalize_url(settings.resolved_database_url())
    except InvalidInput as err:
        found.append(f"{ENV_PREFIX}DATABASE_URL: {err.message}")
    if settings.slack.enabled:
        found.extend(settings.slack.problems(GLOBAL_PREFIX))
    discord = settings.discord
    if discord.enabled and discord.shard_ids is not None:
        if discord.shard_count is None:
            found.append(f"{ENV_PREFIX}DISCORD__SHARD_COUNT must be set when DISCORD__SHARD_IDS is.")
        elif any(not 0 <= s < discord.shard_count for s in discord.shard_ids):
            count = discord.shard_count
            found.append(f"{ENV_PREFIX}DISCORD__SHARD_IDS: each id must be below the shard count ({count}).")
    found.extend(_port_clash(settings))
    try:
        settings.scheduler.scheduler_settings()
    except InvalidInput as err:
        found.append(f"{ENV_PREFIX}SCHEDULER__*: {err.message}")
    if need_platform and not discord.enabled and not settings.slack.enabled:
        found.append(NOTHING_CONFIGURED)
    return found


def warnings(settings: Settings) -> list[str]:
    """Settings that work but probably not as meant."""
    found = []
    url = settings.resolved_database_url().lower()
    if settings.scheduler.leader_lock and not url.startswith(("postgres", "postgresql")):
        found.append(
            f"{ENV_PREFIX}SCHEDULER__LEADER_LOCK only works on PostgreSQL; on SQLite every process schedules "
            "(the database still posts each day once)."
        )
    seen = settings.observability
    if seen.enabled and seen.host not in ("127.0.0.1", "localhost", "::1"):
        found.append(
            f"{ENV_PREFIX}OBSERVABILITY__HOST={seen.host}: /metrics is reachable from other machines; keep "
            "the port private (firewall, container network)."
        )
    return found


def _port_clash(settings: Settings) -> list[str]:
    slack, seen = settings.slack, settings.observability
    if not (slack.enabled and slack.mode == "http" and seen.enabled) or seen.port == 0:
        return []
    if seen.port == slack.http_port and seen.host != slack.http_host:
        return [
            f"{ENV_PREFIX}OBSERVABILITY__PORT: {seen.port} is also Slack's HTTP port on another host "
            f"({slack.http_host}); use the same host to share one server, or another port."
        ]
    return []


def effective_lines(settings: Settings) -> list[str]:
    """`VARIABLE=value` for every setting, secrets as `********`, the database password hidden."""
    lines = []
    for name, value in _flatten(settings):
        lines.append(f"{name}={_shown(name, value)}")
    return lines


def _flatten(model: BaseModel, prefix: str = ENV_PREFIX, path: str = "") -> Iterator[tuple[str, Any]]:
    for field in type(model).model_fields:
        value = getattr(model, field)
        dotted = f"{path}{field}"
        key = _SHORT_NAMES.get(dotted, dotted).rpartition(".")[2]
        if isinstance(value, BaseModel):
            inner = GLOBAL_PREFIX if field == "slack" else f"{prefix}{field.upper()}__"
            yield from _flatten(value, inner, f"{dotted}.")
        else:
            yield f"{prefix}{key.upper()}", value


def _shown(name: str, value: Any) -> str:
    if isinstance(value, SecretStr):
        return MASK if value.get_secret_value() else NOT_SET
    if value is None:
        return NOT_SET
    if name.endswith("DATABASE_URL"):
        return _hide_password(str(value))
    if isinstance(value, timedelta):
        return _duration(value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _duration(value: timedelta) -> str:
    """`3h`, `1h30m`, `45s`: the form the setting accepts."""
    seconds = int(value.total_seconds())
    if seconds != value.total_seconds() or seconds <= 0:
        return f"{value.total_seconds():g}"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if n)


def _hide_password(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}{MASK}@{rest.rpartition('@')[2]}" if "@" in rest else url


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("config", help="check the settings (environment and .env)")
    commands = parser.add_subparsers(dest="config_command", metavar="SUBCOMMAND")
    parser.set_defaults(func=lambda _args: _usage(parser))
    check = commands.add_parser(
        "check",
        help="print the effective settings (secrets masked); exit 1 naming each missing or invalid value",
    )
    check.add_argument(
        "--env-file", type=Path, help="also read this file (e.g. docker compose's); real variables win"
    )
    check.set_defaults(func=_check)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _check(args: argparse.Namespace) -> int:
    env_file = args.env_file
    if env_file is not None:
        if not env_file.is_file():
            print(f"interview-bot config: no such file {env_file}", file=sys.stderr)
            return 1
        from dotenv import dotenv_values

        for key, value in dotenv_values(env_file).items():  # this command exits right after
            if value is not None:
                os.environ.setdefault(key, value)
    try:
        settings = Settings()
    except ValidationError as error:
        for line in describe_errors(error):
            print(f"error: {line}", file=sys.stderr)
        return 1
    for line in effective_lines(settings):
        print(line)
    for line in warnings(settings):
        print(f"warning: {line}", file=sys.stderr)
    found = problems(settings)
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    if found:
        return 1
    print("settings OK", file=sys.stderr)
    return 0
