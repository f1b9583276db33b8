"""The daily-question scheduler: APScheduler 3.x wakes the bot, the core and the database decide.

Jobs (all in a `MemoryJobStore`, rebuilt from the database on start and re-synced every `sync_interval`,
so a config changed by another process is picked up too):
- `daily:<channel_ref>`: the channel's cron job, a `DailyPostTrigger` at its local post time, weekdays and
  IANA timezone (the core's rule `next_post_time`, so daylight-saving changes follow one definition);
- `reveal:<post_id>`: a `DateTrigger` per open daily post at its reveal time (`bot.core.schedule`);
- `retry:<channel_ref>`: a `DateTrigger` after a failed post (exponential back-off, inside the grace);
- `daily-sync`: an `IntervalTrigger` that reconciles jobs with the database and runs catch-up.

A job only queues work on the fan-out (`bot.fanout`), which paces posts per platform. Posting goes
through `PracticeService.open_daily`, which claims the day's row (unique channel + local date) before
posting, records the message reference after, and gives the claim back when the platform fails; so two
schedulers (two processes, or a cron job firing twice on a fall-back day) post once. Every time rule
(due, catch-up grace, reveal time, back-off) lives in `bot.core.schedule` and uses the injectable clock.

This is the only module that imports APScheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.daily import STALE_CLAIM
from bot.core.errors import (
    CoreError,
    DailyClosed,
    DuplicateClaim,
    InvalidInput,
    NotFound,
    RevealInProgress,
    StorageUnavailable,
)
from bot.core.model import DailyConfig, DailyPost, DailyResults, DailyStatus
from bot.core.ports import Clock
from bot.core.schedule import (
    catch_up_due,
    next_post_time,
    retry_delay,
    reveal_time,
)
from bot.core.service import PracticeService
from bot.core.timekeeping import as_utc, local_date
from bot.fanout import Fanout, Work
from bot.scheduler_settings import Outcome, SchedulerSettings

log = logging.getLogger(__name__)

SYNC_JOB = "daily-sync"
MAX_REVEAL_ATTEMPTS = 8
REVEAL_RETRY_WINDOW = timedelta(hours=48)
"""A reveal that failed is retried (also after a restart) for this long after its question closed."""


class DailyPostTrigger(BaseTrigger):
    """A channel's daily cron schedule as an APScheduler trigger: the core's `next_post_time`.

    Why not APScheduler's `CronTrigger`: 3.11 disagrees with the wall clock around daylight-saving changes
    (it fires twice inside a repeated hour on a fall-back day and can skip the midnight after a
    spring-forward change), which the scheduler had to patch after every fire; and it recomputes a cron
    expression field by field, about 0.17 ms per call, twice per fire: a third of the scheduler's cost per
    channel in a 10,000-channel fan-out. The core's rule is tested over DST days in many zones, costs a few
    microseconds, and is the same rule catch-up and "is it due" use, so the job and the core never disagree.

    APScheduler asks `get_next_fire_time(previous, now)`: the first fire at or after `now` for a new job
    (previous None), else the first fire strictly after `previous` (earlier than `now` when fires were
    missed; the scheduler coalesces those, within the misfire grace)."""

    __slots__ = ("config",)

    def __init__(self, config: DailyConfig) -> None:
        self.config = config

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is None:
            return next_post_time(self.config, now - timedelta(microseconds=1))
        return next_post_time(self.config, previous_fire_time)

    def __str__(self) -> str:
        c = self.config
        days = ",".join(str(d) for d in c.weekdays)
        return f"daily at {c.post_time:%H:%M} {c.timezone} on weekdays [{days}]"

    def __repr__(self) -> str:
        return f"<DailyPostTrigger ({self})>"


class DailyScheduler:
    """Schedules every enabled channel of the handled `platforms` (None: all) and every open post.

    `start()`/`stop()` run it on the current event loop; `sync()`, `post(ref)` and `reveal(post_id)` are
    the same steps the jobs run, callable directly (tests drive them with a fixed clock)."""

    def __init__(
        self,
        service: PracticeService,
        *,
        clock: Clock | None = None,
        settings: SchedulerSettings | None = None,
        platforms: Iterable[str] | None = None,
        fanout: Fanout | None = None,
    ) -> None:
        self.service = service
        self.clock = clock or service.ctx.clock
        self.settings = settings or SchedulerSettings()
        self.platforms = frozenset(platforms) if platforms is not None else None
        self.fanout = fanout or Fanout(self.settings.lanes)
        self._aps: AsyncIOScheduler | None = None
        self._configs: dict[str, DailyConfig] = {}
        self._open: dict[int, DailyPost] = {}
        self._open_in: dict[str, set[int]] = {}  # channel_ref -> ids of its open posts
        self._reveal_at: dict[int, datetime] = {}
        self._done: dict[str, date] = {}
        self._retry_at: dict[str, datetime] = {}
        self._failures: dict[str, int] = {}
        self._unrevealed: dict[int, tuple[DailyResults, int, datetime]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._sync_lock = asyncio.Lock()
        self._listening = False
        self._abandoned: set[int] = set()

    # --- lifecycle ----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start APScheduler on the running loop, build every job from the database and run catch-up."""
        grace = int(self.settings.catch_up_grace.total_seconds())
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        )
        if not self._listening:
            self.service.add_daily_listener(self._config_changed)
            self._listening = True
        if self.fanout.closed:  # started again after stop()
            self.fanout = Fanout(self.settings.lanes)
        self._configs.clear()  # every job is rebuilt on the new APScheduler instance
        self._reveal_at.clear()
        await self.sync()  # jobs added before start() are stored in one batch with one wake-up
        self._aps.start()
        seconds = self.settings.sync_interval.total_seconds()
        self._aps.add_job(self.sync, IntervalTrigger(seconds=seconds, timezone=UTC), id=SYNC_JOB,
                          replace_existing=True, misfire_grace_time=None)

    async def stop(self, timeout: float | None = None) -> int:
        """Stop firing, drop queued work, let in-flight posts finish (cancelled after `timeout`, which
        gives their claims back for a retry). Returns the number of posts cancelled."""
        if self._aps is not None:
            if self._aps.running:
                self._aps.shutdown(wait=False)
            self._aps = None
        wait = self.settings.drain_timeout if timeout is None else timeout
        return await self.fanout.close(wait)

    async def idle(self) -> None:
        """Wait until every queued post and reveal has run."""
        await self.fanout.idle()

    def job_ids(self) -> list[str]:
        return [job.id for job in self._aps.get_jobs()] if self._aps is not None else []

    def next_run(self, job_id: str) -> datetime | None:
        job = self._aps.get_job(job_id) if self._aps is not None else None
        return getattr(job, "next_run_time", None) if job is not None else None

    def run_job_now(self, job_id: str) -> bool:
        """Make a job (e.g. `daily:<channel_ref>`) fire at once, as if its time had come."""
        job = self._aps.get_job(job_id) if self._aps is not None else None
        if job is None:
            return False
        job.modify(next_run_time=datetime.now(UTC))
        return True

    def _handles(self, channel_ref: str) -> bool:
        return self.platforms is None or channel_ref.partition(":")[0] in self.platforms

    # --- reconciling with the database -------------------------------------------------------------

    async def sync(self) -> None:
        """Reload enabled configs and open posts, fix the jobs, queue due reveals and today's missed posts."""
        async with self._sync_lock:
            try:
                configs = await self.service.enabled_daily_configs()
                posts = await self.service.open_daily_posts()
                unrevealed = await self.service.unrevealed_daily_posts()
            except StorageUnavailable as err:
                log.warning("daily sync skipped, the database is unreachable: %s", err.message)
                return
            now = self.clock.now()
            wanted = {c.channel_ref: c for c in configs if self._handles(c.channel_ref)}
            for ref in self._configs.keys() - wanted.keys():
                self._remove_job(f"daily:{ref}")
            changed = {ref for ref, config in wanted.items() if self._configs.get(ref) != config}
            for ref in changed:
                self._cron_job(wanted[ref])
            self._configs = wanted
            still_open = set()
            for post in posts:
                if self._handles(post.channel_ref):
                    still_open.add(post.id)
                    self._track(post, now, recheck=post.channel_ref in changed)
            for post_id in self._open.keys() - still_open:
                self._forget(post_id)
            self._adopt_unrevealed(unrevealed, now)
            self._retry_reveals(now)
            for ref in wanted:
                self._maybe_catch_up(ref, now)

    async def reschedule(self, channel_ref: str) -> None:
        """Re-read one channel's config after an admin changed it: replace or remove its cron job, move
        its open post's reveal, and post today's question if it is now due."""
        try:
            config = await self.service.daily_config(channel_ref)
        except (StorageUnavailable, InvalidInput) as err:
            log.warning("cannot reschedule %s: %s", channel_ref[:300], err.message)
            return
        ref = config.channel_ref if config is not None else channel_ref
        if config is None or not config.enabled or not self._handles(ref):
            self._configs.pop(ref, None)
            self._remove_job(f"daily:{ref}")
        else:
            changed = self._configs.get(ref) != config
            self._configs[ref] = config  # the newest revision, even when the settings are the same
            if changed:
                self._cron_job(config)
        now = self.clock.now()
        for post in self._open_posts_of(ref):
            self._reveal_at.pop(post.id, None)
            self._track(post, now)
        self._maybe_catch_up(ref, now)

    async def _config_changed(self, channel_ref: str) -> None:
        """The service's daily listener: an admin changed a channel here, so reschedule it at once."""
        if self._aps is not None:
            await self.reschedule(channel_ref)

    def _maybe_catch_up(self, ref: str, now: datetime) -> None:
        config = self._configs.get(ref)
        if config is None or self._done.get(ref) == local_date(now, config.timezone):
            return
        retry_at = self._retry_at.get(ref)
        if retry_at is not None and retry_at > now:
            return
        if catch_up_due(config, now, False, self.settings.catch_up_grace):
            self.queue_post(ref)

    def _track(self, post: DailyPost, now: datetime, recheck: bool = True) -> None:
        """Remember an open post and make sure its reveal runs on time (now, if it is already due).
        Without `recheck`, a post already tracked unchanged keeps its reveal job (the periodic sync)."""
        known = self._reveal_at.get(post.id)
        if not recheck and known is not None and self._open.get(post.id) == post:
            if known <= now:
                self.queue_reveal(post.id, post.channel_ref)
            return
        self._open[post.id] = post
        self._open_in.setdefault(post.channel_ref, set()).add(post.id)
        if self._done.get(post.channel_ref, date.min) < post.local_date:
            self._done[post.channel_ref] = post.local_date
        when = reveal_time(post, self._configs.get(post.channel_ref))
        if when <= now:
            self.queue_reveal(post.id, post.channel_ref)
        elif self._reveal_at.get(post.id) != when:
            self._reveal_at[post.id] = when
            self._date_job(f"reveal:{post.id}", when, self._reveal_job, post.id)

    def _open_posts_of(self, channel_ref: str) -> list[DailyPost]:
        return [self._open[i] for i in sorted(self._open_in.get(channel_ref, ())) if i in self._open]

    def _forget(self, post_id: int) -> None:
        post = self._open.pop(post_id, None)
        if post is not None:
            ids = self._open_in.get(post.channel_ref)
            if ids is not None:
                ids.discard(post_id)
                if not ids:
                    del self._open_in[post.channel_ref]
        if self._reveal_at.pop(post_id, None) is not None:
            self._remove_job(f"reveal:{post_id}")

    # --- jobs ---------------------------------------------------------------------------------------

    def _cron_job(self, config: DailyConfig) -> None:
        if self._aps is None:
            return
        self._aps.add_job(self._cron_fired, DailyPostTrigger(config), args=(config.channel_ref,),
                          id=f"daily:{config.channel_ref}", replace_existing=True)

    def _date_job(self, job_id: str, when: datetime, func: object, arg: object) -> None:
        """A one-off job `when` on our clock: APScheduler waits the same delay on the wall clock (they are
        the same clock in production; a test's fixed clock then never fires a job early)."""
        if self._aps is None:
            return
        delay = max(timedelta(0), as_utc(when) - self.clock.now())
        run_date = datetime.now(UTC) + delay
        self._aps.add_job(func, DateTrigger(run_date=run_date, timezone=UTC), args=(arg,), id=job_id,
                          replace_existing=True, misfire_grace_time=None)

    def _remove_job(self, job_id: str) -> None:
        if self._aps is not None and self._aps.get_job(job_id) is not None:
            self._aps.remove_job(job_id)

    async def _cron_fired(self, channel_ref: str) -> None:
        self.queue_post(channel_ref)

    async def _retry_fired(self, channel_ref: str) -> None:
        self._maybe_catch_up(channel_ref, self.clock.now())

    async def _reveal_job(self, post_id: int) -> None:
        post = self._open.get(post_id)
        if post is not None:
            self._reveal_at.pop(post_id, None)
            self._track(post, self.clock.now())  # queues the reveal if due, else re-arms the job

    def queue_post(self, channel_ref: str) -> bool:
        """Queue today's post of a channel on the fan-out (no-op if it is already queued)."""
        return self.fanout.submit(f"post:{channel_ref}", channel_ref, lambda: self.post(channel_ref))

    def queue_reveal(self, post_id: int, channel_ref: str) -> bool:
        return self.fanout.submit(f"reveal:{post_id}", channel_ref, lambda: self.reveal(post_id))

    def _lock(self, channel_ref: str) -> asyncio.Lock:
        lock = self._locks.get(channel_ref)
        if lock is None:
            lock = self._locks[channel_ref] = asyncio.Lock()
        return lock

    # --- posting ------------------------------------------------------------------------------------

    async def post(self, channel_ref: str) -> Outcome:
        """Post today's question in the channel if it is due now (at most `catch_up_grace` after its
        slot), revealing the channel's previous question first when that is due."""
        now = self.clock.now()
        config = self._configs.get(channel_ref)
        if config is None:
            return Outcome.SKIPPED
        today = local_date(now, config.timezone)
        retry_at = self._retry_at.get(channel_ref)
        if self._done.get(channel_ref) == today:
            return Outcome.ALREADY
        if (retry_at is not None and retry_at > now) or not catch_up_due(
            config, now, False, self.settings.catch_up_grace
        ):
            return Outcome.SKIPPED
        if config.platform not in self.service.ctx.announcers:
            return self._retry(channel_ref, config, now, "its platform is not connected yet")
        async with self._lock(channel_ref):
            for post in self._open_posts_of(channel_ref):
                if reveal_time(post, config) <= now:
                    await self._close_and_reveal(post.id)
            try:
                post = await self.service.open_daily(channel_ref, known=config)
            except DuplicateClaim:
                return await self._claimed_elsewhere(channel_ref, config, today, now)
            except NotFound:
                self._configs.pop(channel_ref, None)
                self._remove_job(f"daily:{channel_ref}")
                return Outcome.SKIPPED
            except StorageUnavailable as err:
                return self._retry(channel_ref, config, now, err.message)
            except CoreError as err:  # switched off, not a posting day, no question matches
                log.warning("no daily question in %s today: %s", channel_ref[:300], err.message)
                self._done[channel_ref] = today
                return Outcome.SKIPPED
            except Exception as err:
                log.warning("posting the daily question in %s failed: %r", channel_ref[:300], err)
                return self._retry(channel_ref, config, now, "the platform refused the post")
        self._done[channel_ref] = post.local_date
        self._failures.pop(channel_ref, None)
        if self._retry_at.pop(channel_ref, None) is not None:
            self._remove_job(f"retry:{channel_ref}")
        self._track(post, self.clock.now())
        return Outcome.POSTED

    async def _claimed_elsewhere(
        self, channel_ref: str, config: DailyConfig, today: date, now: datetime
    ) -> Outcome:
        """The day is taken: done if it was posted; otherwise wait until the other claim goes stale."""
        try:
            current = await self.service.current_daily(channel_ref)
        except StorageUnavailable as err:
            return self._retry(channel_ref, config, now, err.message)
        if current is not None and current.local_date == today and current.status != DailyStatus.CLAIMED:
            self._done[channel_ref] = today
            if current.status == DailyStatus.POSTED:
                self._track(current, now)
            return Outcome.ALREADY
        if current is not None and current.local_date == today:
            when = as_utc(current.claimed_at) + STALE_CLAIM + timedelta(seconds=1)
        else:
            when = now + self.settings.retry_base
        self._retry_at[channel_ref] = when
        self._date_job(f"retry:{channel_ref}", when, self._retry_fired, channel_ref)
        return Outcome.PENDING

    def _retry(self, channel_ref: str, config: DailyConfig, now: datetime, why: str) -> Outcome:
        failures = self._failures.get(channel_ref, 0) + 1
        when = now + retry_delay(failures, self.settings.retry_base, self.settings.retry_cap)
        if not catch_up_due(config, when, False, self.settings.catch_up_grace):
            log.error("giving up today's daily question in %s after %d attempts: %s",
                      channel_ref[:300], failures, why)
            self._failures.pop(channel_ref, None)
            self._retry_at.pop(channel_ref, None)
            self._done[channel_ref] = local_date(now, config.timezone)
            return Outcome.SKIPPED
        log.info("daily question in %s will be retried at %s (%s)", channel_ref[:300], when.isoformat(), why)
        self._failures[channel_ref] = failures
        self._retry_at[channel_ref] = when
        self._date_job(f"retry:{channel_ref}", when, self._retry_fired, channel_ref)
        return Outcome.RETRY

    # --- revealing ----------------------------------------------------------------------------------

    async def reveal(self, post_id: int) -> DailyResults | None:
        """Close a post and post its reveal (once across processes: the loser of the close gets nothing)."""
        post = self._open.get(post_id)
        if post is None:
            return None
        async with self._lock(post.channel_ref):
            return await self._close_and_reveal(post_id)

    async def _close_and_reveal(self, post_id: int) -> DailyResults | None:
        try:
            results = await self.service.close_daily(post_id, announce=False)
        except (DailyClosed, NotFound):
            self._forget(post_id)
            return None
        except StorageUnavailable as err:
            log.warning("closing daily post %d failed, retried at the next sync: %s", post_id, err.message)
            return None
        self._forget(post_id)
        return await self._announce(results, attempt=1)

    async def _announce(self, results: DailyResults, attempt: int) -> DailyResults | None:
        post_id = results.post.id
        try:
            revealed = await self.service.daily.reveal(results)
        except RevealInProgress:
            # Another attempt holds a fresh reveal claim and is posting it: not ours to retry. If that
            # process dies, its claim goes stale and `sync` adopts the post again (`unrevealed`).
            log.info("the reveal of daily post %d is being posted elsewhere", post_id)
            self._unrevealed.pop(post_id, None)
            return None
        except Exception as err:
            if attempt >= MAX_REVEAL_ATTEMPTS:
                log.error("giving up the reveal of daily post %d: %r", post_id, err)
                self._unrevealed.pop(post_id, None)
                self._abandoned.add(post_id)
                return None
            when = self.clock.now() + retry_delay(attempt, self.settings.retry_base, self.settings.retry_cap)
            log.warning("the reveal of daily post %d failed (%r); retry at %s", post_id, err,
                        when.isoformat())
            self._unrevealed[post_id] = (results, attempt, when)
            self._date_job(f"reveal-retry:{post_id}", when, self._reveal_retry_fired, post_id)
            return None
        self._unrevealed.pop(post_id, None)
        return revealed

    def _adopt_unrevealed(self, posts: list[DailyPost], now: datetime) -> None:
        """Closed posts whose reveal never made it (e.g. the platform failed, then the process restarted).
        Only those closed longer ago than a claim takes to go stale, so a reveal another process is posting
        right now is not posted twice; and only recent ones, a reveal days late helps nobody."""
        for post in posts:
            closed = as_utc(post.closed_at) if post.closed_at is not None else None
            if (
                closed is None
                or not self._handles(post.channel_ref)
                or post.id in self._unrevealed
                or post.id in self._abandoned
                or not now - REVEAL_RETRY_WINDOW <= closed <= now - STALE_CLAIM
            ):
                continue
            self.fanout.submit(f"announce:{post.id}", post.channel_ref, self._late_reveal_work(post.id))

    def _late_reveal_work(self, post_id: int) -> Work:
        async def work() -> DailyResults | None:
            try:
                results = await self.service.daily_results(post_id)
            except CoreError as err:
                log.warning("cannot retry the reveal of daily post %d: %s", post_id, err.message)
                self._abandoned.add(post_id)
                return None
            return await self._announce(results, attempt=1)

        return work

    async def _reveal_retry_fired(self, post_id: int) -> None:
        self._retry_reveals(self.clock.now(), only=post_id)

    def _retry_reveals(self, now: datetime, only: int | None = None) -> None:
        for post_id, (results, attempt, when) in list(self._unrevealed.items()):
            if (only is None or post_id == only) and when <= now:
                self.fanout.submit(f"announce:{post_id}", results.post.channel_ref,
                                   self._announce_work(results, attempt + 1))

    def _announce_work(self, results: DailyResults, attempt: int) -> Work:
        async def work() -> DailyResults | None:
            return await self._announce(results, attempt)

        return work
