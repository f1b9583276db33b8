"""Neutral domain values that the core, the storage layer and every adapter exchange.

Everything here is a frozen dataclass with plain fields (str, int, float, date, aware UTC datetime, tuples,
JSON-able dicts), so storage can map it to rows and adapters can render it without importing anything
platform- or database-specific. Database identities are integers assigned by storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.core.checking.grade import Verdict


class AttemptMode(StrEnum):
    """How the question was served; daily attempts also carry their daily post id."""

    QUIZ = "quiz"
    REVIEW = "review"
    DAILY = "daily"


class SessionState(StrEnum):
    """Life of a quiz session: active until its questions run out (finished) or the player stops it."""

    ACTIVE = "active"
    FINISHED = "finished"
    STOPPED = "stopped"


class DailyStatus(StrEnum):
    """A daily post row is claimed before posting, posted once the platform answered, closed at reveal."""

    CLAIMED = "claimed"
    POSTED = "posted"
    CLOSED = "closed"


class AppealStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Window(StrEnum):
    """Leaderboard windows in the team's timezone: day since local midnight, week since Monday, month
    since the 1st."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


# --- identities ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Player:
    """Who is acting, as an adapter knows it: platform ("discord", "slack", "console"), the platform's team
    id (guild / workspace / console team name), the platform's user id and a display name."""

    platform: str
    team_id: str
    user_id: str
    display_name: str


@dataclass(frozen=True)
class TeamRef:
    """A team as an adapter names it, before storage gave it an id."""

    platform: str
    external_id: str
    name: str = ""


@dataclass(frozen=True)
class Team:
    """A Discord guild, a Slack workspace or a console team; windows and streak days use its timezone."""

    id: int
    platform: str
    external_id: str
    name: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class PlayerRecord:
    """A stored player: unique (team_id, user_id)."""

    id: int
    team_id: int
    user_id: str
    display_name: str


@dataclass(frozen=True)
class Group:
    """A named group of players inside one team (group-vs-group boards); unique (team_id, name)."""

    id: int
    team_id: int
    name: str


# --- attempts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptDraft:
    """An attempt the core wants stored. `counted` marks the one attempt per (player, question) that earns
    leaderboard points; `points` is already 0 when it is not counted. `local_date` is the day in the team's
    timezone (streaks and per-day rollups use it)."""

    player_id: int
    team_id: int
    question_id: str
    topics: tuple[str, ...]
    difficulty: str
    mode: AttemptMode
    answer: str
    score: float
    verdict: Verdict
    points: int
    hints_used: int
    counted: bool
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    created_at: datetime
    local_date: date
    daily_post_id: int | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class Attempt(AttemptDraft):
    """A stored attempt."""

    id: int = 0


# --- quiz sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizFilters:
    """What the player asked for when starting a quiz (None = any)."""

    topic: str | None = None
    difficulty: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class QuizSessionDraft:
    """A new quiz session: the question ids are chosen up front so the session is reproducible after a
    restart; `position` indexes the current question; `hints_used` counts hints on the current question."""

    player_id: int
    mode: AttemptMode
    question_ids: tuple[str, ...]
    filters: QuizFilters
    created_at: datetime
    position: int = 0
    hints_used: int = 0
    state: SessionState = SessionState.ACTIVE
    answered: int = 0
    skipped: int = 0
    points: int = 0


@dataclass(frozen=True)
class QuizSession(QuizSessionDraft):
    """A stored quiz session; at most one ACTIVE session per player."""

    id: int = 0
    updated_at: datetime | None = None

    @property
    def current_question_id(self) -> str | None:
        """The question being asked, or None when the session is over."""
        if self.state != SessionState.ACTIVE or self.position >= len(self.question_ids):
            return None
        return self.question_ids[self.position]


# --- daily question -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyConfig:
    """A channel's daily question settings. `channel_ref` is namespaced: `discord:<guild>/<channel>`,
    `slack:<team>/<channel>`; weekdays use Monday=0 .. Sunday=6."""

    channel_ref: str
    team_id: int
    post_time: time
    timezone: str = "UTC"
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    topics: tuple[str, ...] = ()
    difficulty: str | None = None
    reveal_after: timedelta = timedelta(hours=24)
    enabled: bool = True
    revision: int = field(default=0, compare=False)
    """The stored config's revision (one more at every save); 0 for a config not read from storage.
    A claim made from a copy of the config is only made while the stored one is at this revision. Not
    compared: two configs with the same settings are equal (the scheduler rebuilds a job on a change)."""

    @property
    def platform(self) -> str:
        """The platform prefix of the channel ref, which picks the announcer."""
        return self.channel_ref.split(":", 1)[0]


@dataclass(frozen=True)
class DailyPostDraft:
    """A claim on a channel's day: unique (channel_ref, local_date)."""

    channel_ref: str
    team_id: int
    local_date: date
    question_id: str
    claimed_at: datetime
    reveal_at: datetime


@dataclass(frozen=True)
class DailyPost(DailyPostDraft):
    """A claimed, posted or closed day of a channel.

    `first_claimed_at` is set once a stale claim was taken over: the claim time of the first attempt,
    whose post may have reached the platform before that process died, so it bounds the search for it.
    `reveal_claimed_at` is when a process last took the reveal claim (the reveal is posted once); a failed
    reveal backdates it rather than clearing it, so a non-NULL value also says an attempt was made."""

    id: int = 0
    status: DailyStatus = DailyStatus.CLAIMED
    message_ref: str | None = None
    posted_at: datetime | None = None
    closed_at: datetime | None = None
    reveal_ref: str | None = None
    first_claimed_at: datetime | None = None
    reveal_claimed_at: datetime | None = None

    @property
    def taken_over(self) -> bool:
        """Whether this claim continues an earlier attempt that went stale (it may have posted)."""
        return self.first_claimed_at is not None


@dataclass(frozen=True)
class RevealClaim:
    """A reveal claim just taken: the post, and whether the claim replaced an earlier attempt's.

    `taken_over` is true when the row already had a reveal claim (a failed attempt backdated it, or a
    process died holding it): that attempt may have reached the platform, so the reveal is looked for
    before it is posted again. A first claim (none before) posts at once."""

    post: DailyPost
    taken_over: bool = False


@dataclass(frozen=True)
class DailyAnswerRow:
    """One player's line in a daily reveal."""

    player_id: int
    display_name: str
    score: float
    verdict: Verdict
    points: int
    answer: str


@dataclass(frozen=True)
class DailyResults:
    """What a reveal post shows: the question, how many answered, the share correct and the best answers."""

    post: DailyPost
    question_id: str
    reference_answer: str
    explanation: str
    answers: int
    correct: int
    top: tuple[DailyAnswerRow, ...] = ()

    @property
    def share_correct(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


# --- review -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCard:
    """FSRS state of one (player, question): `state` is py-fsrs's `Card.to_dict()` (plain JSON), `due` is
    copied out so storage can index it. Unique (player_id, question_id)."""

    player_id: int
    question_id: str
    due: datetime
    state: dict[str, Any] = field(default_factory=dict)
    last_review: datetime | None = None
    reviews: int = 0


# --- appeals ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealDraft:
    attempt_id: int
    player_id: int
    team_id: int
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class Appeal(AppealDraft):
    """An appeal of one attempt's grade; at most one appeal per attempt (unique attempt_id)."""

    id: int = 0
    status: AppealStatus = AppealStatus.OPEN
    resolved_at: datetime | None = None
    resolver: str | None = None
    note: str = ""
    corrected_score: float | None = None


# --- reports ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderboardRow:
    """One line of a board: points are the sum of counted attempts' points in the window; answers and
    correct count every attempt in the window (correct = verdict correct)."""

    rank: int
    player_id: int
    display_name: str
    points: int
    answers: int
    correct: int


@dataclass(frozen=True)
class TopicStats:
    """A player's record on one topic (an attempt counts for each of its question's topics)."""

    topic: str
    attempts: int
    correct: int
    mean_score: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class DayPoints:
    """Points earned on one local day (the progress chart's time series)."""

    local_date: date
    points: int
    attempts: int


@dataclass(frozen=True)
class PlayerStats:
    player: PlayerRecord
    attempts: int
    correct: int
    points: int
    streak: int
    due_reviews: int
    by_topic: tuple[TopicStats, ...]
    weakest_topics: tuple[str, ...]
    points_by_day: tuple[DayPoints, ...]
    rank: int | None = None

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


# --- team packs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamPackRecord:
    """A pack one team uploaded, as stored: what was read from it, without the YAML itself.

    Unique (team_id, name). `digest` is the SHA-256 of the YAML as sent, so a process that already parsed
    that content reuses it; `question_ids` lets an upload check id clashes without parsing the other packs.
    """

    team_id: int
    name: str
    title: str
    file_name: str
    digest: str
    question_ids: tuple[str, ...]
    enabled: bool
    uploaded_at: datetime
    uploaded_by: str = ""
