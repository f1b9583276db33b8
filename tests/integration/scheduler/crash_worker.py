"""A bot process for the crash test: the real storage, service and scheduler, with the platform played by
an announcer that appends each accepted post to a file (flushed and fsynced, like a platform that has
the message once it answered).

    python -m tests.integration.scheduler.crash_worker setup URL CHANNELS
    python -m tests.integration.scheduler.crash_worker run URL OUT_FILE CLOCK_ISO [--hang-after N]

`run` starts the scheduler, which finds every channel due (catch-up) and fans out; it exits when the
fan-out is idle. With `--hang-after N` the platform stops answering after N accepted posts (later posts
wait forever) and the process writes `OUT_FILE.hanging`: the test then kills it with SIGKILL, in the
middle of the fan-out, with posts in flight and their days claimed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
from datetime import datetime
from pathlib import Path

from bot.core.model import DailyPost, DailyResults, TeamRef
from bot.core.service import PracticeService
from bot.fanout import LaneLimits
from bot.scheduler import DailyScheduler, SchedulerSettings
from questions.schema import Question
from storage.database import open_database
from tests.unit.core.fakes import FixedClock, ListCatalog
from tests.unit.core.world import fake_grade, sample_questions

TEAM = TeamRef("discord", "g1", "Guild One")
LANES = {"discord": LaneLimits(rate=500.0, burst=5, concurrency=5)}


class FilePlatform:
    def __init__(self, out: Path, hang_after: int | None) -> None:
        self.out = out
        self.hang_after = hang_after
        self.accepted = 0

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        if self.hang_after is not None and self.accepted >= self.hang_after:
            Path(f"{self.out}.hanging").write_text("stopped answering\n")
            await asyncio.Event().wait()
        await asyncio.sleep(0.01)  # the request travelling
        with self.out.open("a") as handle:
            handle.write(f"{channel_ref} {daily_post.id} {daily_post.local_date}\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.accepted += 1
        return f"msg-{daily_post.id}"

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        return f"reveal-{results.post.id}"


async def setup(url: str, count: int) -> None:
    database = await open_database(url)
    try:
        service = PracticeService(database.uow_factory, ListCatalog(sample_questions()), fake_grade)
        for i in range(count):
            await service.configure_daily(f"discord:g1/c{i:03d}", TEAM, "09:00", "UTC")
    finally:
        await database.close()


async def run(url: str, out: Path, clock_iso: str, hang_after: int | None) -> None:
    clock = FixedClock(datetime.fromisoformat(clock_iso))
    database = await open_database(url)
    platform = FilePlatform(out, hang_after)
    service = PracticeService(database.uow_factory, ListCatalog(sample_questions()), fake_grade, clock,
                              {"discord": platform}, random.Random(os.getpid()))
    scheduler = DailyScheduler(service, clock=clock, settings=SchedulerSettings(lanes=LANES))
    try:
        await scheduler.start()
        await scheduler.idle()
        print(json.dumps({"accepted": platform.accepted}))
    finally:
        await scheduler.stop()
        await database.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    first = commands.add_parser("setup")
    first.add_argument("url")
    first.add_argument("count", type=int)
    second = commands.add_parser("run")
    second.add_argument("url")
    second.add_argument("out", type=Path)
    second.add_argument("clock")
    second.add_argument("--hang-after", type=int)
    args = parser.parse_args(argv)
    if args.command == "setup":
        asyncio.run(setup(args.url, args.count))
    else:
        asyncio.run(run(args.url, args.out, args.clock, args.hang_after))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
