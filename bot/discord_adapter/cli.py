"""`interview-bot discord`: run the Discord bot on its own (the full app with the scheduler is issue 8's).

The token and options come from `INTERVIEW_BOT_DISCORD__*` (see `DiscordSettings.from_env`); the command
hash for "sync only when changed" is kept in the data directory next to the SQLite database. Expected
failures (no token, database unreachable, token refused) print one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.core.errors import CoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "discord", help="run the Discord bot (token in $INTERVIEW_BOT_DISCORD__TOKEN)"
    )
    parser.add_argument("--sharded", action="store_true", help="use AutoShardedClient (large bots)")
    parser.add_argument(
        "--sync-guild", type=int, metavar="ID", help="register commands on one guild only (dev)"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return asyncio.run(_serve(args))
    except CoreError as error:
        print(f"interview-bot discord: {error.message}", file=sys.stderr)
        return 1


async def _serve(args: argparse.Namespace) -> int:
    import discord

    from bot.app import running_app
    from bot.discord_adapter import DiscordSettings, build_discord_client

    base = DiscordSettings.from_env()  # a missing token fails before the database is touched
    async with running_app() as app:
        changes = {
            "state_dir": app.settings.resolved_data_dir(),
            "sharded": base.sharded or args.sharded,
            "sync_guild_id": args.sync_guild or base.sync_guild_id,
        }
        settings = DiscordSettings(**{**base.__dict__, **changes})
        client = build_discord_client(app.service, settings)
        try:
            async with client:
                await client.start(settings.token)
        except discord.LoginFailure:
            print("interview-bot discord: Discord refused the token.", file=sys.stderr)
            return 1
        except discord.PrivilegedIntentsRequired as error:
            print(f"interview-bot discord: {error}", file=sys.stderr)
            return 1
    return 0
