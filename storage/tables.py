"""The schema: SQLAlchemy 2 declarative tables, the single source the Alembic migrations are checked against.

Uniqueness the core relies on lives here as constraints and (partial) unique indexes, so the database, not
a check in Python, decides races between processes: one team per (platform, external id), one player per
(team, user id), one daily post per (channel, local date), one answer per (daily post, player), one
counted attempt per (player, question), one appeal per attempt, one active quiz per player.

`points_rollup` holds per-player sums of attempts by day, ISO week, month and all time, for every topic
and for all topics together (topic ''). It is written in the same transaction as each attempt (and
corrected with an appeal), so leaderboards read a few index entries instead of scanning attempts.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import BigId, utc_datetime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ALL_TOPICS = ""
"""The rollup's topic for "every topic" (an attempt adds to this row once, and once per own topic)."""
ALL_TIME = date(1, 1, 1)
"""The rollup's period start for the all-time period."""


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TeamRow(Base):
    """A Discord guild, a Slack workspace or a console team."""

    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(sa.String)
    external_id: Mapped[str] = mapped_column(sa.String)
    name: Mapped[str] = mapped_column(sa.String)
    timezone: Mapped[str] = mapped_column(sa.String)


class PlayerRow(Base):
    __tablename__ = "players"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String)
    display_name: Mapped[str] = mapped_column(sa.String)


class GroupRow(Base):
    __tablename__ = "groups"
    __table_args__ = (sa.UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String)


class GroupMembershipRow(Base):
    """A player is in at most one group of their team (the primary key is the player)."""

    __tablename__ = "group_memberships"

    player_id: Mapped[int] = mapped_column(sa.ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)


class QuizSessionRow(Base):
    """A running or past quiz: the chosen question ids and the filters are JSON, the position a column."""

    __tablename__ = "quiz_sessions"
    __table_args__ = (
        sa.Index(
            "uq_quiz_sessions_one_active",
            "player_id",
            unique=True,
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(sa.ForeignKey("players.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(sa.String)
    question_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    position: Mapped[int] = mapped_column(sa.Integer)
    hints_used: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String)
    answered: Mapped[int] = mapped_column(sa.Integer)
    skipped: Mapped[int] = mapped_column(sa.Integer)
    points: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(utc_datetime())
    updated_at: Mapped[datetime | None] = mapped_column(utc_datetime())


class DailyConfigRow(Base):
    __tablename__ = "daily_configs"

    channel_ref: Mapped[str] = mapped_column(sa.String, primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    post_time: Mapped[time] = mapped_column(sa.Time)
    timezone: Mapped[str] = mapped_column(sa.String)
    weekdays: Mapped[list[int]] = mapped_column(sa.JSON)
    topics: Mapped[list[str]] = mapped_column(sa.JSON)
    difficulty: Mapped[str | None] = mapped_column(sa.String)
    reveal_after_seconds: Mapped[int] = mapped_column(sa.Integer)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, index=True)
    revision: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("1"))
    """Starts at 1, one more at every save: a claim made from a copy of the config checks it (0005)."""


class DailyPostRow(Base):
    """A channel's question of one local day: claimed before posting, posted, then closed at reveal."""

    __tablename__ = "daily_posts"
    __table_args__ = (
        sa.UniqueConstraint("channel_ref", "local_date"),
        sa.Index("ix_daily_posts_team_id_local_date", "team_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    channel_ref: Mapped[str] = mapped_column(sa.String)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(sa.Date)
    question_id: Mapped[str] = mapped_column(sa.String)
    status: Mapped[str] = mapped_column(sa.String, index=True)
    claimed_at: Mapped[datetime] = mapped_column(utc_datetime())
    reveal_at: Mapped[datetime] = mapped_column(utc_datetime())
    message_ref: Mapped[str | None] = mapped_column(sa.String)
    posted_at: Mapped[datetime | None] = mapped_column(utc_datetime())
    closed_at: Mapped[datetime | None] = mapped_column(utc_datetime())
    reveal_ref: Mapped[str | None] = mapped_column(sa.String)
    first_claimed_at: Mapped[datetime | None] = mapped_column(utc_datetime())
    """Set when a stale claim is taken over: the first attempt's claimed_at (its post may exist)."""
    reveal_claimed_at: Mapped[datetime | None] = mapped_column(utc_datetime())
    """When a process took the claim on posting the reveal (NULL: nobody is revealing it)."""


class AttemptRow(Base):
    """One graded answer. Topics, covered and missed key points are JSON lists."""

    __tablename__ = "attempts"
    __table_args__ = (
        sa.Index(
            "uq_attempts_daily_answer",
            "daily_post_id",
            "player_id",
            unique=True,
            sqlite_where=sa.text("daily_post_id IS NOT NULL"),
            postgresql_where=sa.text("daily_post_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_attempts_counted",
            "player_id",
            "question_id",
            unique=True,
            sqlite_where=sa.text("counted"),
            postgresql_where=sa.text("counted"),
        ),
        sa.Index("ix_attempts_player_id_created_at", "player_id", "created_at", "id"),
        sa.Index("ix_attempts_team_id_created_at", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    player_id: Mapped[int] = mapped_column(sa.ForeignKey("players.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(sa.String)
    topics: Mapped[list[str]] = mapped_column(sa.JSON)
    difficulty: Mapped[str] = mapped_column(sa.String)
    mode: Mapped[str] = mapped_column(sa.String)
    answer: Mapped[str] = mapped_column(sa.Text)
    score: Mapped[float] = mapped_column(sa.Float)
    verdict: Mapped[str] = mapped_column(sa.String)
    points: Mapped[int] = mapped_column(sa.Integer)
    hints_used: Mapped[int] = mapped_column(sa.Integer)
    counted: Mapped[bool] = mapped_column(sa.Boolean)
    covered: Mapped[list[str]] = mapped_column(sa.JSON)
    missed: Mapped[list[str]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(utc_datetime())
    local_date: Mapped[date] = mapped_column(sa.Date)
    daily_post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("daily_posts.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz_sessions.id", ondelete="SET NULL"))


class PointsRollupRow(Base):
    """Sums of a player's attempts over one period (`period`: d day, w ISO week from Monday, m month,
    a all time; `period_start` its first local day) for one topic ('' = all topics).

    The primary key serves the per-player stats; the second index serves leaderboards: within one team,
    topic and period it is already ordered the way a board is (points, correct, player id).
    """

    __tablename__ = "points_rollup"
    player_id: Mapped[int] = mapped_column(sa.ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    period_start: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String, primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(sa.BigInteger)
    answers: Mapped[int] = mapped_column(sa.Integer)
    correct: Mapped[int] = mapped_column(sa.Integer)
    score_sum: Mapped[float] = mapped_column(sa.Float)


sa.Index(
    "ix_points_rollup_board",
    PointsRollupRow.team_id,
    PointsRollupRow.topic,
    PointsRollupRow.period,
    PointsRollupRow.period_start,
    PointsRollupRow.points.desc(),
    PointsRollupRow.correct.desc(),
    PointsRollupRow.player_id,
)


class ReviewCardRow(Base):
    """FSRS state of one (player, question); `due` is copied out of the JSON state to be indexed."""

    __tablename__ = "review_cards"
    __table_args__ = (sa.Index("ix_review_cards_player_id_due", "player_id", "due"),)

    player_id: Mapped[int] = mapped_column(sa.ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(sa.String, primary_key=True)
    due: Mapped[datetime] = mapped_column(utc_datetime())
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    last_review: Mapped[datetime | None] = mapped_column(utc_datetime())
    reviews: Mapped[int] = mapped_column(sa.Integer)


class AppealRow(Base):
    __tablename__ = "appeals"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id"),
        sa.Index("ix_appeals_team_id_status_created_at", "team_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(sa.ForeignKey("players.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(utc_datetime())
    status: Mapped[str] = mapped_column(sa.String)
    resolved_at: Mapped[datetime | None] = mapped_column(utc_datetime())
    resolver: Mapped[str | None] = mapped_column(sa.String)
    note: Mapped[str] = mapped_column(sa.Text)
    corrected_score: Mapped[float | None] = mapped_column(sa.Float)


class DeliveryRow(Base):
    """A platform event already handled (Slack retries, reconnects): the key is unique until it expires."""

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(sa.String, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(utc_datetime(), index=True)


class TeamPackRow(Base):
    """A pack one team uploaded: the YAML as sent, plus what listings and id-clash checks need."""

    __tablename__ = "team_packs"

    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String)
    file_name: Mapped[str] = mapped_column(sa.String)
    digest: Mapped[str] = mapped_column(sa.String(64))
    question_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    enabled: Mapped[bool] = mapped_column(sa.Boolean)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(utc_datetime())
    uploaded_by: Mapped[str] = mapped_column(sa.String)


class TeamDisabledPackRow(Base):
    """A shipped pack one team switched off (the row exists only while it is off)."""

    __tablename__ = "team_disabled_packs"

    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String, primary_key=True)


metadata = Base.metadata


def _table(row: type[Base]) -> sa.Table:
    table = row.__table__
    assert isinstance(table, sa.Table)
    return table


teams = _table(TeamRow)
players = _table(PlayerRow)
groups = _table(GroupRow)
group_memberships = _table(GroupMembershipRow)
quiz_sessions = _table(QuizSessionRow)
daily_configs = _table(DailyConfigRow)
daily_posts = _table(DailyPostRow)
attempts = _table(AttemptRow)
points_rollup = _table(PointsRollupRow)
review_cards = _table(ReviewCardRow)
appeals = _table(AppealRow)
deliveries = _table(DeliveryRow)
team_packs = _table(TeamPackRow)
team_disabled_packs = _table(TeamDisabledPackRow)
