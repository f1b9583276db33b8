"""The real stack under the scheduler: storage on SQLite or PostgreSQL, the real service and the real
scheduler, with hand-written stand-ins for the platform (an announcer that records, can be slow, can fail
a given number of times, or can hang like a platform that stopped answering) and a clock moved by hand."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from bot.core.model import DailyPost, DailyResults, DailyStatus, TeamRef
from bot.core.service import PracticeService
from bot.fanout import LaneLimits
from bot.scheduler import DailyScheduler, SchedulerSettings
from questions.schema import Question
from storage.database import Database, open_database
from tests.unit.core.fakes import FixedClock, ListCatalog
from tests.unit.core.world import fake_grade, sample_questions

TEAM = TeamRef("discord", "g1", "Guild One")
FAST_LANES = {"discord": LaneLimits(rate=2000.0, burst=50, concurrency=8)}


def channels(count: int) -> list[str]:
    return [f"discord:g1/c{i:03d}" for i in range(count)]


@dataclass
class PlatformStandIn:
    """The core's `Announcer` as a platform would behave: `delay` seconds per post, the next `fail` posts
    raise, and with `hang` set every post waits forever (a platform that stopped answering)."""

    delay: float = 0.0
    fail: int = 0
    hang: bool = False
    questions: list[tuple[str, DailyPost]] = field(default_factory=list)
    reveals: list[tuple[str, str, DailyResults]] = field(default_factory=list)
    attempts: int = 0

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        self.attempts += 1
        if self.hang:
            await asyncio.Event().wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail > 0:
            self.fail -= 1
            raise ConnectionError("the platform answered 500")
        self.questions.append((channel_ref, daily_post))
        return f"msg-{channel_ref}-{daily_post.id}"

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.reveals.append((channel_ref, message_ref, results))
        return f"reveal-{results.post.id}"

    def per_channel(self) -> Counter[str]:
        return Counter(ref for ref, _post in self.questions)


@dataclass
class Instance:
    """One bot process: its own database handle, service and scheduler over the shared database."""

    database: Database
    service: PracticeService
    scheduler: DailyScheduler

    async def close(self) -> None:
        await self.scheduler.stop(timeout=1.0)
        await self.database.close()


async def instance(url: str, clock: FixedClock, platform: PlatformStandIn, seed: int = 7,
                   settings: SchedulerSettings | None = None) -> Instance:
    database = await open_database(url)
    service = PracticeService(database.uow_factory, ListCatalog(sample_questions()), fake_grade, clock,
                              {"discord": platform}, random.Random(seed))
    chosen = settings or SchedulerSettings(lanes=FAST_LANES)
    return Instance(database, service, DailyScheduler(service, clock=clock, settings=chosen))


async def configure(service: PracticeService, refs: list[str], at: str = "09:00", tz: str = "UTC",
                    **options: str) -> None:
    for ref in refs:
        await service.configure_daily(ref, TEAM, at, tz, **options)


async def posts_on(service: PracticeService, refs: list[str], day: date) -> dict[str, DailyPost | None]:
    """Each channel's row for `day` as the database holds it."""
    found: dict[str, DailyPost | None] = {}
    for ref in refs:
        async with service.ctx.uow_factory() as uow:
            found[ref] = await uow.daily_posts.for_date(ref, day)
    return found


def statuses(rows: dict[str, DailyPost | None]) -> Counter[str]:
    return Counter(row.status.value if row else "none" for row in rows.values())


POSTED = DailyStatus.POSTED
