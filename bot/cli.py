"""The `interview-bot` command: one argparse tree whose branches live next to the code they drive.

Each feature module exposes `register(subparsers)` and sets `func` on its parsers; this file only wires
them, so adding a command never means editing another feature's code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that contribute sub-commands, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "questions.cli",
    "storage.cli",
    "bot.pack_archive",
    "bot.console.cli",
    "bot.grading_cli",
    "bot.discord_adapter.cli",
    "bot.slack_adapter.cli",
    "bot.run",
    "bot.config_check",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser; command modules are imported here so `import bot.cli` stays cheap."""
    parser = argparse.ArgumentParser(
        prog="interview-bot",
        description="Practise deep-learning interview questions (console, Discord, Slack).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
