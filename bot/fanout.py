"""Bounded, paced fan-out of the daily posts and reveals: one lane per platform, a token bucket per bucket.

At 09:00 thousands of channels may be due at once. Posting them all at once would trip the platforms'
rate limits (Discord: 50 requests/s per bot; Slack: about one post per second per channel and a
workspace-wide limit) and starve everything else on the event loop (slash commands, button clicks, the
database pool). So each platform gets a lane with a fixed number of workers (bounded concurrency) that
take a pacing slot from a token bucket before each post. Discord shares one bucket per bot; Slack has one
bucket per workspace (`per_team`). Pacing happens *before* the core claims the day, so no claim is held
while waiting for a slot. Work items carry a key, and a key already queued or running is not queued again.

Nothing here knows about Discord or Slack beyond the platform prefix of a `channel_ref`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class LaneLimits:
    """`rate` posts per second per bucket after a `burst`; `concurrency` posts in flight per platform;
    `per_team` gives each team (Slack workspace, Discord guild) its own bucket."""

    rate: float
    burst: int = 1
    concurrency: int = 8
    per_team: bool = False

    def __post_init__(self) -> None:
        if not self.rate > 0 or self.burst < 1 or self.concurrency < 1:
            raise ValueError("a lane needs a positive rate, a burst of at least 1 and at least 1 worker")


DEFAULT_LIMITS: Mapping[str, LaneLimits] = {
    # Discord: 50 requests/s per bot overall; keep headroom for interactions and edits.
    "discord": LaneLimits(rate=40.0, burst=10, concurrency=16),
    # Slack: chat.postMessage is ~1/s per channel plus an unpublished workspace-wide limit. The pacing is
    # per workspace, so many workspaces may post at once: 32 in flight keep 100 workspaces at their pace
    # with 40 ms per post (16 capped a 10,000-channel fan-out at ~350 posts/s of the 500 allowed).
    "slack": LaneLimits(rate=5.0, burst=5, concurrency=32, per_team=True),
}
FALLBACK_LIMITS = LaneLimits(rate=10.0, burst=5, concurrency=4)


class Pacer:
    """Token buckets keyed by name: `reserve(key)` books the next free slot and says how long to wait."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 50_000) -> None:
        self.interval = 1.0 / rate
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys
        self._next: dict[str, float] = {}

    def next_free(self, key: str) -> float:
        """The clock time of the next slot `reserve(key)` would give (without booking it)."""
        earliest = self.clock() - (self.burst - 1) * self.interval
        return max(self._next.get(key, earliest), earliest)

    def reserve(self, key: str) -> float:
        now = self.clock()
        earliest = now - (self.burst - 1) * self.interval
        slot = max(self._next.get(key, earliest), earliest)
        self._next[key] = slot + self.interval
        if len(self._next) > self.max_keys:
            for stale in [k for k, at in self._next.items() if at <= now]:
                del self._next[stale]
        return max(0.0, slot - now)


@dataclass
class _Item:
    key: str
    bucket: str
    work: Work


@dataclass
class _Lane:
    """Items wait in one queue per bucket; `ready` is a heap of (next free slot, order, bucket) with one
    entry per non-empty bucket, so a worker always serves the bucket that may post soonest: a workspace
    with a long backlog never holds up the others (no head-of-line blocking)."""

    limits: LaneLimits
    pacer: Pacer
    buckets: dict[str, deque[_Item]] = field(default_factory=dict)
    ready: list[tuple[float, int, str]] = field(default_factory=list)
    workers: set[asyncio.Task[None]] = field(default_factory=set)
    busy: set[asyncio.Task[None]] = field(default_factory=set)
    order: itertools.count[int] = field(default_factory=itertools.count)

    def push(self, item: _Item) -> None:
        queue = self.buckets.get(item.bucket)
        if queue is None:
            queue = self.buckets[item.bucket] = deque()
            heapq.heappush(self.ready, (self.pacer.next_free(item.bucket), next(self.order), item.bucket))
        queue.append(item)

    def pop(self) -> tuple[_Item, float]:
        """The next item to post and how long to wait for its slot (booked now)."""
        _slot, _order, bucket = heapq.heappop(self.ready)
        queue = self.buckets[bucket]
        item = queue.popleft()
        delay = self.pacer.reserve(bucket)
        if queue:
            heapq.heappush(self.ready, (self.pacer.next_free(bucket), next(self.order), bucket))
        else:
            del self.buckets[bucket]
        return item, delay

    def drop_queued(self) -> list[_Item]:
        dropped = [item for queue in self.buckets.values() for item in queue]
        self.buckets.clear()
        self.ready.clear()
        return dropped


def split_ref(channel_ref: str) -> tuple[str, str]:
    """(platform, team) of `platform:team/channel` (team is '' when the ref has no `/`)."""
    platform, _, rest = channel_ref.partition(":")
    team, _, _ = rest.partition("/")
    return platform, team


class Fanout:
    """Runs keyed work items per platform lane; `submit` never blocks, `idle()` waits for the backlog,
    `close(timeout)` finishes what is in flight (or cancels it after `timeout`) and drops the rest."""

    def __init__(
        self,
        limits: Mapping[str, LaneLimits] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self.clock = clock
        self.sleep = sleep
        self._lanes: dict[str, _Lane] = {}
        self._keys: set[str] = set()
        self._closing = False
        self._idle = asyncio.Event()
        self._idle.set()
        self.completed = 0
        self.failed = 0

    @property
    def closed(self) -> bool:
        return self._closing

    @property
    def pending(self) -> int:
        """Items queued or running."""
        return len(self._keys)

    def submit(self, key: str, channel_ref: str, work: Work) -> bool:
        """Queue `work` on the channel's platform lane unless `key` is already queued or running (or the
        fan-out is closing); returns whether it was queued."""
        if self._closing or key in self._keys:
            return False
        platform, team = split_ref(channel_ref)
        lane = self._lane(platform)
        bucket = f"{platform}:{team}" if lane.limits.per_team else platform
        self._keys.add(key)
        self._idle.clear()
        lane.push(_Item(key, bucket, work))
        if len(lane.workers) < lane.limits.concurrency:
            task = asyncio.get_running_loop().create_task(self._worker(lane), name=f"fanout-{platform}")
            lane.workers.add(task)
        return True

    def _lane(self, platform: str) -> _Lane:
        lane = self._lanes.get(platform)
        if lane is None:
            limits = self.limits.get(platform, FALLBACK_LIMITS)
            lane = _Lane(limits, Pacer(limits.rate, limits.burst, self.clock))
            self._lanes[platform] = lane
        return lane

    async def _worker(self, lane: _Lane) -> None:
        me = asyncio.current_task()
        assert me is not None
        try:
            while lane.ready and not self._closing:
                item, delay = lane.pop()
                try:
                    if delay > 0:
                        await self.sleep(delay)
                    if self._closing:
                        continue
                    lane.busy.add(me)
                    try:
                        await item.work()
                        self.completed += 1
                    except Exception:
                        self.failed += 1
                        log.exception("fan-out work %s failed", item.key)
                    finally:
                        lane.busy.discard(me)
                finally:
                    self._keys.discard(item.key)
        finally:
            lane.workers.discard(me)
            self._check_idle()

    def _check_idle(self) -> None:
        if not self._keys and not any(lane.workers for lane in self._lanes.values()):
            self._idle.set()

    async def idle(self) -> None:
        """Wait until nothing is queued or running (tests and the bench use it)."""
        while True:
            await self._idle.wait()
            if not self._keys and not any(lane.workers for lane in self._lanes.values()):
                return
            self._idle.clear()

    async def close(self, timeout: float) -> int:
        """Stop: drop queued items, let in-flight posts finish for up to `timeout` seconds, then cancel
        them (the core gives back the claim of a cancelled post). Returns how many were cancelled."""
        self._closing = True
        for lane in self._lanes.values():
            for item in lane.drop_queued():
                self._keys.discard(item.key)
        waiting = [t for lane in self._lanes.values() for t in lane.workers if t not in lane.busy]
        for task in waiting:
            task.cancel()
        busy = [t for lane in self._lanes.values() for t in lane.busy]
        cancelled = 0
        if busy:
            _done, late = await asyncio.wait(busy, timeout=max(0.0, timeout))
            for task in late:
                task.cancel()
            cancelled = len(late)
        everything = [t for lane in self._lanes.values() for t in lane.workers]
        for task in everything:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._keys.clear()
        self._idle.set()
        return cancelled
