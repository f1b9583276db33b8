"""Group commit: use cases that arrive while a transaction is running share the next one.

Why: an answer's own statements are cheap (a few indexed rows); what costs is the transaction around them:
taking SQLite's write lock, BEGIN, COMMIT (the WAL write) and the pool checkout, or PostgreSQL's commit
round trips and WAL flush. Fifty answers committed together pay that once.

How: `GroupCommit.run(work, key)` queues the work on one of a few *lanes* and waits. Each lane has at most
one runner task; it opens a unit of work, takes everything queued on its lane (up to `max_batch`), runs
the works one after another in that transaction (each sees the effects of the ones before it, as if they
had run one by one), commits, and hands every caller its own result or error. Works with the same `key`
(the player) always share a lane, so one player's requests never run in two transactions at once, and
concurrent transactions never wait for each other's rows in opposite orders (no deadlocks). Lanes run in
parallel on PostgreSQL; on SQLite they take turns on the write lock.

Each use case stays all-or-nothing:
- a work that raises without having changed anything (the unit of work's `changes` counter, see
  `ChangeCounting`, did not move: a refusal such as "already answered" or "no active question") just
  fails on its own, and the batch goes on;
- any other failure (a statement failed or the work raised after writing) rolls the shared transaction
  back, and every work of that batch is run again in its own transaction, as it would have been without
  grouping, so one bad answer never loses the others;
- if the database cannot open or commit the transaction, or fails under it, every work of the batch gets
  that `StorageUnavailable`: nothing of any of them was kept. (A refusal at commit, such as a unique
  violation of writes storage sent late, is a failure of the second kind.)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast, runtime_checkable

from bot.core.errors import StorageUnavailable
from bot.core.ports import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")

DEFAULT_LANES = 4
"""Transactions in flight at once. More lanes mean more parallel PostgreSQL connections but smaller
batches; on a 2-core host 4 measured best (bench/answers.py), and SQLite runs one at a time anyway."""
DEFAULT_MAX_BATCH = 48
"""Works per transaction at most, so one transaction (and the answers waiting on it) stays short."""
@runtime_checkable
class ChangeCounting(Protocol):
    """Optional extra of a unit of work: how many statements so far changed data or failed. Equal before
    and after a use case means it left the transaction as it found it. Without it, any failure in a
    batch counts as one that changed something (correct, only slower)."""

    @property
    def changes(self) -> int: ...


Work = Callable[[UnitOfWork], Awaitable[Any]]
Single = Callable[[Work], Awaitable[Any]]
Scope = Callable[[UnitOfWork], Callable[[bool], None]]
"""Called with a batch's unit of work before its works run; returns the function called after them with
whether the batch committed (the context uses it to publish the identities resolved in the batch)."""


@dataclass
class _Item(Generic[T]):
    work: Callable[[UnitOfWork], Awaitable[T]]
    future: asyncio.Future[T]
    context: contextvars.Context
    """The caller's context variables (e.g. the team scope of its questions): the work runs in them."""


@dataclass
class _Lane:
    queue: deque[_Item[Any]] = field(default_factory=deque)
    runner: asyncio.Task[None] | None = None


class _Dirty(Exception):
    """A work failed after changing the shared transaction: the batch must be redone one by one."""


class GroupCommit:
    """Runs use cases in shared transactions; see the module docstring. `single` runs one work in its own
    transaction (with the context's retry rules) and is the fallback after a failed batch."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        single: Single,
        scope: Scope | None = None,
        lanes: int = DEFAULT_LANES,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        self.uow_factory = uow_factory
        self.single = single
        self.scope = scope
        self.lane_count = max(int(lanes), 1)
        self.max_batch = max(int(max_batch), 1)
        self.batches = 0
        """Transactions committed with more than one work (for tests and benchmarks)."""
        self.transactions = 0
        self.works = 0
        """Shared transactions committed, and the works they carried (benchmarks show works/transaction)."""
        self._lanes: list[_Lane] = []
        self._background = _Lane()
        """One lane for all background works: see `run`."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_lane = itertools.count()

    async def run(
        self,
        work: Callable[[UnitOfWork], Awaitable[T]],
        key: Hashable | None = None,
        *,
        background: bool = False,
    ) -> T:
        """Run `work` in a transaction shared with the works queued at the same time; returns its result
        or raises its error once the transaction committed (or failed).

        `background` works (the daily fan-out's claims and records: nobody waits on a screen) all share
        one lane of their own instead of spreading over the lanes like other keyless works. Spread over
        four lanes, a 5,000-channel fan-out on SQLite ran one or two works per transaction, its lanes
        queueing on the write lock, at 1.6-2.0 ms of CPU per channel; on one lane the works that arrive
        while a transaction runs share the next one, at 0.7-0.8 ms (bench/fanout.py). Answers never
        wait behind them."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests, a restart): start with fresh lanes
            self._loop = loop
            self._lanes = [_Lane() for _ in range(self.lane_count)]
            self._background = _Lane()
        if background:
            lane = self._background
        else:
            index = hash(key) if key is not None else next(self._next_lane)
            lane = self._lanes[index % self.lane_count]
        future: asyncio.Future[T] = loop.create_future()
        lane.queue.append(_Item(work, future, contextvars.copy_context()))
        if lane.runner is None:
            lane.runner = loop.create_task(self._drain(lane))
        return await future

    async def _drain(self, lane: _Lane) -> None:
        try:
            while lane.queue:
                await self._next_batch(lane)
        except BaseException as err:  # cancelled (loop shutting down): nobody may wait forever
            for item in lane.queue:
                _fail(item, err)
            lane.queue.clear()
            raise
        finally:
            lane.runner = None

    def _take(self, lane: _Lane) -> list[_Item[Any]]:
        batch: list[_Item[Any]] = []
        while lane.queue and len(batch) < self.max_batch:
            item = lane.queue.popleft()
            if not item.future.done():  # a caller that gave up (cancelled) is skipped
                batch.append(item)
        return batch

    async def _next_batch(self, lane: _Lane) -> None:
        uow = self.uow_factory()
        try:
            await uow.__aenter__()
        except Exception as err:
            # Nothing is open: the works waiting now get the error (e.g. the database is unreachable).
            for item in self._take(lane):
                _fail(item, err)
            return
        # Taken after the transaction is open: on SQLite, works keep queueing while we wait for the lock.
        batch = self._take(lane)
        end = self.scope(uow) if self.scope else None
        committed = False
        try:
            try:
                outcomes = await self._run_in(uow, batch)
                if any(ok for ok, _ in outcomes):
                    await _commit(uow)
                committed = True
            except _Dirty:
                await _close(uow, None)
                if end:
                    end(False)
                    end = None
                await self._one_by_one(batch)
                return
            except BaseException as err:
                await _close(uow, err)
                for item in batch:
                    _fail(item, err)
                if not isinstance(err, Exception):
                    raise
                return
            await _close(uow, None)
        finally:
            if end:
                end(committed)
        self.transactions += 1
        self.works += len(batch)
        if len(batch) > 1:
            self.batches += 1
        for item, (ok, value) in zip(batch, outcomes, strict=True):
            if item.future.done():
                continue
            if ok:
                item.future.set_result(value)
            else:
                item.future.set_exception(value)

    async def _run_in(self, uow: UnitOfWork, batch: list[_Item[Any]]) -> list[tuple[bool, Any]]:
        """Run the batch's works in order in `uow`: (True, result) or (False, error) per work. Raises
        `_Dirty` when a work failed after changing the transaction, and a database failure
        (`StorageUnavailable` after a statement failed: the transaction is gone) as is."""
        loop = asyncio.get_running_loop()
        outcomes: list[tuple[bool, Any]] = []
        for item in batch:
            before = _changes(uow)
            try:
                # A task only to run the work in its caller's context variables; awaited at once.
                outcomes.append((True, await loop.create_task(_call(item.work, uow), context=item.context)))
            except Exception as err:
                if before is not None and _changes(uow) == before:
                    outcomes.append((False, err))  # a clean refusal: only this work fails
                    continue
                if isinstance(err, StorageUnavailable):
                    raise
                raise _Dirty() from err
        return outcomes

    async def _one_by_one(self, batch: list[_Item[Any]]) -> None:
        """The fallback after a failed batch: each work in its own transaction, in their order (started
        together: on SQLite they queue on the write lock in this order)."""

        async def alone(item: _Item[Any]) -> None:
            if item.future.done():
                return
            try:
                result: Any = await asyncio.get_running_loop().create_task(
                    _call(self.single, item.work), context=item.context
                )
            except Exception as err:
                if not item.future.done():
                    item.future.set_exception(err)
            else:
                if not item.future.done():
                    item.future.set_result(result)

        await asyncio.gather(*(alone(item) for item in batch))


async def _commit(uow: UnitOfWork) -> None:
    """Commit; a refusal at commit (storage may send buffered writes then: a unique violation) cannot be
    pinned on one work, so the batch is redone one by one; the database failing fails them all."""
    try:
        await uow.commit()
    except StorageUnavailable:
        raise
    except Exception as err:
        raise _Dirty() from err


async def _call(function: Callable[[Any], Awaitable[T]], argument: Any) -> T:
    return await function(argument)


_COUNTING: dict[type, bool] = {}


def _changes(uow: UnitOfWork) -> int | None:
    kind = type(uow)
    if kind not in _COUNTING:
        _COUNTING[kind] = isinstance(uow, ChangeCounting)
    return cast(ChangeCounting, uow).changes if _COUNTING[kind] else None


def _fail(item: _Item[Any], err: BaseException) -> None:
    if item.future.done():
        return
    if isinstance(err, asyncio.CancelledError):
        item.future.cancel()
    else:
        item.future.set_exception(err)


async def _close(uow: UnitOfWork, err: BaseException | None) -> None:
    """Leave the unit of work (rolling back whatever was not committed); its own failure is secondary."""
    with contextlib.suppress(Exception):
        await uow.__aexit__(type(err) if err else None, err, err.__traceback__ if err else None)
