"""Which process schedules the daily posts: every process, or only the holder of a PostgreSQL lock.

By default every `interview-bot run` process runs the scheduler for the platforms it serves; the database
makes each day's post happen once (a unique row is claimed before posting), so that is safe, only busier.
With `INTERVIEW_BOT_SCHEDULER__LEADER_LOCK=true` on PostgreSQL, each platform's scheduling belongs to the
process holding a session-level advisory lock for that platform (`pg_try_advisory_lock`), taken on a
connection of its own. The others retry every `leader_retry_seconds`; when the leader dies, PostgreSQL
ends its session, the lock is free, and the next retry elsewhere takes over. A leader checks its lock
connection at the same pace and stands down when it broke (the database claims still prevent a double
post in the moment both run).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.core.ports import Clock
from bot.core.service import PracticeService
from bot.scheduler import DailyScheduler
from bot.scheduler_settings import Outcome, SchedulerSettings
from storage.leader_lock import AdvisoryLock, lock_key

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

class ObservedScheduler(DailyScheduler):
    """The scheduler, reporting each post attempt's outcome (for the `daily_posts` metric)."""

    def __init__(self, *args: Any, on_outcome: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_outcome = on_outcome

    async def post(self, channel_ref: str) -> Outcome:
        outcome = await super().post(channel_ref)
        if self.on_outcome is not None:
            self.on_outcome(outcome.value)
        return outcome


class SchedulerRunner:
    """Runs the daily scheduler of `platforms` here, always or while holding each platform's lock.

    `url` is the database's URL (the lock needs PostgreSQL; on another database every process schedules).
    `on_outcome(outcome)` and `on_leader(platform, leading)` feed the metrics."""

    def __init__(
        self,
        service: PracticeService,
        settings: SchedulerSettings,
        platforms: Iterable[str],
        *,
        leader_lock: bool = False,
        retry_seconds: float = 10.0,
        url: URL | None = None,
        clock: Clock | None = None,
        on_outcome: Callable[[str], None] | None = None,
        on_leader: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.platforms = list(dict.fromkeys(platforms))
        self.leader_lock = leader_lock and url is not None and url.get_backend_name() == "postgresql"
        self.retry_seconds = retry_seconds
        self.url = url
        self.clock = clock
        self.on_outcome = on_outcome
        self.on_leader = on_leader or (lambda _platform, _leading: None)
        self.schedulers: dict[str, DailyScheduler] = {}
        """The running schedulers, by platform."""
        self._made: dict[str, DailyScheduler] = {}
        self._locks: dict[str, AdvisoryLock] = {}
        self._elections: list[asyncio.Task[None]] = []
        if leader_lock and not self.leader_lock:
            log.warning("the scheduler leader lock needs PostgreSQL; this process schedules on its own")

    def _scheduler(self, platforms: list[str]) -> DailyScheduler:
        return ObservedScheduler(self.service, clock=self.clock, settings=self.settings, platforms=platforms,
                                 on_outcome=self.on_outcome)

    async def start(self) -> None:
        """Start scheduling now (no lock), or start competing for each platform's lock."""
        if not self.platforms:
            return
        if not self.leader_lock:
            scheduler = self._scheduler(self.platforms)
            await scheduler.start()
            for platform in self.platforms:
                self.schedulers[platform] = scheduler
                self.on_leader(platform, True)
            return
        assert self.url is not None
        for platform in self.platforms:
            self._locks[platform] = AdvisoryLock(self.url, lock_key(platform))
            self.on_leader(platform, False)
            self._elections.append(asyncio.create_task(self._elect(platform), name=f"leader:{platform}"))

    async def _elect(self, platform: str) -> None:
        lock = self._locks[platform]
        while True:
            try:
                if await lock.try_acquire():
                    await self._lead(platform, lock)
                    log.warning("lost the %s scheduler lock (its database connection broke); standing by",
                                platform)
                    await self._stand_down(platform)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                log.warning("cannot take the %s scheduler lock: %s", platform, str(err).splitlines()[0][:300])
                await self._stand_down(platform)
            await asyncio.sleep(self.retry_seconds)

    async def _lead(self, platform: str, lock: AdvisoryLock) -> None:
        # One scheduler per platform, started and stopped with the lock (it can start again after stop).
        scheduler = self._made.get(platform) or self._made.setdefault(platform, self._scheduler([platform]))
        self.schedulers[platform] = scheduler
        await scheduler.start()
        self.on_leader(platform, True)
        log.info("this process now schedules the %s daily questions (it holds the leader lock)", platform)
        while await lock.still_held():
            await asyncio.sleep(self.retry_seconds)

    async def _stand_down(self, platform: str) -> int:
        scheduler = self.schedulers.pop(platform, None)
        self.on_leader(platform, False)
        cancelled = await scheduler.stop() if scheduler is not None else 0
        await self._locks[platform].release()
        return cancelled

    def describe(self) -> str:
        """For `/healthz`: which platforms this process schedules."""
        if not self.platforms:
            return "no platform to schedule"
        leading = [p for p in self.platforms if p in self.schedulers]
        if not self.leader_lock:
            return f"scheduling {', '.join(leading)}"
        standby = [p for p in self.platforms if p not in self.schedulers]
        parts = [f"leader for {', '.join(leading)}"] if leading else []
        parts += [f"standby for {', '.join(standby)}"] if standby else []
        return "; ".join(parts)

    async def stop(self) -> int:
        """Stop competing, stop every scheduler (in-flight posts get the drain timeout), release the
        locks. Returns the number of posts cancelled."""
        for task in self._elections:
            task.cancel()
        for task in self._elections:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._elections.clear()
        cancelled = 0
        for scheduler in {id(s): s for s in self.schedulers.values()}.values():
            cancelled += await scheduler.stop()
        for platform in list(self.schedulers):
            self.on_leader(platform, False)
        self.schedulers.clear()
        for lock in self._locks.values():
            await lock.dispose()
        return cancelled
