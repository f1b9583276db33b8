"""Two exactly-once gaps of the daily question, closed with the real storage (SQLite file and PostgreSQL):

- a process killed after the platform accepted the question but before the message reference was recorded:
  the take-over of its stale claim finds the post on the platform and records it instead of posting again
  (and posts nothing when the platform cannot tell);
- a reveal retried by two processes: the reveal claim lets one of them post it.

The platform is a hand-written stand-in (`Channel`) that keeps the messages it accepted and can search
them the way the real announcers search Discord's and Slack's history."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest

from bot.core.checking import check
from bot.core.daily import STALE_CLAIM, STALE_REVEAL_CLAIM
from bot.core.errors import InvalidInput, RevealInProgress
from bot.core.model import DailyPost, DailyPostDraft, DailyResults, DailyStatus, TeamRef
from bot.core.ports import PostFinder, RevealFinder
from bot.core.service import PracticeService
from questions.schema import Question
from storage.database import Database, open_database
from tests.integration.storage.builders import T0
from tests.integration.storage.service_world import choice
from tests.unit.core.fakes import FixedClock, ListCatalog

CHANNEL = "discord:g1/c1"
TEAM = TeamRef("discord", "g1", "Guild")
QUESTIONS = [choice(f"q{i}") for i in range(1, 6)]


@dataclasses.dataclass
class Channel:
    """The platform: posts land in `messages`; `find_question_post` searches them like a channel history.

    `find_error` makes the search fail like a platform outage; `reveal_failures` fails that many reveals
    (refused: nothing posted); `reveal_lost` posts that many reveals but raises (the answer was lost);
    `find_reveal_post` searches the accepted reveals, failing with `reveal_find_error`. With `reveal_gate`
    set, a reveal waits for it (a slow platform) after telling `reveal_started`."""

    messages: list[tuple[str, int, str, datetime]] = dataclasses.field(default_factory=list)
    reveals: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    searches: list[DailyPost] = dataclasses.field(default_factory=list)
    find_error: Exception | None = None
    reveal_failures: int = 0
    reveal_lost: int = 0
    reveal_searches: list[tuple[str, DailyPost]] = dataclasses.field(default_factory=list)
    reveal_find_error: Exception | None = None
    reveal_gate: asyncio.Event | None = None
    reveal_started: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    clock: FixedClock | None = None

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        at = self.clock.now() if self.clock else T0
        self.messages.append((channel_ref, daily_post.id, question.id, at))
        return f"msg-{len(self.messages)}"

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        self.reveal_started.set()
        if self.reveal_gate is not None:
            await self.reveal_gate.wait()
        if self.reveal_failures > 0:
            self.reveal_failures -= 1
            raise ConnectionError("the platform answered 500")
        self.reveals.append((channel_ref, results.post.id))
        if self.reveal_lost > 0:
            self.reveal_lost -= 1
            raise TimeoutError("the platform took the reveal, but its answer never came back")
        return f"reveal-{len(self.reveals)}"

    async def find_reveal_post(self, channel_ref: str, question_message_ref: str,
                               daily_post: DailyPost) -> str | None:
        self.reveal_searches.append((question_message_ref, daily_post))
        if self.reveal_find_error is not None:
            raise self.reveal_find_error
        for n, reveal in enumerate(self.reveals, 1):
            if reveal == (channel_ref, daily_post.id):
                return f"reveal-{n}"
        return None

    async def find_question_post(self, channel_ref: str, daily_post: DailyPost) -> str | None:
        self.searches.append(daily_post)
        if self.find_error is not None:
            raise self.find_error
        since = daily_post.first_claimed_at or daily_post.claimed_at
        wanted = (channel_ref, daily_post.id, daily_post.question_id)
        for n, (ref, post_id, question_id, at) in enumerate(self.messages, 1):
            if (ref, post_id, question_id) == wanted and at >= since:
                return f"msg-{n}"
        return None

    def questions_in(self, channel_ref: str) -> int:
        return sum(1 for ref, *_ in self.messages if ref == channel_ref)


def service_on(db: Database, clock: FixedClock, channel: Channel) -> PracticeService:
    return PracticeService(db.uow_factory, ListCatalog(QUESTIONS), check, clock=clock,
                           announcers={"discord": channel})


@pytest.fixture
async def second_db(database_url: str) -> AsyncIterator[Database]:
    """Another handle on the same database: a second process."""
    database = await open_database(database_url)
    try:
        yield database
    finally:
        await database.close()


async def claim_and_die(service: PracticeService, clock: FixedClock, channel: Channel | None,
                        question_id: str = "q3") -> DailyPost:
    """What a process killed mid-post leaves behind: the day's claim, and (given the platform) the post the
    platform accepted; the message reference was never recorded."""
    async with service.ctx.uow_factory() as uow:
        config = await uow.daily_configs.get(CHANNEL)
        assert config is not None
        now = clock.now()
        day = now.date()
        draft = DailyPostDraft(CHANNEL, config.team_id, day, question_id, now, now + timedelta(hours=8))
        post = await uow.daily_posts.claim(draft)
        await uow.commit()
    if channel is not None:
        await channel.post_question(CHANNEL, service.ctx.question(question_id), post)
    return post


async def stored(service: PracticeService, post_id: int) -> DailyPost:
    async with service.ctx.uow_factory() as uow:
        post = await uow.daily_posts.get(post_id)
    assert post is not None
    return post


# --- gap A: the take-over of a stale claim whose post went out ---------------------------------------


async def test_the_platform_shows_the_lost_post_so_the_take_over_records_it(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    lost = await claim_and_die(service, clock, channel)
    assert isinstance(channel, PostFinder) and channel.questions_in(CHANNEL) == 1

    clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    post = await service_on(db, clock, channel).open_daily(CHANNEL)  # another process

    assert channel.questions_in(CHANNEL) == 1  # not posted twice
    assert (post.id, post.status, post.message_ref, post.question_id) == (lost.id, DailyStatus.POSTED,
                                                                         "msg-1", "q3")
    assert [s.first_claimed_at for s in channel.searches] == [T0]
    assert await stored(service, post.id) == post


async def test_a_claim_that_never_reached_the_platform_is_posted_once_with_its_question(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    lost = await claim_and_die(service, clock, None, question_id="q4")  # died before posting

    clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    post = await service.open_daily(CHANNEL)

    assert len(channel.searches) == 1 and channel.questions_in(CHANNEL) == 1
    assert channel.messages[0][1:3] == (lost.id, "q4")  # the claimed question, not a new pick
    assert post.status == DailyStatus.POSTED and post.message_ref == "msg-1" and post.question_id == "q4"


async def test_a_fresh_claim_never_searches(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    post = await service.open_daily(CHANNEL)
    assert post.status == DailyStatus.POSTED and not post.taken_over
    assert channel.searches == [] and channel.questions_in(CHANNEL) == 1


async def test_when_the_platform_cannot_tell_nothing_is_posted_and_the_claim_is_kept(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    lost = await claim_and_die(service, clock, channel)

    channel.find_error = ConnectionError("history unavailable")
    clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    with pytest.raises(ConnectionError):
        await service.open_daily(CHANNEL)
    kept = await stored(service, lost.id)
    assert kept.status == DailyStatus.CLAIMED and kept.first_claimed_at == T0
    assert channel.questions_in(CHANNEL) == 1

    # The next take-over (once the kept claim is stale too) still searches from the first claim.
    channel.find_error = None
    clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    post = await service.open_daily(CHANNEL)
    assert [s.first_claimed_at for s in channel.searches] == [T0, T0]
    assert post.status == DailyStatus.POSTED and post.message_ref == "msg-1"
    assert channel.questions_in(CHANNEL) == 1


async def test_two_processes_taking_over_together_post_once(db: Database, second_db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    first = service_on(db, clock, channel)
    await first.configure_daily(CHANNEL, TEAM, "09:00")
    await claim_and_die(first, clock, None)
    clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    second = service_on(second_db, clock, channel)
    results = await asyncio.gather(first.open_daily(CHANNEL), second.open_daily(CHANNEL),
                                   return_exceptions=True)
    assert sum(isinstance(r, DailyPost) for r in results) == 1, results
    assert channel.questions_in(CHANNEL) == 1


# --- gap B: the reveal claim ---------------------------------------------------------------------------


async def closed_post(service: PracticeService, clock: FixedClock) -> DailyResults:
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    post = await service.open_daily(CHANNEL)
    clock.advance(hours=24)
    return await service.close_daily(post.id, announce=False)


async def test_two_processes_revealing_one_post_post_one_reveal(db: Database, second_db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock, reveal_gate=asyncio.Event())
    first, second = service_on(db, clock, channel), service_on(second_db, clock, channel)
    results = await closed_post(first, clock)

    winner = asyncio.create_task(first.daily.reveal(results))
    await channel.reveal_started.wait()  # the first process is posting (the platform is slow)
    with pytest.raises(RevealInProgress):  # (a second reveal would wait at the gate: the timeout fails it)
        await asyncio.wait_for(second.daily.reveal(results), 10)
    assert await second.unrevealed_daily_posts() == []  # a fresh claim is nobody else's to retry
    assert channel.reveal_gate is not None
    channel.reveal_gate.set()
    revealed = await winner

    assert channel.reveals == [(CHANNEL, results.post.id)]
    assert revealed.post.reveal_ref == "reveal-1"
    again = await second.daily.reveal(results)  # a late retry: revealed already, nothing posted
    assert again.post.reveal_ref == "reveal-1" and len(channel.reveals) == 1
    assert (await stored(first, results.post.id)).reveal_ref == "reveal-1"


async def test_concurrent_reveals_race_to_one_post(db: Database, second_db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    services = [service_on(db, clock, channel), service_on(second_db, clock, channel)] * 3
    results = await closed_post(services[0], clock)
    outcomes = await asyncio.gather(*(s.daily.reveal(results) for s in services), return_exceptions=True)
    assert len(channel.reveals) == 1
    for outcome in outcomes:
        assert isinstance(outcome, RevealInProgress | DailyResults), outcome
        if isinstance(outcome, DailyResults):
            assert outcome.post.reveal_ref == "reveal-1"


async def test_a_refused_reveal_backdates_its_claim_and_a_retry_looks_then_posts_once(
    db: Database, second_db: Database
) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock, reveal_failures=1)
    first, second = service_on(db, clock, channel), service_on(second_db, clock, channel)
    results = await closed_post(first, clock)
    assert isinstance(channel, RevealFinder)

    with pytest.raises(ConnectionError):
        await first.daily.reveal(results)
    backdated = await stored(first, results.post.id)
    assert backdated.reveal_ref is None
    assert backdated.reveal_claimed_at == clock.now() - 2 * STALE_REVEAL_CLAIM  # kept, not NULL
    assert channel.reveal_searches == []  # the first claim had nothing to look for
    assert [p.id for p in await second.unrevealed_daily_posts()] == [results.post.id]

    retried = await second.daily.reveal(await second.daily_results(results.post.id))
    assert retried.post.reveal_ref == "reveal-1" and channel.reveals == [(CHANNEL, results.post.id)]
    assert [(ref, p.id) for ref, p in channel.reveal_searches] == [("msg-1", results.post.id)]
    assert await first.unrevealed_daily_posts() == []
    assert (await first.daily.reveal(results)).post.reveal_ref == "reveal-1"
    assert len(channel.reveals) == 1


async def test_a_reveal_claim_of_a_dead_process_is_taken_over_once_stale(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    results = await closed_post(service, clock)
    async with service.ctx.uow_factory() as uow:  # a process took the claim and died
        assert await uow.daily_posts.claim_reveal(results.post.id, clock.now(), clock.now()) is not None
        await uow.commit()
    with pytest.raises(RevealInProgress):
        await service.daily.reveal(results)
    assert await service.unrevealed_daily_posts() == []

    clock.advance(seconds=STALE_REVEAL_CLAIM.total_seconds() + 1)
    assert [p.id for p in await service.unrevealed_daily_posts()] == [results.post.id]
    revealed = await service.daily.reveal(results)
    assert revealed.post.reveal_ref == "reveal-1" and len(channel.reveals) == 1


async def test_an_open_post_is_not_revealed(db: Database) -> None:
    clock = FixedClock(T0)
    channel = Channel(clock=clock)
    service = service_on(db, clock, channel)
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    post = await service.open_daily(CHANNEL)
    results = await service.daily_results(post.id)
    with pytest.raises(InvalidInput, match="not closed"):
        await service.daily.reveal(results)
    assert channel.reveals == []


# --- the repository's reveal claim ---------------------------------------------------------------------


async def test_reveal_claim_is_conditional(db: Database) -> None:
    clock = FixedClock(T0)
    service = service_on(db, clock, Channel(clock=clock))
    results = await closed_post(service, clock)
    post_id, now = results.post.id, clock.now()
    stale_before = now - STALE_REVEAL_CLAIM
    async with db.uow_factory() as uow:
        repo = uow.daily_posts
        taken = await repo.claim_reveal(post_id, now, stale_before)
        assert taken is not None and not taken.taken_over and taken.post.reveal_claimed_at == now
        assert await repo.claim_reveal(post_id, now, stale_before) is None  # fresh: refused
        past = now - 2 * STALE_REVEAL_CLAIM
        await repo.expire_reveal(post_id, now - timedelta(seconds=1), past)  # not our claim: kept
        assert (await repo.get(post_id)).reveal_claimed_at == now  # type: ignore[union-attr]
        await repo.expire_reveal(post_id, now, past)
        assert (await repo.get(post_id)).reveal_claimed_at == past  # type: ignore[union-attr]
        again = await repo.claim_reveal(post_id, now, stale_before)  # backdated: taken over at once
        assert again is not None and again.taken_over and again.post.reveal_claimed_at == now
        later = now + STALE_REVEAL_CLAIM + timedelta(seconds=1)
        assert await repo.unrevealed(stale_before) == []
        assert [p.id for p in await repo.unrevealed(later - STALE_REVEAL_CLAIM)] == [post_id]
        retaken = await repo.claim_reveal(post_id, later, later - STALE_REVEAL_CLAIM)  # stale: taken over
        assert retaken is not None and retaken.taken_over and retaken.post.reveal_claimed_at == later
        await repo.set_reveal_ref(post_id, "r-1")
        assert await repo.claim_reveal(post_id, later + timedelta(days=1), later + timedelta(days=1)) is None
        assert await repo.unrevealed() == []
        assert await repo.claim_reveal(10**9, now, now) is None
        await uow.commit()


async def test_take_over_keeps_the_question_and_the_first_claim_time(db: Database) -> None:
    clock = FixedClock(T0)
    service = service_on(db, clock, Channel(clock=clock))
    await service.configure_daily(CHANNEL, TEAM, "09:00")
    async with db.uow_factory() as uow:
        config = await uow.daily_configs.get(CHANNEL)
        assert config is not None
        day = date(2025, 3, 12)
        first = await uow.daily_posts.claim(DailyPostDraft(CHANNEL, config.team_id, day, "q1", T0, T0))
        times = [T0 + timedelta(minutes=m) for m in (11, 22)]
        for at in times:
            taken = await uow.daily_posts.claim(DailyPostDraft(CHANNEL, config.team_id, day, "q2", at, at),
                                                stale_before=at - STALE_CLAIM)
            assert (taken.id, taken.question_id, taken.claimed_at) == (first.id, "q1", at)
            assert taken.first_claimed_at == T0 and taken.taken_over
        await uow.commit()
