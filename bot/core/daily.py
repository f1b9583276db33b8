"""The daily question of a channel: configure, open (claim → post → record), answer, close with results.

Exactly once comes from the database: the day's row is claimed (unique channel + local date) in its own
transaction before anything is posted, the platform's message reference is recorded after, and the claim is
given back when posting fails so a retry can happen. A second answer from a player is refused by the
database's unique (daily post, player), not only by a check here.

A failed post does not prove that nothing was posted: a timeout or a dropped connection may come after the
platform accepted the message, a shutdown may cancel a request already sent, and a process killed after
the platform accepted the question never records it (its claim goes stale). So a claim is never deleted:
a failed attempt backdates it (`expire`), and the attempt that takes it over first asks the platform (the
announcer's optional `PostFinder`) whether the post is there, and records it instead of posting again. If
the platform cannot tell, nothing is posted and the claim is kept: a late post is better than a duplicate.
The reveal is posted under its own claim (a conditional UPDATE on the closed row), so two processes
retrying one failed reveal post it once. It follows the same rule: a failed reveal backdates its claim
(never clears it), and an attempt that takes over an earlier claim first asks the announcer's optional
`RevealFinder` whether that attempt's reveal is on the platform.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Protocol, runtime_checkable

from bot.core.context import CoreContext, clean_answer, lane_key, resolve_player
from bot.core.daily_config import (
    parse_channel_ref,
    parse_duration,
    parse_time_of_day,
    parse_topics,
    parse_weekdays,
)
from bot.core.errors import (
    AlreadyAnswered,
    DailyClosed,
    InvalidInput,
    NoQuestions,
    NotFound,
    RevealInProgress,
    StorageUnavailable,
)
from bot.core.model import (
    AttemptMode,
    DailyAnswerRow,
    DailyConfig,
    DailyPost,
    DailyPostDraft,
    DailyResults,
    DailyStatus,
    Player,
    QuizFilters,
    RevealClaim,
    TeamRef,
)
from bot.core.ports import Announcer, PostFinder, RevealFinder, UnitOfWork
from bot.core.recording import answer_history, record_attempt
from bot.core.selection import matching, parse_difficulty, pick
from bot.core.timekeeping import as_utc, local_date, zone
from bot.core.views import Feedback

log = logging.getLogger(__name__)

RECENT_DAYS = 90
"""A question posted in a team within this many days is only reused when nothing else is left."""
TOP_ANSWERS = 5
STALE_CLAIM = timedelta(minutes=10)
"""A claim older than this that never became a post (the process died) may be taken over."""
STALE_REVEAL_CLAIM = timedelta(minutes=10)
"""A reveal claim older than this whose reveal was never recorded (the process died) may be taken over."""
RECENT_CACHE_LIMIT = 4096
"""Team-days of recent question ids kept in memory (all dropped when full; they are cheap to reload)."""


DailyListener = Callable[[str], Awaitable[None]]
"""Called with a channel_ref after its daily config changed (committed), e.g. to reschedule its job."""


@runtime_checkable
class UnrevealedQueries(Protocol):
    """Optional extra of the daily-post repository: CLOSED posts whose reveal was never posted (with
    `stale_before`, only those nobody claimed to reveal since then)."""

    async def unrevealed(self, stale_before: datetime | None = None) -> list[DailyPost]: ...


class DailyQuestions:
    def __init__(self, ctx: CoreContext) -> None:
        self.ctx = ctx
        self.listeners: list[DailyListener] = []
        self._recent: dict[tuple[int, date], set[str]] = {}
        """Recent question ids per (team, local day), read once per team and day and kept up to date
        with this process's own claims: in a fan-out, every channel of a team would otherwise read the
        same rows again. Only the choice of question depends on it (a post claimed by another process
        since the read may be repeated), never exactly once, which the claim's unique row decides."""

    async def _changed(self, channel_ref: str) -> None:
        for listener in list(self.listeners):
            try:
                await listener(channel_ref)
            except Exception:  # a listener's trouble is not the admin's error
                log.exception("daily config listener failed for %s", channel_ref)

    # --- configuration ----------------------------------------------------------------------------

    async def configure(
        self,
        channel_ref: str,
        team: TeamRef,
        post_time: str | time,
        timezone: str = "UTC",
        weekdays: str | Iterable[int] | None = None,
        topics: str | Iterable[str] | None = None,
        difficulty: str | None = None,
        reveal_after: str | timedelta | None = None,
    ) -> DailyConfig:
        """Create or replace a channel's daily settings (enabled). Bad values raise `InvalidInput`."""
        zone(timezone)
        level = parse_difficulty(difficulty)

        async def work(uow: UnitOfWork) -> DailyConfig:
            stored_team = await uow.teams.get_or_create(team)
            config = DailyConfig(
                channel_ref=parse_channel_ref(channel_ref),
                team_id=stored_team.id,
                post_time=parse_time_of_day(post_time),
                timezone=timezone.strip(),
                weekdays=parse_weekdays(weekdays),
                topics=parse_topics(topics),
                difficulty=level.value if level else None,
                reveal_after=parse_duration(reveal_after),
                enabled=True,
            )
            await uow.daily_configs.save(config)
            return config

        saved = await self.ctx.transact(work)
        await self._changed(saved.channel_ref)
        return saved

    async def disable(self, channel_ref: str) -> DailyConfig:
        async def work(uow: UnitOfWork) -> DailyConfig:
            config = await uow.daily_configs.get(parse_channel_ref(channel_ref))
            if config is None:
                raise NotFound("This channel has no daily question.")
            off = dataclasses.replace(config, enabled=False)
            await uow.daily_configs.save(off)
            return off

        disabled = await self.ctx.transact(work)
        await self._changed(disabled.channel_ref)
        return disabled

    async def config(self, channel_ref: str) -> DailyConfig | None:
        return await self.ctx.read(lambda uow: uow.daily_configs.get(parse_channel_ref(channel_ref)))

    async def enabled_configs(self) -> list[DailyConfig]:
        return await self.ctx.read(lambda uow: uow.daily_configs.list_enabled())

    # --- opening ----------------------------------------------------------------------------------

    def _announcer(self, channel_ref: str) -> Announcer:
        platform = channel_ref.split(":", 1)[0]
        announcer = self.ctx.announcers.get(platform)
        if announcer is None:
            raise InvalidInput(f"No announcer is configured for {platform!r} channels.")
        return announcer

    async def open(
        self, channel_ref: str, force: bool = False, known: DailyConfig | None = None
    ) -> DailyPost:
        """Post today's question in the channel, exactly once per local day.

        Raises `DuplicateClaim` when the day already has its post, `NotFound` without a config,
        `InvalidInput` when the channel is disabled or today is not a posting day (unless `force`, which an
        admin's "post now" uses), and re-raises the announcer's error after giving the claim back.

        A take-over of a stale claim first looks for the dead attempt's post (`_find_lost_post`): found, it
        is recorded and nothing is posted; when the platform cannot tell, its error propagates and the
        claim is kept (not released: the post may exist), so the caller retries once the claim is stale.

        `known` is the caller's copy of the channel's config (the scheduler's, read at its last sync): the
        question is chosen from it and the claim is made in one statement only while storage still has
        that config, enabled, at the same revision. Otherwise (changed or switched off elsewhere since,
        the day taken, a stale claim to take over) the config is read and the day claimed as usual. In a
        fan-out this saves a read per channel: on PostgreSQL a round trip, a third of the database's cost.
        """
        ref = parse_channel_ref(channel_ref)
        announcer = self._announcer(ref)
        now = self.ctx.now()
        copy = known if known is not None and known.revision and known.channel_ref == ref else None

        async def claim(uow: UnitOfWork) -> DailyPost:
            if copy is not None and not force and self._due(copy, now):
                with contextlib.suppress(NoQuestions):  # the stored config decides that, below
                    draft = await self._draft(uow, copy, now)
                    claimed = await uow.daily_posts.claim_if_config(draft, copy.revision)
                    if claimed is not None:
                        return claimed
            config = await uow.daily_configs.get(ref)
            if config is None:
                raise NotFound("This channel has no daily question; an admin can set one up.")
            if not force and not config.enabled:
                raise InvalidInput("The daily question is switched off in this channel.")
            if not force and not self._due(config, now):
                raise InvalidInput("Today is not a daily-question day in this channel.")
            draft = await self._draft(uow, config, now)
            return await uow.daily_posts.claim(draft, stale_before=now - STALE_CLAIM)

        post = await self.ctx.transact(claim, background=True)
        cached = self._recent.get((post.team_id, post.local_date))
        if cached is not None:
            cached.add(post.question_id)
        found = await self._find_lost_post(announcer, ref, post) if post.taken_over else None
        if found is not None:
            message_ref = found
        else:
            try:
                message_ref = await announcer.post_question(ref, self.ctx.question(post.question_id), post)
            except BaseException:
                await self._give_back(post)
                raise

        async def record(uow: UnitOfWork) -> DailyPost:
            return await uow.daily_posts.mark_posted(post.id, message_ref, self.ctx.now())

        return await self.ctx.transact(record, background=True)

    @staticmethod
    def _due(config: DailyConfig, now: datetime) -> bool:
        """Whether the channel is on and posts on its local day of `now`."""
        return config.enabled and local_date(now, config.timezone).weekday() in config.weekdays

    async def _draft(self, uow: UnitOfWork, config: DailyConfig, now: datetime) -> DailyPostDraft:
        """Today's claim for the channel: a question matching its topics and difficulty, avoiding the
        team's recent ones."""
        today = local_date(now, config.timezone)
        filters = QuizFilters(difficulty=config.difficulty)
        candidates = matching(self.ctx.catalog.all(), filters, config.topics)
        if not candidates:
            raise NoQuestions("No question matches this channel's topics and difficulty.")
        recent = await self._recent_ids(uow, config.team_id, today)
        question = pick(candidates, recent, 1, self.ctx.rng)[0]
        return DailyPostDraft(
            channel_ref=config.channel_ref,
            team_id=config.team_id,
            local_date=today,
            question_id=question.id,
            claimed_at=now,
            reveal_at=now + config.reveal_after,
        )

    async def _find_lost_post(self, announcer: Announcer, channel_ref: str, post: DailyPost) -> str | None:
        """The message reference of the post a dead attempt made for this take-over, or None.

        Only a take-over asks: a fresh claim has no earlier attempt. An announcer that cannot search
        (no `PostFinder`) gets None, i.e. posts as before. Errors propagate without releasing the claim:
        deleting it would let any process post at once, while a kept claim goes stale and is taken over
        (and searched) again later."""
        if not isinstance(announcer, PostFinder):
            log.warning("cannot check for a lost daily post in %s (its announcer cannot search); posting",
                        channel_ref[:300])
            return None
        found = await announcer.find_question_post(channel_ref, post)
        if found is not None:
            log.info("daily post %d in %s was already on the platform (%s); recorded, not posted again",
                     post.id, channel_ref[:300], found[:300])
        return found

    async def _recent_ids(self, uow: UnitOfWork, team_id: int, today: date) -> set[str]:
        """The team's questions of the last `RECENT_DAYS` days (a copy: the caller may keep it)."""
        key = (team_id, today)
        recent = self._recent.get(key)
        if recent is None:
            since = today - timedelta(days=RECENT_DAYS)
            recent = set(await uow.daily_posts.recent_question_ids(team_id, since))
            if len(self._recent) >= RECENT_CACHE_LIMIT:
                self._recent.clear()
            self._recent[key] = recent
        return set(recent)

    async def _give_back(self, post: DailyPost) -> None:
        """After a failed or cancelled post: backdate the claim so a retry takes it over at once, and
        (being a take-over) looks for this attempt's post on the platform before posting."""
        expired = as_utc(post.claimed_at) - 2 * STALE_CLAIM

        async def work(uow: UnitOfWork) -> None:
            await uow.daily_posts.expire(post.id, expired)

        # If the database is gone too, the claim goes stale and the next attempt takes it over.
        with contextlib.suppress(StorageUnavailable):
            await self.ctx.transact(work)

    async def post(self, post_id: int) -> DailyPost:
        """One daily post by id; `NotFound` when there is none (or it was never posted)."""

        async def work(uow: UnitOfWork) -> DailyPost:
            post = await uow.daily_posts.get(post_id)
            if post is None or post.status == DailyStatus.CLAIMED:
                raise NotFound("There is no such daily question.")
            return post

        return await self.ctx.read(work)

    async def current(self, channel_ref: str) -> DailyPost | None:
        """The channel's most recent post (any status), for "what is today's question"."""
        return await self.ctx.read(lambda uow: uow.daily_posts.latest(parse_channel_ref(channel_ref)))

    async def open_posts(self) -> list[DailyPost]:
        return await self.ctx.read(lambda uow: uow.daily_posts.open_posts())

    async def unrevealed(self) -> list[DailyPost]:
        """Closed posts whose reveal was never posted and that nobody is revealing now (their reveal claim
        is unset or stale); empty when storage cannot tell."""
        stale_before = self.ctx.now() - STALE_REVEAL_CLAIM

        async def work(uow: UnitOfWork) -> list[DailyPost]:
            repo = uow.daily_posts
            return await repo.unrevealed(stale_before) if isinstance(repo, UnrevealedQueries) else []

        return await self.ctx.read(work)

    # --- answering --------------------------------------------------------------------------------

    async def submit(self, player: Player, post_id: int, answer_text: str) -> Feedback:
        """Grade a player's answer to a daily post. Only the first answer counts: a second one raises
        `AlreadyAnswered`; answers after the reveal time or close raise `DailyClosed`."""
        answer = clean_answer(answer_text)

        async def work(uow: UnitOfWork) -> Feedback:
            post = await uow.daily_posts.get(post_id)
            if post is None or post.status == DailyStatus.CLAIMED:
                raise NotFound("There is no such daily question.")
            now = self.ctx.now()
            if post.status == DailyStatus.CLOSED or now >= as_utc(post.reveal_at):
                raise DailyClosed()
            team, record = await resolve_player(uow, player)
            history = await answer_history(uow, record.id, post.question_id, post.id)
            if history.daily_answered:
                raise AlreadyAnswered()
            question = self.ctx.question(post.question_id)
            grade = self.ctx.grade(question, answer)
            attempt = await record_attempt(
                uow, team=team, player=record, question=question, answer=answer, grade=grade,
                mode=AttemptMode.DAILY, hints_used=0, now=now, daily_post_id=post.id, history=history,
            )
            return Feedback(attempt, grade, question, attempt.counted, attempt.points)

        try:
            return await self.ctx.transact(work, lane_key(player))
        except StorageUnavailable as err:
            raise StorageUnavailable(
                "The database is unreachable: your answer was NOT saved. Send it again when it is back.",
                unsaved_answer=answer,
            ) from err

    # --- closing ----------------------------------------------------------------------------------

    async def _results(self, uow: UnitOfWork, post: DailyPost) -> DailyResults:
        attempts = await uow.attempts.for_daily_post(post.id)
        best = sorted(attempts, key=lambda a: (-a.score, a.created_at, a.id))[:TOP_ANSWERS]
        rows = []
        for a in best:
            who = await uow.players.get(a.player_id)
            rows.append(DailyAnswerRow(a.player_id, who.display_name if who else "?", a.score, a.verdict,
                                       a.points, a.answer))
        question = self.ctx.find_question(post.question_id)
        return DailyResults(
            post=post,
            question_id=post.question_id,
            reference_answer=question.reference_answer if question else "",
            explanation=question.explanation if question else "",
            answers=len(attempts),
            correct=sum(1 for a in attempts if a.verdict == "correct"),
            top=tuple(rows),
        )

    async def results(self, post_id: int) -> DailyResults:
        async def work(uow: UnitOfWork) -> DailyResults:
            post = await uow.daily_posts.get(post_id)
            if post is None:
                raise NotFound("There is no such daily question.")
            return await self._results(uow, post)

        return await self.ctx.read(work)

    async def close(self, post_id: int, announce: bool = True) -> DailyResults:
        """Close the post (once, whichever process gets there first: others get `DailyClosed`) and post
        the reveal with the day's results through the channel's announcer."""

        async def work(uow: UnitOfWork) -> DailyResults:
            closed = await uow.daily_posts.close(post_id, self.ctx.now())
            return await self._results(uow, closed)

        results = await self.ctx.transact(work)
        if announce:
            results = await self.reveal(results)
        return results

    async def reveal(self, results: DailyResults) -> DailyResults:
        """Post the reveal of a closed post once and record its message reference (a retry after a failed
        reveal calls this again with `results(post_id)`).

        The reveal claim is taken first (one conditional UPDATE), so of two processes retrying the same
        reveal one posts. Returns the results with the reveal's reference, also when the reveal had been
        posted already (nothing is posted then); raises `RevealInProgress` while another attempt holds a
        fresh claim, `NotFound` for an unknown post and `InvalidInput` for one not closed yet.

        When the post fails the claim is backdated (`_expire_reveal`: a retry may take it over at once) and
        the announcer's error is re-raised. A take-over (an earlier attempt failed or died) first looks for
        that attempt's reveal (`_find_lost_reveal`): found, it is recorded and nothing is posted; when the
        platform cannot tell, its error propagates and the claim is kept, so a retry comes once it is
        stale."""
        post = results.post
        announcer = self._announcer(post.channel_ref)
        now = self.ctx.now()

        async def take(uow: UnitOfWork) -> RevealClaim | None:
            return await uow.daily_posts.claim_reveal(post.id, now, now - STALE_REVEAL_CLAIM)

        claim = await self.ctx.transact(take)
        if claim is None:
            return await self._not_claimed(results)
        claimed = claim.post
        question_ref = claimed.message_ref or post.message_ref or ""
        found = await self._find_lost_reveal(announcer, question_ref, claimed) if claim.taken_over else None
        if found is not None:
            reveal_ref = found
        else:
            try:
                reveal_ref = await announcer.post_reveal(post.channel_ref, question_ref, results)
            except BaseException:
                await self._expire_reveal(claimed)
                raise

        async def work(uow: UnitOfWork) -> None:
            await uow.daily_posts.set_reveal_ref(post.id, reveal_ref)

        await self.ctx.transact(work)
        return dataclasses.replace(results, post=dataclasses.replace(claimed, reveal_ref=reveal_ref))

    async def _find_lost_reveal(self, announcer: Announcer, question_ref: str, post: DailyPost) -> str | None:
        """The message reference of the reveal an earlier attempt posted for this take-over, or None.

        An announcer that cannot search (no `RevealFinder`) gets None, i.e. posts as before. Errors
        propagate without touching the claim: clearing or backdating it would let a retry post at once,
        while a kept claim goes stale and is taken over (and searched) again later."""
        if not isinstance(announcer, RevealFinder):
            log.warning("cannot check for a lost reveal in %s (its announcer cannot search); posting",
                        post.channel_ref[:300])
            return None
        found = await announcer.find_reveal_post(post.channel_ref, question_ref, post)
        if found is not None:
            log.info("the reveal of daily post %d in %s was already on the platform (%s); recorded, not "
                     "posted again", post.id, post.channel_ref[:300], found[:300])
        return found

    async def _not_claimed(self, results: DailyResults) -> DailyResults:
        """Why the reveal claim was refused: revealed already (fine, nothing to do), not closed, unknown,
        or someone else is revealing it right now."""
        current = await self.ctx.read(lambda uow: uow.daily_posts.get(results.post.id))
        if current is None:
            raise NotFound("There is no such daily question.")
        if current.reveal_ref is not None:
            return dataclasses.replace(results, post=current)
        if current.status != DailyStatus.CLOSED:
            raise InvalidInput("This daily question is not closed yet.")
        raise RevealInProgress()

    async def _expire_reveal(self, post: DailyPost) -> None:
        """After a failed or cancelled reveal: backdate the claim so a retry takes it over at once and,
        being a take-over, looks for this attempt's reveal on the platform before posting."""
        claimed_at = post.reveal_claimed_at
        if claimed_at is None:  # pragma: no cover - claim_reveal always sets it
            return
        expired = as_utc(claimed_at) - 2 * STALE_REVEAL_CLAIM

        async def work(uow: UnitOfWork) -> None:
            await uow.daily_posts.expire_reveal(post.id, claimed_at, expired)

        # If the database is gone too, the reveal claim goes stale and a later retry takes it over.
        with contextlib.suppress(StorageUnavailable):
            await self.ctx.transact(work)
