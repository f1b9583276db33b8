"""Uploads from before packs belonged to teams, and the `interview-bot packs` command that imports pack files
into one team.

Until migration 0003 an uploaded pack was a file in `<data dir>/packs`, on one host, shared by every team.
The database now keeps each team's uploads (every process sees them, no team sees another's). Nobody can
tell which team an old file was meant for, so nothing is imported on its own: the bot logs the files it
still finds, and an operator runs `interview-bot packs import --team discord:<guild id>` (files default to
that folder). The same command uploads any pack file to a team from a shell.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from questions.loader import MAX_PACK_BYTES, PACK_SUFFIXES

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bot.core.model import TeamRef
    from bot.core.service import PracticeService

    TeamWork = Callable[[PracticeService, TeamRef], Awaitable[int]]

log = logging.getLogger(__name__)

LEGACY_FOLDER = "packs"


def legacy_pack_files(data_dir: Path) -> list[Path]:
    """Pack files left in `<data dir>/packs` by versions that kept uploads as files (empty when none or
    unreadable)."""
    return _pack_files_of(data_dir / LEGACY_FOLDER)


def warn_about_legacy_files(data_dir: Path) -> None:
    """Log (once at start-up) that old shared uploads are no longer served, and how to import them."""
    files = legacy_pack_files(data_dir)
    if files:
        log.warning(
            "%d pack file(s) in %s were uploaded before packs belonged to teams and are no longer served; "
            "import them into a team with `interview-bot packs import --team PLATFORM:TEAM_ID`",
            len(files), files[0].parent,
        )


def parse_team(text: str) -> TeamRef:
    """`discord:<guild id>`, `slack:<workspace id>` or `console:<team>` as a team reference."""
    from bot.core.errors import InvalidInput
    from bot.core.model import TeamRef

    platform, sep, external = (text or "").strip().partition(":")
    if not sep or not platform.strip() or not external.strip() or len(text) > 200:
        raise InvalidInput("Name the team as PLATFORM:TEAM_ID, e.g. discord:1234567890 or slack:T0123.")
    return TeamRef(platform.strip().lower(), external.strip())


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `packs import` and `packs list`."""
    parser = subparsers.add_parser("packs", help="a team's uploaded question packs")
    parser.set_defaults(func=lambda _args: _usage(parser))
    commands = parser.add_subparsers(dest="packs_command", metavar="SUBCOMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--team", required=True, metavar="PLATFORM:TEAM_ID",
                        help="the team, e.g. discord:<guild id>, slack:<workspace id>, console:local")
    common.add_argument("--url", metavar="URL", help="database URL (default: the bot's configured database)")
    imported = commands.add_parser(
        "import", parents=[common], help="upload pack files to one team (default: the old <data dir>/packs)"
    )
    imported.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="pack files or folders")
    imported.add_argument("--no-replace", action="store_true", help="keep the team's packs of the same name")
    imported.set_defaults(func=cmd_import)
    listed = commands.add_parser("list", parents=[common], help="the packs one team sees")
    listed.set_defaults(func=cmd_list)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _pack_files_in(path: Path) -> list[Path]:
    """A file as given (a missing one is reported when read), or the pack files of a folder."""
    return _pack_files_of(path) if path.is_dir() else [path]


def _pack_files_of(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(PACK_SUFFIXES))
    except OSError:
        return []


async def _with_service(url: str | None, work: TeamWork, team: TeamRef) -> int:
    from bot.core.checking import check
    from bot.core.service import PracticeService
    from questions.store import QuestionStore
    from storage.database import open_database

    database = await open_database(url)
    try:
        store = QuestionStore.load_default()
        return await work(PracticeService(database.uow_factory, store, check, packs=store), team)
    finally:
        await database.close()


def _run(args: argparse.Namespace, work: TeamWork) -> int:
    from bot.config import load_settings
    from bot.core.errors import CoreError

    try:
        team = parse_team(args.team)
        url = args.url or load_settings().resolved_database_url()
        return asyncio.run(_with_service(url, work, team))
    except CoreError as err:
        print(f"interview-bot packs: {err.message}", file=sys.stderr)
        return 1


def cmd_import(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from bot.core.errors import CoreError, InvalidInput
    from bot.core.packs import InvalidPack

    try:
        parse_team(args.team)
    except CoreError as err:
        print(f"interview-bot packs: {err.message}", file=sys.stderr)
        return 1
    if args.paths:
        paths = list(args.paths)
        files = [f for p in paths for f in _pack_files_in(p)]
    else:
        data_dir = load_settings().resolved_data_dir()
        paths, files = [data_dir / LEGACY_FOLDER], legacy_pack_files(data_dir)
    if not files:
        where = ", ".join(map(str, paths))
        print(f"interview-bot packs: no pack files (.yaml) found in {where}", file=sys.stderr)
        return 1

    async def work(service: PracticeService, team: TeamRef) -> int:
        failed = 0
        for path in files:
            try:
                if path.stat().st_size > MAX_PACK_BYTES:
                    raise InvalidInput(f"the file is larger than {MAX_PACK_BYTES:,} bytes")
                data = path.read_bytes()
                done = await service.upload_pack(team, data, path.name, replace=not args.no_replace)
            except OSError as err:
                failed += 1
                print(f"{path}: cannot read: {err.strerror or err}", file=sys.stderr)
            except InvalidPack as err:
                failed += 1
                print("\n".join(err.problems), file=sys.stderr)
            except CoreError as err:
                failed += 1
                print(f"{path}: {err.message}", file=sys.stderr)
            else:
                verb = "replaced" if done.replaced else "imported"
                print(f"{verb} {done.name} ({done.questions} questions) from {path} into {team.platform}:"
                      f"{team.external_id}")
        return 1 if failed else 0

    return _run(args, work)


def cmd_list(args: argparse.Namespace) -> int:
    async def work(service: PracticeService, team: TeamRef) -> int:
        for info in await service.list_packs(team):
            origin = "uploaded" if info.uploaded else "shipped"
            state = "on" if info.enabled else "off"
            print(f"{info.name}\t{origin}\t{state}\t{info.questions}\t{info.title}")
        return 0

    return _run(args, work)
