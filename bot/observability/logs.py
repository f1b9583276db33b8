"""Log set-up for `interview-bot run`: text or JSON lines on stderr, with secrets redacted.

Redaction happens in the formatter, on the final text of every field (message, exception, stack and
extras), so nothing a library logs can slip past it: the process's own secrets (the settings' tokens and
signing secret) and anything shaped like a token (`xoxb-…`, `xapp-…`, a Discord bot token, an
`Authorization: Bot|Bearer …` value, a password in a URL) become `[redacted]`.

Answer text is never logged above DEBUG: the code that handles answers logs ids, lengths and kinds only
(tests/unit/observability/test_logs.py and tests/e2e/test_run_command.py check it end to end).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

REDACTED = "[redacted]"
TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]{4,}"),  # Slack bot/user/legacy tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{4,}"),  # Slack app-level tokens
    re.compile(r"\b[MNO][A-Za-z\d_-]{20,30}\.[A-Za-z\d_-]{4,10}\.[A-Za-z\d_-]{20,50}"),  # Discord bot tokens
    re.compile(r"(?i)(?<=\bbot )[A-Za-z0-9._~+/=-]{16,}"),  # Authorization: Bot <token>
    re.compile(r"(?i)(?<=\bbearer )[A-Za-z0-9._~+/=-]{8,}"),  # Authorization: Bearer <token>
    re.compile(r"(?<=://)[^:/@\s]+:[^@\s]+(?=@)"),  # user:password@ in a URL
)
QUIET = {"apscheduler": logging.WARNING, "alembic": logging.WARNING, "aiohttp.access": logging.WARNING}
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
_INSTALLED = "_interview_bot_handler"


class Redactor:
    """Replaces known secret values (longest first) and token-shaped strings with `[redacted]`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        kept = sorted({s.strip() for s in secrets if len(s.strip()) >= 4}, key=len, reverse=True)
        self.secrets = kept

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(REDACTED, text)
        return text


class _ZonedFormatter(logging.Formatter):
    def __init__(self, redact: Redactor, timezone: str, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self.redact = redact
        self.zone = ZoneInfo(timezone)

    def stamp(self, record: logging.LogRecord) -> str:
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds")


class TextFormatter(_ZonedFormatter):
    """`2025-01-01T09:00:00.000+00:00 INFO bot.run: message`, exceptions below, all redacted."""

    def __init__(self, redact: Redactor, timezone: str = "UTC") -> None:
        super().__init__(redact, timezone, "%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(f"{self.stamp(record)} {super().format(record)}")


class JsonFormatter(_ZonedFormatter):
    """One JSON object per line: ts, level, logger, message, then exc/stack and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.stamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = self.redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = self.redact(self.formatStack(record.stack_info))
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = self.redact(value) if isinstance(value, str) else _plain(value, self.redact)
        return json.dumps(entry, ensure_ascii=False, default=lambda v: self.redact(str(v)))


def _plain(value: Any, redact: Redactor) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


def configure_logging(
    level: str = "INFO",
    json_lines: bool = False,
    timezone: str = "UTC",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install one stderr handler on the root logger (replacing one installed before by this function,
    leaving others alone, e.g. pytest's capture) and quiet chatty libraries. Returns the handler."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, _INSTALLED, False):
            root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    redact = Redactor(secrets)
    handler.setFormatter(JsonFormatter(redact, timezone) if json_lines else TextFormatter(redact, timezone))
    setattr(handler, _INSTALLED, True)
    root.addHandler(handler)
    root.setLevel(level.upper())
    if level.upper() != "DEBUG":
        for name, quiet in QUIET.items():
            logging.getLogger(name).setLevel(quiet)
    return handler
