"""`PracticeService`: the one object adapters and the scheduler call.

It holds the ports (unit of work factory, question catalog, grader, clock, announcers) and delegates to the
use-case modules (quiz, daily, boards, appeals, groups). Every method takes neutral values, is one
transaction, and raises only `CoreError` subclasses with a user-facing message for expected failures.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterable
from datetime import time, timedelta
from typing import TypeVar

from bot.core.appeals import Appeals
from bot.core.context import AnswerListener, CoreContext, Grader
from bot.core.daily import DailyListener, DailyQuestions
from bot.core.deliveries import DeliveryLedger, MemoryDeliveryLedger
from bot.core.errors import InvalidInput, UnknownQuestion
from bot.core.groups import Groups
from bot.core.leaderboard import Boards
from bot.core.model import (
    Appeal,
    AppealStatus,
    DailyConfig,
    DailyPost,
    DailyResults,
    Group,
    Player,
    PlayerStats,
    Team,
    TeamRef,
    Window,
)
from bot.core.pack_scope import Owner, ScopedCatalog, StaleScope, TeamScopes, active_scope
from bot.core.packs import PackAdmin, PackCatalog, PackInfo, PackUploadResult
from bot.core.ports import Announcer, Clock, QuestionCatalog, UnitOfWork, UnitOfWorkFactory
from bot.core.practice import Quizzes
from bot.core.timekeeping import SystemClock, zone
from bot.core.views import (
    AppealDetails,
    Feedback,
    HintView,
    Leaderboard,
    QuestionView,
    SessionSummary,
    SkipResult,
)
from questions.schema import Question

T = TypeVar("T")


class PracticeService:
    """The practice core's facade. `quiz`, `daily`, `boards`, `appeals`, `groups` are also public."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        catalog: QuestionCatalog,
        grader: Grader,
        clock: Clock | None = None,
        announcers: dict[str, Announcer] | None = None,
        rng: random.Random | None = None,
        packs: PackCatalog | None = None,
        deliveries: DeliveryLedger | None = None,
    ) -> None:
        """`packs` is the shipped packs' store (usually the same `QuestionStore` as `catalog`): with it,
        each team gets its own question scope (shipped packs it did not switch off, plus its uploads kept
        in the database); without it pack administration raises `InvalidInput` and every team sees
        `catalog`. `deliveries` de-duplicates platform redeliveries (in-process default)."""
        self.ctx = CoreContext(
            uow_factory=uow_factory,
            catalog=ScopedCatalog(catalog) if packs is not None else catalog,
            grader=grader,
            clock=clock or SystemClock(),
            announcers=dict(announcers or {}),
            rng=rng or random.Random(),
        )
        self.quiz = Quizzes(self.ctx)
        self.daily = DailyQuestions(self.ctx)
        self.boards = Boards(self.ctx)
        self.appeals = Appeals(self.ctx)
        self.groups = Groups(self.ctx)
        self.scopes: TeamScopes | None = None
        self.packs: PackAdmin | None = None
        if packs is not None:
            self.scopes = TeamScopes(self.ctx, catalog, packs)
            self.packs = PackAdmin(self.ctx, packs, self.scopes)
        self.deliveries: DeliveryLedger = deliveries or MemoryDeliveryLedger()

    def register_announcer(self, platform: str, announcer: Announcer) -> None:
        """Adapters register their announcer after the service exists (the announcer needs the client)."""
        announcers = dict(self.ctx.announcers)
        announcers[platform] = announcer
        self.ctx.announcers = announcers

    def question(self, question_id: str, team: Owner | None = None) -> Question:
        """A question by id (`UnknownQuestion` otherwise) without touching the database, e.g. for a button
        that carries the id: in the running use case's team, else in `team`'s cached scope, else among the
        shipped questions. `team_question` is the complete (async) lookup."""
        if self.scopes is not None and team is not None and active_scope() is None:
            cached = self.scopes.cached(team)
            if cached is not None:
                try:
                    return cached.get(question_id)
                except LookupError:
                    raise UnknownQuestion(f"There is no question {question_id[:80]!r}.") from None
        try:
            return self.ctx.question(question_id)
        except StaleScope:
            raise UnknownQuestion(f"There is no question {question_id[:80]!r}.") from None

    async def team_question(self, team: Owner, question_id: str) -> Question:
        """A question by id as `team` sees it (its uploads included, other teams' never);
        `UnknownQuestion` otherwise."""

        async def find() -> Question:
            return self.ctx.question(question_id)

        return await self._in_team(team, find)

    async def _in_team(self, team: Owner, work: Callable[[], Awaitable[T]], check: bool = False) -> T:
        """Run a use case in the team's question scope (`check`: re-read its packs first, for paths that
        choose questions)."""
        if self.scopes is None:
            return await work()
        return await self.scopes.in_team(team, work, check)

    async def claim_delivery(self, key: str, ttl: timedelta = timedelta(minutes=15)) -> bool:
        """True the first time a platform event `key` is seen (within `ttl`), False for a redelivery."""
        now = self.ctx.now()
        return await self.deliveries.claim(key[:500], now, now + ttl)

    # --- quiz -------------------------------------------------------------------------------------

    async def start_quiz(
        self,
        player: Player,
        topic: str | None = None,
        difficulty: str | None = None,
        kind: str | None = None,
        count: int | str | None = None,
    ) -> QuestionView:
        """Start a quiz (replacing the running one): filters accept unique prefixes (`rnn`, `sen`); unseen
        questions first. `UnknownTopic`/`InvalidInput` on bad filters, `NoQuestions` when nothing matches."""
        return await self._in_team(
            player, lambda: self.quiz.start(player, topic, difficulty, kind, count), check=True
        )

    async def start_review(self, player: Player, count: int | str | None = None) -> QuestionView:
        """Start a review session: due spaced-repetition cards first, then unseen questions."""
        return await self._in_team(player, lambda: self.quiz.start_review(player, count), check=True)

    async def current_question(self, player: Player) -> QuestionView:
        """The question waiting for an answer (`NoActiveQuestion` when none)."""
        return await self._in_team(player, lambda: self.quiz.current(player))

    async def submit(self, player: Player, answer: str, question_id: str | None = None) -> Feedback:
        """Grade `answer` to the current quiz question. With `question_id` (carried by a button or form),
        `StaleQuestion` unless it is still the current question. Empty answer: `InvalidInput`; none
        waiting: `NoActiveQuestion`; database down: `StorageUnavailable` with `unsaved_answer`."""
        return await self._in_team(player, lambda: self.quiz.submit(player, answer, question_id))

    async def hint(self, player: Player, question_id: str | None = None) -> HintView:
        """The next hint of the current question (each costs `HintView.cost_each` points)."""
        return await self._in_team(player, lambda: self.quiz.hint(player, question_id))

    async def skip(self, player: Player, question_id: str | None = None) -> SkipResult:
        """Skip the current question: no attempt, no points; returns the next question or the summary."""
        return await self._in_team(player, lambda: self.quiz.skip(player, question_id))

    async def stop(self, player: Player) -> SessionSummary:
        """End the running quiz early and return its summary (`NoActiveQuestion` when none runs)."""
        return await self._in_team(player, lambda: self.quiz.stop(player))

    # --- daily ------------------------------------------------------------------------------------

    async def configure_daily(
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
        """Create or replace a channel's daily settings from what an admin typed (`HH:MM`, IANA timezone,
        `mon-fri`, `cnn,rnn`, `senior`, `24h`); `InvalidInput` names the bad value. Listeners are told."""
        return await self.daily.configure(
            channel_ref, team, post_time, timezone, weekdays, topics, difficulty, reveal_after
        )

    async def disable_daily(self, channel_ref: str) -> DailyConfig:
        """Switch a channel's daily question off (`NotFound` without a config); listeners are told."""
        return await self.daily.disable(channel_ref)

    def add_answer_listener(self, listener: AnswerListener) -> None:
        """`listener(attempt, question)` once per stored answer, after its transaction committed (a batch
        redone one by one still reports each answer once). It must be quick and must not raise."""
        self.ctx.answer_listeners.append(listener)

    def add_daily_listener(self, listener: DailyListener) -> None:
        """`await listener(channel_ref)` after every committed configure/disable (errors are logged only)."""
        self.daily.listeners.append(listener)

    async def unrevealed_daily_posts(self) -> list[DailyPost]:
        """Closed posts whose reveal never went out (retry with `daily.reveal(await daily_results(id))`)."""
        return await self.daily.unrevealed()

    async def open_daily(
        self, channel_ref: str, force: bool = False, known: DailyConfig | None = None
    ) -> DailyPost:
        """Post today's question once per channel and local day (claim → announce → record; the claim is
        given back for a retry if the announcer fails). `DuplicateClaim` when already posted; `force`
        ignores the weekday and enabled switch (an admin's "post now"); `known` is the caller's copy of
        the channel's config (the scheduler's), used only while storage still has it unchanged."""
        if self.scopes is None:
            return await self.daily.open(channel_ref, force, known)
        return await self.scopes.in_channel(channel_ref, lambda: self.daily.open(channel_ref, force, known))

    async def submit_daily(self, player: Player, daily_post_id: int, answer: str) -> Feedback:
        """A player's answer to a daily post: the first counts; a second raises `AlreadyAnswered`, an answer
        after the reveal time `DailyClosed`."""
        return await self._in_team(player, lambda: self.daily.submit(player, daily_post_id, answer))

    async def close_daily(self, daily_post_id: int, announce: bool = True) -> DailyResults:
        """Close the post and (with `announce`) post the reveal; `DailyClosed` if it was closed already."""
        if self.scopes is None:
            return await self.daily.close(daily_post_id, announce)
        return await self.scopes.in_post(daily_post_id, lambda: self.daily.close(daily_post_id, announce))

    async def reveal_daily(self, results: DailyResults) -> DailyResults:
        """Post the reveal of a closed post (e.g. a retry after a failed reveal) in its team's scope, so the
        announcer can show the team's own uploaded question."""
        if self.scopes is None:
            return await self.daily.reveal(results)
        return await self.scopes.in_team_id(results.post.team_id, lambda: self.daily.reveal(results))

    async def daily_post(self, daily_post_id: int) -> DailyPost:
        """A posted daily question by id (`NotFound` otherwise), e.g. to show its kind on a button."""
        return await self.daily.post(daily_post_id)

    async def daily_results(self, daily_post_id: int) -> DailyResults:
        """The results so far (or final) of a daily post, e.g. to retry a failed reveal."""
        if self.scopes is None:
            return await self.daily.results(daily_post_id)
        return await self.scopes.in_post(daily_post_id, lambda: self.daily.results(daily_post_id))

    async def current_daily(self, channel_ref: str) -> DailyPost | None:
        """The channel's latest daily post (any status), or None."""
        return await self.daily.current(channel_ref)

    async def daily_config(self, channel_ref: str) -> DailyConfig | None:
        """The channel's daily settings, or None."""
        return await self.daily.config(channel_ref)

    async def enabled_daily_configs(self) -> list[DailyConfig]:
        """Every enabled channel config (the scheduler builds its jobs from these)."""
        return await self.daily.enabled_configs()

    async def open_daily_posts(self) -> list[DailyPost]:
        """Posted, not yet closed daily questions (the scheduler's reveal jobs)."""
        return await self.daily.open_posts()

    # --- boards and stats -------------------------------------------------------------------------

    async def leaderboard(
        self,
        player: Player,
        window: str | Window | None = None,
        topic: str | None = None,
        group: str | None = None,
        limit: int = 10,
    ) -> Leaderboard:
        """The player's team board (window day/week/month/all in the team's timezone, optional topic and
        group name) with the player's own row in `me`."""
        return await self.boards.for_player(player, window, topic, group, limit)

    async def team_leaderboard(
        self,
        team: TeamRef,
        window: str | Window | None = None,
        topic: str | None = None,
        group: str | None = None,
        limit: int = 10,
    ) -> Leaderboard:
        """A team's board for admins and reports; `NotFound` for a team never seen."""
        return await self.boards.for_team(team, window, topic, group, limit)

    async def stats(self, player: Player) -> PlayerStats:
        """The player's stats: totals, accuracy by topic, streak, due reviews, weak topics, daily points."""
        return await self.boards.stats(player)

    async def team_player_stats(self, team: TeamRef, user_id: str) -> PlayerStats:
        """Another player's stats for admins; `NotFound` for an unknown team or player."""
        return await self.boards.stats_for(team, user_id)

    async def set_team_timezone(self, team: TeamRef, timezone: str) -> Team:
        """Windows and streak days of the team follow this IANA timezone from now on."""
        zone(timezone)

        async def work(uow: UnitOfWork) -> Team:
            stored = await uow.teams.get_or_create(team)
            return await uow.teams.set_timezone(stored.id, timezone.strip())

        updated = await self.ctx.transact(work)
        self.ctx.identities.clear()  # cached identities carry the old timezone
        return updated

    # --- packs ------------------------------------------------------------------------------------

    def require_pack_admin(self) -> PackAdmin:
        """The pack administration, or `InvalidInput` when this deployment has none (adapters call it to
        refuse early, before opening an upload form)."""
        if self.packs is None:
            raise InvalidInput("Pack administration is not available in this deployment.")
        return self.packs

    async def upload_pack(
        self, team: TeamRef | Player, data: bytes, file_name: str, replace: bool = True
    ) -> PackUploadResult:
        """Validate and store (or replace) a YAML pack for `team` only; `InvalidPack` (an `InvalidInput`)
        lists every `FILE:LINE: reason` in its message and in `.problems`, ids clashing with a shipped pack
        or another pack of the team included. Other teams never see it."""
        return await self.require_pack_admin().upload(team, data, file_name, replace)

    async def enable_pack(self, team: TeamRef | Player, name: str) -> PackInfo:
        """Show a pack's questions again in `team` (`NotFound` for a name the team does not have)."""
        return await self.require_pack_admin().set_enabled(team, name, True)

    async def disable_pack(self, team: TeamRef | Player, name: str) -> PackInfo:
        """Hide a shipped or uploaded pack from `team`'s new quizzes and daily picks (other teams keep it)."""
        return await self.require_pack_admin().set_enabled(team, name, False)

    async def list_packs(self, team: TeamRef | Player) -> list[PackInfo]:
        """The shipped packs and `team`'s own uploads, with the team's switches."""
        return await self.require_pack_admin().infos(team)

    # --- groups and appeals -----------------------------------------------------------------------

    async def join_group(self, player: Player, name: str) -> Group:
        """Join (creating it if new) a group of the player's team, leaving any previous group."""
        return await self.groups.join(player, name)

    async def leave_group(self, player: Player) -> Group:
        """Leave the player's group (`NotFound` when in none)."""
        return await self.groups.leave(player)

    async def appeal(self, player: Player, reason: str, attempt_id: int | None = None) -> Appeal:
        """Appeal the grade of `attempt_id` or the player's latest answer. `NothingToAppeal`,
        `AlreadyAppealed`, `InvalidInput` without a reason."""
        return await self.appeals.appeal(player, reason, attempt_id)

    async def list_appeals(
        self, team: TeamRef, status: AppealStatus | None = AppealStatus.OPEN
    ) -> list[AppealDetails]:
        """The team's appeals (open by default), oldest first, with the attempt and the player's name."""
        return await self.appeals.list(team, status)

    async def resolve_appeal(
        self,
        team: TeamRef,
        appeal_id: int,
        accept: bool,
        resolver: str,
        note: str = "",
        corrected_score: float | None = None,
    ) -> AppealDetails:
        """Accept (score becomes `corrected_score`, full credit by default; points and boards follow) or
        reject an open appeal of the team. Check admin rights in the adapter before calling."""
        return await self.appeals.resolve(team, appeal_id, accept, resolver, note, corrected_score)
