"""A reveal that failed at the platform is retried by every process (the one that closed the post retries
it, the others adopt it from `unrevealed` at their next sync); the reveal claim lets one of them post it,
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.core.daily import STALE_CLAIM
from bot.core.model import DailyResults, DailyStatus
from tests.integration.scheduler.world import PlatformStandIn, configure, instance, posts_on
from tests.unit.core.fakes import FixedClock, utc

REF = "discord:g1/c001"


@dataclass
class RevealStandIn(PlatformStandIn):
    """The platform as one process sees it: the next `reveal_fail` reveals fail; with `gate` set, a reveal
    waits for it (a slow platform) after setting `revealing`."""

    reveal_fail: int = 0
    gate: asyncio.Event | None = None
    revealing: asyncio.Event = field(default_factory=asyncio.Event)

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        self.revealing.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.reveal_fail > 0:
            self.reveal_fail -= 1
            raise ConnectionError("the platform answered 500")
        return await super().post_reveal(channel_ref, message_ref, results)


async def test_two_schedulers_retrying_a_failed_reveal_post_it_once(database_url: str) -> None:
    clock = FixedClock(utc(2025, 3, 12, 9, 0))
    platforms = [RevealStandIn(reveal_fail=1), RevealStandIn(reveal_fail=1)]
    a = await instance(database_url, clock, platforms[0], seed=1)
    b = await instance(database_url, clock, platforms[1], seed=2)
    try:
        await configure(a.service, [REF], "09:00", "UTC", reveal_after="1h")
        await asyncio.gather(a.scheduler.sync(), b.scheduler.sync())
        await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())
        assert sum(len(p.questions) for p in platforms) == 1

        clock.advance(hours=1)  # reveal time: one process closes the post, and its reveal fails
        await asyncio.gather(a.scheduler.sync(), b.scheduler.sync())
        await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())
        row = (await posts_on(a.service, [REF], clock.now().date()))[REF]
        assert row is not None and row.status == DailyStatus.CLOSED and row.reveal_ref is None
        assert sum(p.revealing.is_set() for p in platforms) == 1 and all(not p.reveals for p in platforms)

        # Past the back-off and STALE_CLAIM: the closer's retry and the other's adoption run together.
        gate = asyncio.Event()
        for platform in platforms:
            platform.gate, platform.revealing = gate, asyncio.Event()
        clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
        await asyncio.gather(a.scheduler.sync(), b.scheduler.sync())
        done, _ = await asyncio.wait(
            [asyncio.ensure_future(p.revealing.wait()) for p in platforms],
            timeout=10, return_when=asyncio.FIRST_COMPLETED,
        )
        assert done, "neither process retried the reveal"
        holder = 0 if platforms[0].revealing.is_set() else 1
        other = (a, b)[1 - holder]
        await asyncio.wait_for(other.scheduler.idle(), 10)  # it met the fresh claim and let go
        gate.set()
        await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())

        assert sum(len(p.reveals) for p in platforms) == 1
        assert not platforms[1 - holder].revealing.is_set()  # the other never called the platform
        row = (await posts_on(a.service, [REF], clock.now().date()))[REF]
        assert row is not None and row.reveal_ref == f"reveal-{row.id}"

        clock.advance(hours=1)  # later syncs find nothing left to reveal
        await asyncio.gather(a.scheduler.sync(), b.scheduler.sync())
        await asyncio.gather(a.scheduler.idle(), b.scheduler.idle())
        assert sum(len(p.reveals) for p in platforms) == 1
    finally:
        await a.close()
        await b.close()
