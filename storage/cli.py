"""`interview-bot db ...`: create or upgrade the database schema, and show where it stands.

The bot migrates on start anyway; these commands let an operator do it ahead of a deploy, or check a
database. Failures (unreachable server, bad URL) are one line on stderr and exit code 1, no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.database import Database

# Imported by `interview-bot --help` too: the database stack is only imported when a command runs.
ENV_URL = "INTERVIEW_BOT_DATABASE_URL"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` command and its sub-commands to the top-level parser."""
    parser = subparsers.add_parser("db", help="create, upgrade or inspect the database schema")
    parser.set_defaults(func=lambda _args: _usage(parser))
    commands = parser.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--url",
        metavar="URL",
        help=f"database URL or SQLite file path (default: ${ENV_URL}, else the per-user SQLite file)",
    )
    up = commands.add_parser("upgrade", parents=[common], help="apply every pending migration")
    up.set_defaults(func=cmd_upgrade)
    current = commands.add_parser("current", parents=[common], help="print the schema revision")
    current.set_defaults(func=cmd_current)
    rebuild = commands.add_parser(
        "rebuild-rollups", parents=[common], help="recompute leaderboard totals from the stored answers"
    )
    rebuild.set_defaults(func=cmd_rebuild_rollups)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _run(url: str | None, migrate: bool, work: Callable[[Database], Awaitable[str]]) -> int:
    from bot.core.errors import CoreError
    from storage.database import open_database

    async def main() -> str:
        database = await open_database(url, migrate=migrate)
        try:
            return await work(database)
        finally:
            await database.close()

    try:
        print(asyncio.run(main()))
    except CoreError as err:
        print(f"interview-bot db: {err.message}", file=sys.stderr)
        return 1
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, upgrade

    async def report(database: Database) -> str:
        await upgrade(database)
        return f"{database.display_url}: schema at revision {await current_revision(database)} (head)"

    return _run(args.url, False, report)


def cmd_current(args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, head_revision

    async def report(database: Database) -> str:
        current = await current_revision(database)
        head = head_revision()
        if current is None:
            state = "empty (run `interview-bot db upgrade`)"
        elif current == head:
            state = f"{current} (head)"
        else:
            state = f"{current} (head is {head}: run `interview-bot db upgrade`)"
        return f"{database.display_url}: {state}"

    return _run(args.url, False, report)


def cmd_rebuild_rollups(args: argparse.Namespace) -> int:
    from storage.repositories import rollups

    async def report(database: Database) -> str:
        async with database.uow_factory() as uow:
            written = await rollups.rebuild(uow.tx)
            await uow.commit()
        return f"{database.display_url}: leaderboard totals recomputed ({written} rollup rows)"

    return _run(args.url, True, report)
