"""A reveal whose outcome is unknown is not posted twice, with the real storage (SQLite file and PostgreSQL).

A failed reveal (a timeout, a lost answer) may have reached the platform, and a process can die after the
platform accepted the reveal but before its reference was recorded. The attempt that takes such a reveal
claim over first asks the platform (`RevealFinder`): found, it is recorded and nothing is posted; when the
platform cannot tell, nothing is posted and the claim is kept. The platform is the hand-written `Channel`
of `test_daily_exactly_once`, which keeps the reveals it accepted and searches them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.daily import STALE_REVEAL_CLAIM
from bot.core.errors import RevealInProgress
from bot.core.model import DailyResults
from storage.database import Database, open_database
from tests.integration.storage.builders import T0
from tests.integration.storage.test_daily_exactly_once import (
    CHANNEL,
    Channel,
    closed_post,
    service_on,
    stored,
)
from tests.unit.core.fakes import FixedClock


@pytest.fixture
async def second_db(database_url: str) -> AsyncIterator[Database]:
    """Another handle on the same database: a second process."""
    database = await open_database(database_url)
    try:
        yield database
    finally:
        await database.close()

async def test_a_reveal_whose_answer_was_lost_is_found_and_recorded_not_posted_again(
    db: Database, second_db: Database
) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock, reveal_lost=1)
    first, second = service_on(db, clock, channel), service_on(second_db, clock, channel)
    results = await closed_post(first, clock)

    with pytest.raises(TimeoutError):
        await first.daily.reveal(results)
    assert channel.reveals == [(CHANNEL, results.post.id)]  # the platform has it; we do not know
    assert (await stored(first, results.post.id)).reveal_ref is None

    retried = await second.daily.reveal(await second.daily_results(results.post.id))

    assert channel.reveals == [(CHANNEL, results.post.id)]  # exactly one reveal on the platform
    assert retried.post.reveal_ref == "reveal-1"
    assert (await stored(first, results.post.id)).reveal_ref == "reveal-1"
    assert [(ref, p.id) for ref, p in channel.reveal_searches] == [("msg-1", results.post.id)]
    assert await first.unrevealed_daily_posts() == []


async def test_two_processes_retrying_a_lost_reveal_record_the_one_reveal(
    db: Database, second_db: Database
) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock, reveal_lost=1)
    services = [service_on(db, clock, channel), service_on(second_db, clock, channel)] * 2
    results = await closed_post(services[0], clock)
    with pytest.raises(TimeoutError):
        await services[0].daily.reveal(results)

    outcomes = await asyncio.gather(*(s.daily.reveal(results) for s in services), return_exceptions=True)

    assert channel.reveals == [(CHANNEL, results.post.id)]
    assert len(channel.reveal_searches) == 1  # one took the claim over; the others met its fresh claim
    for outcome in outcomes:
        assert isinstance(outcome, RevealInProgress | DailyResults), outcome
    assert (await stored(services[0], results.post.id)).reveal_ref == "reveal-1"


async def test_a_process_that_died_after_the_reveal_was_accepted_is_found_once_stale(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    results = await closed_post(service, clock)
    async with service.ctx.uow_factory() as uow:  # a process took the claim, posted the reveal, died
        claim = await uow.daily_posts.claim_reveal(results.post.id, clock.now(), clock.now())
        assert claim is not None and not claim.taken_over
        await uow.commit()
    await channel.post_reveal(CHANNEL, "msg-1", results)

    with pytest.raises(RevealInProgress):  # its claim is fresh: it may still be posting
        await service.daily.reveal(results)
    clock.advance(seconds=STALE_REVEAL_CLAIM.total_seconds() + 1)
    assert [p.id for p in await service.unrevealed_daily_posts()] == [results.post.id]

    revealed = await service_on(db, clock, channel).daily.reveal(results)  # the next attempt

    assert revealed.post.reveal_ref == "reveal-1" and len(channel.reveals) == 1
    assert (await stored(service, results.post.id)).reveal_ref == "reveal-1"
    assert len(channel.reveal_searches) == 1


async def test_when_the_platform_cannot_tell_nothing_is_posted_and_the_claim_is_kept(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock, reveal_failures=1)
    service = service_on(db, clock, channel)
    results = await closed_post(service, clock)
    with pytest.raises(ConnectionError):  # refused: the claim is backdated
        await service.daily.reveal(results)

    channel.reveal_find_error = ConnectionError("history is unavailable")
    with pytest.raises(ConnectionError, match="history"):
        await service.daily.reveal(results)
    kept = await stored(service, results.post.id)
    assert channel.reveals == [] and len(channel.reveal_searches) == 1
    assert kept.reveal_ref is None and kept.reveal_claimed_at == clock.now()  # kept, fresh: not given back
    with pytest.raises(RevealInProgress):  # a retry comes once that claim is stale
        await service.daily.reveal(results)
    assert await service.unrevealed_daily_posts() == []

    channel.reveal_find_error = None
    clock.advance(seconds=STALE_REVEAL_CLAIM.total_seconds() + 1)
    revealed = await service.daily.reveal(results)
    assert revealed.post.reveal_ref == "reveal-1" and channel.reveals == [(CHANNEL, results.post.id)]
    assert len(channel.reveal_searches) == 2
