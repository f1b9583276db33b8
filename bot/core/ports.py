"""The ports the core owns: repositories, the unit of work, the clock, the announcer, the question catalog.

Storage (`storage/`) implements the repositories and the unit of work with SQLAlchemy; tests implement them
in memory (`tests/unit/core/fakes.py`). Every method is async except the clock and the catalog. Datetimes
are aware UTC. Every method may raise `StorageUnavailable` when the database cannot be reached; the methods
document the uniqueness the database must guarantee and the core error a violation becomes. A violation
must leave the unit of work usable for `rollback()`; the core never continues writing after one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from bot.core.checking.grade import Verdict
from bot.core.model import (
    Appeal,
    AppealDraft,
    AppealStatus,
    Attempt,
    AttemptDraft,
    DailyConfig,
    DailyPost,
    DailyPostDraft,
    DailyResults,
    DayPoints,
    Group,
    LeaderboardRow,
    PlayerRecord,
    QuizSession,
    QuizSessionDraft,
    RevealClaim,
    ReviewCard,
    Team,
    TeamPackRecord,
    TeamRef,
    TopicStats,
)
from questions.schema import Question


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class QuestionCatalog(Protocol):
    """What the core needs of the question store (`questions.store.QuestionStore` fits)."""

    def get(self, question_id: str) -> Question:
        """The question, or raises (the store's UnknownQuestionError); the core turns that into
        `UnknownQuestion`."""
        ...

    def all(self) -> Sequence[Question]: ...


class Announcer(Protocol):
    """Posts the messages the core starts, on one platform. The service picks it by the channel_ref's
    platform prefix (`discord:...` → the Discord announcer). It may also be a `PostFinder` and a
    `RevealFinder`."""

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        """Post the daily question; return the platform's message reference (raise on failure)."""
        ...

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        """Post the reveal (under/after the question message); return the reveal's message reference."""
        ...


@runtime_checkable
class PostFinder(Protocol):
    """An optional extra of an `Announcer`: find a daily question message we already posted.

    Why: a process can die after the platform accepted the question but before the database recorded it;
    the claim then goes stale and the next attempt takes it over. Before posting again, the core asks the
    platform whether the post is there, so the channel never gets the day's question twice. Announcers
    without it still work (a take-over then posts as before)."""

    async def find_question_post(self, channel_ref: str, daily_post: DailyPost) -> str | None:
        """The message reference (as `post_question` returns it) of our question message for
        `daily_post.id` in the channel, posted at or after `daily_post.first_claimed_at` (else
        `claimed_at`), or None when the platform has none. Raises when the platform cannot tell (an error,
        or more messages than it is willing to scan): the core then posts nothing."""
        ...


@runtime_checkable
class RevealFinder(Protocol):
    """An optional extra of an `Announcer`: find the reveal of a daily post we already posted.

    Why: a failed reveal (a timeout, a lost response) does not prove the platform did not post it, and a
    process can die after the platform accepted the reveal but before the database recorded it. The
    attempt that takes such a reveal claim over asks the platform first, so the channel never gets the
    reveal twice. Announcers without it still work (a take-over then posts as before)."""

    async def find_reveal_post(
        self, channel_ref: str, question_message_ref: str, daily_post: DailyPost
    ) -> str | None:
        """The message reference (as `post_reveal` returns it) of our reveal of `daily_post.id`, posted
        under the question message `question_message_ref` (or in the channel after `daily_post.closed_at`
        when that reference is empty), or None when the platform has none. Raises when the platform cannot
        tell (an error, or more messages than it is willing to scan): the core then posts nothing."""
        ...


# --- repositories -------------------------------------------------------------------------------------


class TeamRepository(Protocol):
    async def get_or_create(self, ref: TeamRef, timezone: str = "UTC") -> Team:
        """The team for (platform, external_id), created when new. Unique (platform, external_id): a
        concurrent creation must resolve to the one row (insert-or-select), never raise."""
        ...

    async def get(self, team_id: int) -> Team | None: ...

    async def find(self, platform: str, external_id: str) -> Team | None: ...

    async def set_timezone(self, team_id: int, timezone: str) -> Team: ...


class PlayerRepository(Protocol):
    async def get_or_create(self, team_id: int, user_id: str, display_name: str) -> PlayerRecord:
        """Unique (team_id, user_id); a concurrent creation resolves to the one row. Updates the display
        name when it changed."""
        ...

    async def get(self, player_id: int) -> PlayerRecord | None: ...

    async def find(self, team_id: int, user_id: str) -> PlayerRecord | None: ...


class GroupRepository(Protocol):
    async def get_or_create(self, team_id: int, name: str) -> Group:
        """Unique (team_id, name)."""
        ...

    async def find(self, team_id: int, name: str) -> Group | None: ...

    async def list(self, team_id: int) -> list[Group]: ...

    async def join(self, group_id: int, player_id: int) -> None:
        """A player is in at most one group (unique player_id in memberships): joining replaces."""
        ...

    async def leave(self, player_id: int) -> Group | None:
        """Remove the player's membership; return the group left, or None."""
        ...

    async def of_player(self, player_id: int) -> Group | None: ...


class AttemptRepository(Protocol):
    async def add(self, draft: AttemptDraft) -> Attempt:
        """Store an attempt and return it with its id.

        Raises `AlreadyAnswered` on unique (daily_post_id, player_id) where daily_post_id is not null, and
        `AlreadyCounted` on unique (player_id, question_id) where counted: here, or, when storage defers
        the insert to send it with others, from the unit of work's next statement or `commit()` (the
        transaction is then failed as a whole). Storage keeps any per-day or per-topic rollup it uses for
        leaderboards in the same transaction.
        """
        ...

    async def get(self, attempt_id: int) -> Attempt | None: ...

    async def latest_for_player(self, player_id: int) -> Attempt | None:
        """The most recent attempt (by created_at, then id)."""
        ...

    async def has_counted(self, player_id: int, question_id: str) -> bool:
        """Whether a counted (points-earning) attempt exists for this player and question."""
        ...

    async def answered_question_ids(self, player_id: int) -> set[str]:
        """Ids of every question the player has an attempt on."""
        ...

    async def daily_answer(self, daily_post_id: int, player_id: int) -> Attempt | None: ...

    async def for_daily_post(self, daily_post_id: int) -> list[Attempt]: ...

    async def correct_grade(self, attempt_id: int, score: float, verdict: Verdict, points: int) -> Attempt:
        """Replace an attempt's score, verdict and points (an accepted appeal) and every stored total
        derived from them (rollups). Raises `NotFound` for an unknown id."""
        ...

    async def totals(self, player_id: int) -> tuple[int, int, int]:
        """(attempts, correct attempts, points) over all the player's attempts."""
        ...

    async def topic_stats(self, player_id: int) -> list[TopicStats]:
        """Per topic of the player's attempts (an attempt counts once for each of its topics)."""
        ...

    async def points_by_day(self, player_id: int, since: date | None = None) -> list[DayPoints]:
        """Per local_date (ascending) from `since` on: points and number of attempts."""
        ...

    async def active_dates(self, player_id: int, since: date) -> list[date]:
        """Distinct local_date values with at least one attempt, from `since` on, ascending."""
        ...


class QuizSessionRepository(Protocol):
    async def add(self, draft: QuizSessionDraft) -> QuizSession:
        """Store a new session. The core stops the player's active session first (at most one ACTIVE per
        player; storage may enforce it)."""
        ...

    async def get(self, session_id: int) -> QuizSession | None: ...

    async def active_for(self, player_id: int) -> QuizSession | None: ...

    async def save(self, session: QuizSession, expected: QuizSession | None = None) -> QuizSession:
        """Overwrite the mutable fields (position, hints_used, state, answered, skipped, points,
        updated_at) of the stored session with this id. With `expected` (the session as read), a
        compare-and-set: raises `StaleQuestion` unless the stored position, hints_used and state still
        equal expected's, so two requests that read the same session cannot both move it. `NotFound`
        for an unknown id. Storage may defer the update to send it with others: the errors then come
        from the unit of work's next statement or `commit()`."""
        ...


class ReviewCardRepository(Protocol):
    async def get(self, player_id: int, question_id: str) -> ReviewCard | None: ...

    async def save(self, card: ReviewCard) -> None:
        """Insert or update; unique (player_id, question_id)."""
        ...

    async def due(self, player_id: int, now: datetime, limit: int) -> list[ReviewCard]:
        """Cards with due <= now, most overdue first."""
        ...

    async def count_due(self, player_id: int, now: datetime) -> int: ...


class DailyConfigRepository(Protocol):
    async def get(self, channel_ref: str) -> DailyConfig | None: ...

    async def save(self, config: DailyConfig) -> None:
        """Insert or update by channel_ref (unique)."""
        ...

    async def list_enabled(self) -> list[DailyConfig]: ...

    async def list_for_team(self, team_id: int) -> list[DailyConfig]: ...


class DailyPostRepository(Protocol):
    async def claim(self, draft: DailyPostDraft, stale_before: datetime | None = None) -> DailyPost:
        """Insert a CLAIMED row. Unique (channel_ref, local_date): raises `DuplicateClaim` when the day is
        taken, unless the existing row is still CLAIMED with claimed_at < stale_before, in which case it is
        taken over atomically (a conditional UPDATE setting claimed_at and reveal_at, and first_claimed_at
        to the first attempt's claimed_at unless already set) and returned with `taken_over` true. A
        take-over keeps the row's question_id: the dead attempt may have posted that question already.
        """
        ...

    async def claim_if_config(self, draft: DailyPostDraft, revision: int) -> DailyPost | None:
        """Insert a CLAIMED row in one statement, only while the channel's stored config is enabled and at
        `revision` (the copy the caller chose the question from) and the day has no row yet; None
        otherwise (config changed or off, or the day taken: the caller then claims the usual way)."""
        ...

    async def mark_posted(self, post_id: int, message_ref: str, posted_at: datetime) -> DailyPost:
        """CLAIMED → POSTED with the platform's message reference."""
        ...

    async def expire(self, post_id: int, claimed_at: datetime) -> None:
        """Give a claim back after a failed post: if the row is still CLAIMED, set its claimed_at to
        `claimed_at` (the caller passes a time long past, so the next attempt takes it over at once) and
        first_claimed_at to the original claim time unless already set. The row stays: the failed attempt
        may have reached the platform, and the take-over looks for its post before posting."""
        ...

    async def close(self, post_id: int, closed_at: datetime) -> DailyPost:
        """POSTED → CLOSED with a conditional UPDATE; raises `DailyClosed` if it was not POSTED (another
        process closed it first), `NotFound` for an unknown id."""
        ...

    async def claim_reveal(self, post_id: int, now: datetime, stale_before: datetime) -> RevealClaim | None:
        """Take the claim on posting the reveal of a CLOSED post with a conditional UPDATE: only while
        reveal_ref is NULL and reveal_claimed_at is NULL or < stale_before; sets reveal_claimed_at = now.
        None when the post is not CLOSED, already revealed, unknown, or another attempt holds a fresh
        claim, so two processes cannot both post the reveal. `taken_over` must be exact (race-free): true
        only when the UPDATE that took the claim replaced a non-NULL reveal_claimed_at (e.g. one statement
        for `IS NULL`, then one for `< stale_before`)."""
        ...

    async def expire_reveal(self, post_id: int, claimed_at: datetime, expired_at: datetime) -> None:
        """Give the reveal claim back after a failed reveal: set reveal_claimed_at = `expired_at` (the
        caller passes a time long past, so a retry takes it over at once), only while the claim is still
        the one taken at `claimed_at` and no reveal was recorded. Never NULL: the failed attempt may have
        reached the platform, and the take-over looks for its reveal before posting."""
        ...

    async def set_reveal_ref(self, post_id: int, reveal_ref: str) -> None:
        """Record the reveal's message reference (the post is then revealed; the claim time is kept)."""
        ...

    async def get(self, post_id: int) -> DailyPost | None: ...

    async def for_date(self, channel_ref: str, local_date: date) -> DailyPost | None: ...

    async def latest(self, channel_ref: str) -> DailyPost | None:
        """The row with the greatest local_date for the channel."""
        ...

    async def open_posts(self) -> list[DailyPost]:
        """Every POSTED (not yet closed) row, for the scheduler's reveal jobs."""
        ...

    async def recent_question_ids(self, team_id: int, since: date) -> set[str]:
        """Question ids posted in any channel of the team with local_date >= since."""
        ...


class AppealRepository(Protocol):
    async def add(self, draft: AppealDraft) -> Appeal:
        """Unique (attempt_id): raises `AlreadyAppealed`."""
        ...

    async def get(self, appeal_id: int) -> Appeal | None: ...

    async def list(self, team_id: int, status: AppealStatus | None = None) -> list[Appeal]:
        """Appeals of the team, oldest first."""
        ...

    async def resolve(
        self,
        appeal_id: int,
        status: AppealStatus,
        resolver: str,
        note: str,
        corrected_score: float | None,
        resolved_at: datetime,
    ) -> Appeal:
        """OPEN → ACCEPTED/REJECTED with a conditional UPDATE; raises `InvalidInput` when it is not OPEN and
        `NotFound` for an unknown id."""
        ...


class LeaderboardQueries(Protocol):
    """Aggregations over attempts that storage must answer fast (top-10 ≤ 20 ms with 1 M attempts and
    100 k players). Only attempts of the team count; `points` sums attempts' points (already 0 when not
    counted), `answers` counts attempts, `correct` those with verdict correct. Rows are ordered by points
    desc, correct desc, player_id asc, and `rank` is the 1-based position in that order. Players with no
    attempt in the window are absent. `since_utc` and `since_local_date` are the same bound (the window's
    start in the team's timezone): created_at >= since_utc, equivalently local_date >= since_local_date,
    so storage may answer from per-day rollups. `topic` keeps attempts whose topics contain it; `group_id`
    keeps players currently in that group."""

    async def top(
        self,
        team_id: int,
        since_utc: datetime | None,
        topic: str | None,
        group_id: int | None,
        limit: int,
        since_local_date: date | None = None,
    ) -> list[LeaderboardRow]: ...

    async def row_of(
        self,
        team_id: int,
        player_id: int,
        since_utc: datetime | None,
        topic: str | None,
        group_id: int | None,
        since_local_date: date | None = None,
    ) -> LeaderboardRow | None:
        """The player's row (with its rank) in the same ordering, or None without attempts."""
        ...


class TeamPackRepository(Protocol):
    """Packs uploaded by each team and the shipped packs a team switched off; nothing here is shared
    between teams. Unique (team_id, name) for uploads and for switches."""

    async def lock(self, team_id: int) -> None:
        """Serialise pack changes of one team until the transaction ends (a row lock on PostgreSQL; SQLite
        writers are serialised already), so two uploads cannot both pass the id-clash check."""
        ...

    async def list(self, team_id: int) -> list[TeamPackRecord]:
        """The team's uploads, by name."""
        ...

    async def sources(self, team_id: int, names: Collection[str]) -> dict[str, bytes]:
        """The YAML as uploaded of those of `names` the team has (name -> bytes)."""
        ...

    async def save(self, record: TeamPackRecord, data: bytes) -> None:
        """Insert or replace the team's pack of that name (one atomic upsert)."""
        ...

    async def set_enabled(self, team_id: int, name: str, enabled: bool) -> bool:
        """Switch an upload on or off; False when the team has no upload of that name."""
        ...

    async def disabled_shipped(self, team_id: int) -> set[str]:
        """Names of the shipped packs the team switched off."""
        ...

    async def set_shipped_enabled(self, team_id: int, name: str, enabled: bool) -> None:
        """Switch a shipped pack on or off for this team only (idempotent)."""
        ...


# --- unit of work -------------------------------------------------------------------------------------


class UnitOfWork(Protocol):
    """One transaction. `async with factory() as uow:` opens it; leaving the block without `commit()`
    rolls back (also on exceptions). Repositories are attributes of the unit of work."""

    @property
    def teams(self) -> TeamRepository: ...
    @property
    def players(self) -> PlayerRepository: ...
    @property
    def groups(self) -> GroupRepository: ...
    @property
    def attempts(self) -> AttemptRepository: ...
    @property
    def sessions(self) -> QuizSessionRepository: ...
    @property
    def reviews(self) -> ReviewCardRepository: ...
    @property
    def daily_configs(self) -> DailyConfigRepository: ...
    @property
    def daily_posts(self) -> DailyPostRepository: ...
    @property
    def appeals(self) -> AppealRepository: ...
    @property
    def leaderboard(self) -> LeaderboardQueries: ...
    @property
    def team_packs(self) -> TeamPackRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make the transaction durable; raises `StorageUnavailable` (nothing kept) or a uniqueness error."""
        ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
