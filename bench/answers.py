"""Scored answers per second through the core and the database, and top-10 leaderboard latency.

    python bench/answers.py                          # SQLite and PostgreSQL, full sizes
    python bench/answers.py --backend sqlite         # one backend
    python bench/answers.py --players 10000 --attempts 100000 --answers 500   # a quick run
    python bench/answers.py --skip-leaderboard --concurrency 50,200           # throughput only

Throughput: the real `PracticeService` with the real checker on a fresh database per concurrency level.
"daily": distinct new players answer one daily question (each answer creates the player, checks the
first-answer rule, stores the attempt, its rollup rows and the review card); "quiz": players with a
running quiz answer their questions one after another (each answer reads the session, stores the
attempt, rollups and card, and moves the session on with its compare-and-set). --concurrency gives the
numbers of players answering at the same moment (default 50 and 200, each its own run); the core's group
commit shares transactions between the answers in flight, so the figure depends on it and is printed
per level, with the answers per transaction. Questions are the bank's choice / multi-choice /
true-false ones, so the figure measures core + storage rather than free-text grading
(bench/eval_checker.py times the checker).

Leaderboard: one team of --players players with --attempts attempts spread over a year, loaded in bulk
(bench/_bulk.py), then `team_leaderboard(..., limit=10)` through the service for every window, with and
without a topic and a group; median and 95th percentile of --repeat runs. PostgreSQL is a throwaway
cluster (storage/testing_pg.py) with its default, durable settings; SQLite a file in a temp folder.
Targets: >= 1,000 answers/s, top-10 <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._bulk import Shape, load_postgres, load_sqlite
from bot.core.checking import check
from bot.core.model import DailyPost, DailyResults, Player, TeamRef
from bot.core.service import PracticeService
from questions.schema import Kind, Question
from questions.store import QuestionStore
from storage.database import open_database
from storage.testing_pg import PostgresCluster

TODAY = date(2025, 3, 12)
NOW = datetime(2025, 3, 12, 18, 0, tzinfo=UTC)
CHEAP_KINDS = (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.TRUE_FALSE)


class Clock:
    def now(self) -> datetime:
        return NOW


class NullAnnouncer:
    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        return f"msg-{daily_post.id}"

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        return "reveal"


class CheapCatalog:
    """The shipped bank restricted to questions graded without free-text analysis."""

    def __init__(self) -> None:
        self.questions = [q for q in QuestionStore.load_default().all() if q.kind in CHEAP_KINDS]

    def get(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise LookupError(question_id)

    def all(self) -> list[Question]:
        return list(self.questions)


def right_answer(question: Question) -> str:
    if question.kind == Kind.TRUE_FALSE:
        return "true" if question.truth else "false"
    return ", ".join(question.correct or [])


async def _bounded(tasks: Sequence[asyncio.Future[object] | object], limit: int) -> int:
    gate = asyncio.Semaphore(limit)
    failures = 0

    async def run(coro: object) -> None:
        nonlocal failures
        async with gate:
            try:
                await coro  # type: ignore[misc]
            except Exception as err:  # counted and shown: a benchmark must not hide failures
                failures += 1
                if failures <= 3:
                    print(f"    answer failed: {type(err).__name__}: {err}", file=sys.stderr)

    await asyncio.gather(*(run(t) for t in tasks))
    return failures


async def throughput(url: str, answers: int, concurrency: int, lanes: int | None) -> dict[str, float]:
    """Answers per second of both scenarios on a fresh database with `concurrency` players in flight."""
    database = await open_database(url)
    catalog = CheapCatalog()
    service = PracticeService(database.uow_factory, catalog, check, clock=Clock(),
                              announcers={"bench": NullAnnouncer()})
    grouped = service.ctx.group_commit
    assert grouped is not None
    if lanes is not None:
        grouped.lane_count = max(lanes, 1)
    try:
        await service.configure_daily("bench:team/daily", TeamRef("bench", "team"), "09:00")
        post = await service.open_daily("bench:team/daily", force=True)
        expected = right_answer(catalog.get(post.question_id))
        before = (grouped.transactions, grouped.works)
        started = time.perf_counter()
        failed = await _bounded([service.submit_daily(Player("bench", "team", f"d{i}", f"Daily {i}"), post.id,
                                                      expected) for i in range(answers)], concurrency)
        daily = answers / (time.perf_counter() - started)
        daily_batch = (grouped.works - before[1]) / max(grouped.transactions - before[0], 1)

        quizzers = [Player("bench", "team", f"q{i}", f"Quiz {i}") for i in range(max(answers // 5, 1))]
        pending = []
        for player in quizzers:
            view = await service.start_quiz(player, count=5)
            pending.append((player, view.question))

        async def answer_all(player: Player, first: Question) -> None:
            question: Question | None = first
            while question is not None:
                feedback = await service.submit(player, right_answer(question), question_id=question.id)
                question = feedback.next_question.question if feedback.next_question else None

        before = (grouped.transactions, grouped.works)
        started = time.perf_counter()
        failed += await _bounded([answer_all(p, q) for p, q in pending], concurrency)
        quiz = len(quizzers) * 5 / (time.perf_counter() - started)
        quiz_batch = (grouped.works - before[1]) / max(grouped.transactions - before[0], 1)
        return {"daily": daily, "quiz": quiz, "failed": failed, "daily_batch": daily_batch,
                "quiz_batch": quiz_batch}
    finally:
        await database.close()


async def leaderboard(url: str, repeat: int) -> list[tuple[str, float, float]]:
    database = await open_database(url)
    service = PracticeService(database.uow_factory, CheapCatalog(), check, clock=Clock())
    team = TeamRef("bench", "team")
    figures = []
    try:
        for window in ("day", "week", "month", "all"):
            for topic, group in ((None, None), ("cnn", None), (None, "bench-group")):
                timings = []
                for i in range(repeat + 3):
                    started = time.perf_counter()
                    board = await service.team_leaderboard(team, window, topic, group, limit=10)
                    if i >= 3:
                        timings.append((time.perf_counter() - started) * 1000)
                assert len(board.rows) == 10, (window, topic, group, len(board.rows))
                scope = f"topic={topic}" if topic else "group" if group else "all players"
                label = f"{window:<5} {scope}"
                timings.sort()
                figures.append((label, statistics.median(timings), timings[int(len(timings) * 0.95) - 1]))
    finally:
        await database.close()
    return figures


def _print_board(name: str, load_s: float, figures: list[tuple[str, float, float]]) -> None:
    print(f"  leaderboard top-10 via service (data loaded in {load_s:.0f} s): median / p95 ms")
    for label, median, p95 in figures:
        print(f"    {label:<24} {median:6.2f} / {p95:6.2f}")
    worst = max(p95 for _, _, p95 in figures)
    print(f"  {name}: worst p95 {worst:.2f} ms (target <= 20 ms)")


async def run_backend(name: str, args: argparse.Namespace, cluster: PostgresCluster | None) -> None:
    shape = Shape(players=args.players, attempts=args.attempts, days=365, today=TODAY)
    print(f"== {name}")
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as folder:
        if not args.skip_throughput:
            print(f"  scored answers/s through core + database ({args.answers} answers per scenario; "
                  "target >= 1,000):")
            for level in args.concurrency:
                url = (f"sqlite:///{folder}/throughput-{level}.sqlite3" if cluster is None
                       else cluster.create_database(f"bench_throughput_{level}"))
                result = await throughput(url, args.answers, level, args.lanes)
                print(f"    {level:>4} players at once: daily {result['daily']:5.0f}/s, "
                      f"quiz {result['quiz']:5.0f}/s  (answers per transaction: "
                      f"daily {result['daily_batch']:.1f}, quiz "
                      f"{result['quiz_batch']:.1f}; {result['failed']:.0f} failed)")
        if not args.skip_leaderboard:
            if cluster is None:
                url = f"sqlite:///{folder}/board.sqlite3"
                await (await open_database(url)).close()
                started = time.perf_counter()
                await asyncio.to_thread(load_sqlite, f"{folder}/board.sqlite3", shape)
            else:
                url = cluster.create_database("bench_board")
                await (await open_database(url)).close()
                started = time.perf_counter()
                await load_postgres(cluster.dsn("bench_board"), shape)
            _print_board(name, time.perf_counter() - started, await leaderboard(url, args.repeat))


def _levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 50,200, got {text!r}") from None
    if not levels or any(level < 1 for level in levels):
        raise argparse.ArgumentTypeError("every level must be a positive number")
    return levels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--answers", type=int, default=2000, help="answers per throughput scenario")
    parser.add_argument("--concurrency", type=_levels, default=[50, 200],
                        help="players answering at once, comma-separated levels (default 50,200)")
    parser.add_argument("--lanes", type=int, default=None,
                        help="group-commit lanes (transactions in flight; default: the core's)")
    parser.add_argument("--players", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-leaderboard", action="store_true")
    args = parser.parse_args(argv)
    print(f"bench/answers.py: {args.players:,} players, {args.attempts:,} attempts, today={TODAY}, "
          f"now={NOW.isoformat()}")
    if args.backend in ("sqlite", "both"):
        asyncio.run(run_backend("sqlite", args, None))
    if args.backend in ("postgres", "both"):
        cluster = PostgresCluster.start(settings=())
        try:
            asyncio.run(run_backend("postgresql", args, cluster))
        finally:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

