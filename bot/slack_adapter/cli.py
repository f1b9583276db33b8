"""`interview-bot slack`: run the Slack bot on the configured transport until interrupted.

Settings come from `SLACK_*` variables (see `bot.slack_adapter.settings`); the database and question bank
from the global settings, through the composition root `bot.app`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from pydantic import ValidationError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "slack",
        help="run the Slack bot (HTTP or Socket Mode)",
        description="Run the Slack bot. Needs SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (http mode) or "
                    "SLACK_APP_TOKEN (socket mode).",
    )
    parser.add_argument("--mode", choices=("http", "socket"), help="override SLACK_MODE")
    parser.add_argument("--host", help="override SLACK_HTTP_HOST (http mode)")
    parser.add_argument("--port", type=int, help="override SLACK_HTTP_PORT (http mode)")
    parser.add_argument("--check", action="store_true", help="only validate the settings and exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.slack_adapter.settings import SlackSettings

    overrides = {k: v for k, v in (("mode", args.mode), ("http_host", args.host), ("http_port", args.port))
                 if v is not None}
    try:
        settings = SlackSettings(**overrides)
    except ValidationError as err:
        print(f"slack: invalid settings: {err.errors()[0].get('msg', err)}", file=sys.stderr)
        return 2
    problems = settings.problems()
    if problems:
        for problem in problems:
            print(f"slack: {problem}", file=sys.stderr)
        return 2
    if args.check:
        print(f"slack: settings OK ({settings.mode} mode)")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        return 130
    return 0


async def _serve(settings: Any) -> None:
    from bot.app import running_app
    from bot.core.errors import CoreError
    from bot.slack_adapter.app import build_slack_app
    from bot.slack_adapter.transport import run_forever

    try:
        async with running_app() as composed:
            app = build_slack_app(composed.service, settings)
            logging.getLogger("bot.slack_adapter").info("Slack bot starting in %s mode", settings.mode)
            await run_forever(app, settings)
    except CoreError as err:
        print(f"slack: {err.message}", file=sys.stderr)
        raise SystemExit(1) from None
