"""Group commit (bot/core/group_commit.py) on the in-memory fakes: shared transactions, each use case still
all-or-nothing, refusals that do not sink a batch, callers' context, per-key order, and the quiz
compare-and-set that refuses a duplicate answer."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
from types import TracebackType
from typing import Any, Self

import pytest

from bot.core.errors import AlreadyAnswered, StaleQuestion, StorageUnavailable
from bot.core.group_commit import GroupCommit
from bot.core.model import QuizSession, TeamRef
from bot.core.ports import UnitOfWork

from .fakes import FakeSessions, FakeUnitOfWork, MemoryDatabase
from .world import World, player, right_answer

CHANNEL = "discord:g1/c1"


def teams_of(db: MemoryDatabase) -> set[str]:
    return {t.external_id for t in db.tables.teams.values()}


async def single(db: MemoryDatabase, work: Any) -> Any:
    """What `CoreContext` gives the group commit: one work in its own unit of work."""
    async with db.uow() as uow:
        result = await work(uow)
        await uow.commit()
        return result


def group(db: MemoryDatabase, **kwargs: Any) -> GroupCommit:
    return GroupCommit(db.uow, lambda work: single(db, work), **kwargs)


def create_team(name: str, fail: bool = False) -> Any:
    async def work(uow: UnitOfWork) -> str:
        await uow.teams.get_or_create(TeamRef("console", name))
        if fail:
            raise ValueError(f"{name} broke after writing")
        return name

    return work


async def test_answers_arriving_together_share_one_commit_and_all_count() -> None:
    world = World()
    service = world.service()
    await service.configure_daily(CHANNEL, TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily(CHANNEL, force=True)
    commits = world.db.commits

    results = await asyncio.gather(*(
        service.submit_daily(player(f"u{i}"), post.id, right_answer(world.catalog.get(post.question_id)))
        for i in range(30)
    ))

    assert all(r.counted and r.points > 0 for r in results)
    assert len({r.attempt.id for r in results}) == 30
    assert len(world.db.tables.attempts) == 30
    assert world.db.commits - commits < 30  # grouped: one commit per lane at most here
    assert service.ctx.group_commit is not None and service.ctx.group_commit.batches >= 1


async def test_a_refusal_in_a_batch_fails_alone() -> None:
    world = World()
    service = world.service()
    await service.configure_daily(CHANNEL, TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily(CHANNEL, force=True)
    answer = right_answer(world.catalog.get(post.question_id))

    twice = [service.submit_daily(player("eager"), post.id, answer) for _ in range(5)]
    others = [service.submit_daily(player(f"u{i}"), post.id, answer) for i in range(5)]
    results = await asyncio.gather(*twice, *others, return_exceptions=True)

    mine, theirs = results[:5], results[5:]
    assert sum(not isinstance(r, BaseException) for r in mine) == 1
    assert all(isinstance(r, AlreadyAnswered) for r in mine if isinstance(r, BaseException))
    assert not any(isinstance(r, BaseException) for r in theirs)
    assert len(world.db.tables.attempts) == 6


async def test_a_failure_after_writing_leaves_nothing_of_it_and_keeps_the_others() -> None:
    db = MemoryDatabase()
    commit = group(db, lanes=1)

    results = await asyncio.gather(
        commit.run(create_team("a")), commit.run(create_team("b", fail=True)), commit.run(create_team("c")),
        return_exceptions=True,
    )

    assert results[0] == "a" and results[2] == "c"
    assert isinstance(results[1], ValueError)
    assert teams_of(db) == {"a", "c"}


async def test_a_failed_commit_fails_every_work_of_the_batch_and_keeps_nothing() -> None:
    db = MemoryDatabase()
    commit = group(db, lanes=1)
    db.fail_commit = True

    results = await asyncio.gather(*(commit.run(create_team(n)) for n in "xyz"), return_exceptions=True)

    assert all(isinstance(r, StorageUnavailable) for r in results)
    assert teams_of(db) == set()
    db.fail_commit = False
    assert await commit.run(create_team("later")) == "later"  # the lane recovers


async def test_an_unreachable_database_fails_the_waiting_works() -> None:
    db = MemoryDatabase()
    commit = group(db)
    db.unavailable = True
    with pytest.raises(StorageUnavailable):
        await commit.run(create_team("x"))


async def test_works_run_in_their_callers_context() -> None:
    db = MemoryDatabase()
    commit = group(db, lanes=1)
    who: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")

    async def caller(name: str) -> str:
        who.set(name)

        async def work(_uow: UnitOfWork) -> str:
            return who.get()

        return await commit.run(work)

    assert await asyncio.gather(*(caller(n) for n in ("ann", "bob", "cy"))) == ["ann", "bob", "cy"]


async def test_one_key_keeps_its_order_across_batches() -> None:
    db = MemoryDatabase()
    commit = group(db, lanes=4, max_batch=3)
    seen: list[int] = []

    def step(i: int) -> Any:
        async def work(_uow: UnitOfWork) -> int:
            seen.append(i)
            return i

        return work

    results = await asyncio.gather(*(commit.run(step(i), key="same player") for i in range(10)))
    assert results == list(range(10)) and seen == list(range(10))


async def test_a_caller_that_gave_up_is_skipped() -> None:
    db = MemoryDatabase()
    commit = group(db, lanes=1)
    first = asyncio.ensure_future(commit.run(create_team("kept")))
    gone = asyncio.ensure_future(commit.run(create_team("cancelled")))
    await asyncio.sleep(0)  # both queued, the lane's runner not started yet
    gone.cancel()
    assert await first == "kept"
    assert teams_of(db) == {"kept"}


class _Hidden:
    """A unit of work without `changes`: the group commit cannot tell a clean refusal from a dirty one."""

    def __init__(self, inner: FakeUnitOfWork) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "changes":
            raise AttributeError(name)
        return getattr(self.inner, name)

    async def __aenter__(self) -> Self:
        await self.inner.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.inner.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        await self.inner.commit()


async def test_without_change_counting_a_refusal_is_redone_alone_with_the_same_outcome() -> None:
    db = MemoryDatabase()
    commit = GroupCommit(lambda: _Hidden(db.uow()), lambda work: single(db, work), lanes=1)

    async def refuse(_uow: UnitOfWork) -> str:
        raise AlreadyAnswered()

    results = await asyncio.gather(
        commit.run(create_team("a")), commit.run(refuse), commit.run(create_team("b")), return_exceptions=True
    )
    assert results[0] == "a" and isinstance(results[1], AlreadyAnswered) and results[2] == "b"
    assert teams_of(db) == {"a", "b"}


# --- the quiz compare-and-set ------------------------------------------------------------------------------


class _RacedSessions(FakeSessions):
    """Sessions whose first read is overtaken: right after it, another process moves the session on
    (committed), as when the same answer arrives twice at two processes at once."""

    raced = False

    async def active_for(self, player_id: int) -> QuizSession | None:
        session = await super().active_for(player_id)
        if session is not None and not _RacedSessions.raced:
            _RacedSessions.raced = True
            moved = dataclasses.replace(session, position=session.position + 1, answered=session.answered + 1)
            self.db.tables.sessions[session.id] = moved  # committed by the other process...
            self.t.sessions[session.id] = moved  # ...and what this transaction's UPDATE would find
        return session


class _RacedUnitOfWork(FakeUnitOfWork):
    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.sessions = _RacedSessions(self.db, self.t)
        return self


async def test_a_duplicate_answer_overtaken_by_another_process_is_refused_and_records_nothing() -> None:
    world = World()
    service = world.service()
    me = player()
    first = await service.start_quiz(me, topic="optimization", count=2)
    _RacedSessions.raced = False
    raced = World(db=world.db, clock=world.clock, catalog=world.catalog)
    racer = raced.service()
    racer.ctx.uow_factory = lambda: _RacedUnitOfWork(world.db)
    racer.ctx.group_commit = None  # this one transaction, on its own

    with pytest.raises(StaleQuestion) as refused:
        await racer.submit(me, right_answer(first.question), question_id=None)

    assert refused.value.message == StaleQuestion.default_message
    assert world.db.tables.attempts == {}  # the duplicate left no attempt
    stored = next(iter(world.db.tables.sessions.values()))
    assert (stored.position, stored.answered) == (1, 1)  # moved once, by the other process


async def test_each_stored_answer_is_reported_once_even_when_its_batch_is_redone_one_by_one() -> None:
    """The answer listeners (metrics) hear of an answer after the transaction that kept it committed: a
    batch sunk by another work and redone one by one grades its answers twice but reports each once."""
    world = World()
    service = world.service()
    ctx = service.ctx
    ctx.group_commit = GroupCommit(lambda: ctx.uow_factory(), ctx._transact_one, scope=ctx._batch_scope,
                                   lanes=1)
    grades = 0
    grader = ctx.grader

    def counting(question: Any, answer: str) -> Any:
        nonlocal grades
        grades += 1
        return grader(question, answer)

    ctx.grader = counting
    heard: list[int] = []
    service.add_answer_listener(lambda attempt, _question: heard.append(attempt.id))
    await service.configure_daily(CHANNEL, TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily(CHANNEL, force=True)
    answer = right_answer(world.catalog.get(post.question_id))

    answers = [service.submit_daily(player(f"u{i}"), post.id, answer) for i in range(8)]
    broken = ctx.transact(create_team("broken", fail=True))
    results = await asyncio.gather(*answers[:4], broken, *answers[4:], return_exceptions=True)

    assert isinstance(results[4], ValueError)
    stored = [r.attempt.id for r in results if not isinstance(r, BaseException)]
    assert len(stored) == 8 == len(world.db.tables.attempts)
    assert grades > 8  # the batch really was redone
    assert sorted(heard) == sorted(stored)  # yet each answer was reported once
