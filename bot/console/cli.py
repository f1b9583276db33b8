"""`interview-bot console`, and the admin reports `interview-bot leaderboard` and `interview-bot stats`.

Each command builds the app (database migrated on start), runs, and closes it; expected failures (an
unreachable database, an unknown team) print one clear line on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.errors import CoreError
from bot.core.model import LeaderboardRow, Player, PlayerStats, TeamRef
from bot.core.views import Leaderboard

CONSOLE_PLATFORM = "console"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = subparsers.add_parser("console", help="practise in the terminal (works with piped stdin)")
    console.add_argument("--user", help="your name (default: $INTERVIEW_BOT_DEFAULT_USER or the login name)")
    console.add_argument("--team", help="the team whose leaderboard you join (default: local)")
    console.set_defaults(func=_run_console)

    board = subparsers.add_parser("leaderboard", help="a team's leaderboard (admin report)")
    board.add_argument("--team", required=True, help="team name (console) or platform:id, e.g. discord:1234")
    board.add_argument("--window", default="all", help="day, week, month or all (default)")
    board.add_argument("--topic", help="only this topic")
    board.add_argument("--group", help="only this group of the team")
    board.add_argument("--limit", type=int, default=10, help="rows to show (default 10)")
    board.add_argument("--json", action="store_true", help="print JSON")
    board.set_defaults(func=_run_leaderboard)

    stats = subparsers.add_parser("stats", help="a player's stats (admin report)")
    stats.add_argument("--team", required=True, help="team name (console) or platform:id")
    stats.add_argument("--user", required=True, help="the player's user id (the console name)")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(func=_run_stats)


def team_ref(text: str) -> TeamRef:
    """`platform:id` names a chat team; a bare name is a console team."""
    platform, sep, external = text.strip().partition(":")
    if sep and platform.isalpha() and external:
        return TeamRef(platform.lower(), external)
    return TeamRef(CONSOLE_PLATFORM, text.strip())


def _with_app(work: Callable[[Any], Awaitable[int]]) -> int:
    """Build the app, run `work(app)`, close; a `CoreError` becomes one line on stderr and exit code 1."""
    from bot.app import running_app

    async def main() -> int:
        async with running_app() as app:
            return await work(app)

    from questions.store import PackLoadError

    try:
        return asyncio.run(main())
    except CoreError as err:
        print(f"interview-bot: {err.message}", file=sys.stderr)
        return 1
    except PackLoadError as err:
        print(f"interview-bot: the question bank cannot be loaded: {err}", file=sys.stderr)
        return 1


def _run_console(args: argparse.Namespace) -> int:
    from bot.console.session import ConsoleSession

    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):  # bad bytes in, unencodable characters out: never crash
            stream.reconfigure(errors="replace")

    async def work(app: Any) -> int:
        user = (args.user or app.settings.default_user).strip()
        team = (args.team or app.settings.default_team).strip()
        player = Player(CONSOLE_PLATFORM, team or "local", user or "me", user or "me")
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        session = ConsoleSession(app.service, player, sys.stdout, interactive)
        return await session.run(sys.stdin)

    return _with_app(work)


def _row(row: LeaderboardRow) -> dict[str, object]:
    return {"rank": row.rank, "player_id": row.player_id, "display_name": row.display_name,
            "points": row.points, "answers": row.answers, "correct": row.correct}


def leaderboard_json(board: Leaderboard) -> dict[str, object]:
    return {
        "team": {"platform": board.team.platform, "id": board.team.external_id, "name": board.team.name,
                 "timezone": board.team.timezone},
        "window": board.window.value,
        "topic": board.topic,
        "group": board.group.name if board.group else None,
        "rows": [_row(r) for r in board.rows],
    }


def stats_json(stats: PlayerStats) -> dict[str, object]:
    return {
        "user": stats.player.user_id,
        "display_name": stats.player.display_name,
        "attempts": stats.attempts,
        "correct": stats.correct,
        "accuracy": round(stats.accuracy, 4),
        "points": stats.points,
        "rank": stats.rank,
        "streak": stats.streak,
        "due_reviews": stats.due_reviews,
        "by_topic": [{"topic": t.topic, "attempts": t.attempts, "correct": t.correct,
                      "accuracy": round(t.accuracy, 4), "mean_score": round(t.mean_score, 4)}
                     for t in stats.by_topic],
        "weakest_topics": list(stats.weakest_topics),
        "points_by_day": [{"date": d.local_date.isoformat(), "points": d.points, "attempts": d.attempts}
                          for d in stats.points_by_day],
    }


def _run_leaderboard(args: argparse.Namespace) -> int:
    from bot.console import render

    async def work(app: Any) -> int:
        board = await app.service.team_leaderboard(team_ref(args.team), args.window, args.topic, args.group,
                                                   args.limit)
        text = json.dumps(leaderboard_json(board), ensure_ascii=False) if args.json else None
        print(text or render.leaderboard_text(board))
        return 0

    return _with_app(work)


def _run_stats(args: argparse.Namespace) -> int:
    from bot.console import render

    async def work(app: Any) -> int:
        stats = await app.service.team_player_stats(team_ref(args.team), args.user)
        print(json.dumps(stats_json(stats), ensure_ascii=False) if args.json else render.stats_text(stats))
        return 0

    return _with_app(work)
