"""The statements of the daily post's open step, as SQLAlchemy Core builders compiled once per dialect.

Why: opening a daily post (read the channel's config and the team's recent questions, claim the day's
row, record the message reference, give the claim back on failure) ran each statement through
SQLAlchemy's statement building and execution, about 0.3-0.5 ms of CPU apiece, which made the database
path most of the bot's cost per channel in a fan-out. These go through the same driver-level path as the
answer path (storage.fast: built once, run as a cursor call on sqlite3 or one `fetch` on asyncpg).

The semantics are the SQLAlchemy ones they replace: the claim is still `INSERT ... ON CONFLICT (channel_ref,
local_date) DO NOTHING RETURNING`, so the database's unique constraint decides exactly once, and every
state change is a conditional UPDATE or DELETE. Every bind parameter carries its column's type.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storage.answer_statements import Inserts
from storage.fast import bind
from storage.tables import daily_configs, daily_posts

CLAIM_COLUMNS = ("channel_ref", "team_id", "local_date", "question_id", "status", "claimed_at", "reveal_at")


def config_get(_tx: Inserts) -> Any:
    c = daily_configs.c
    return sa.select(daily_configs).where(c.channel_ref == bind(c.channel_ref))


def recent_question_ids(_tx: Inserts) -> Any:
    c = daily_posts.c
    return sa.select(c.question_id).where(
        c.team_id == bind(c.team_id), c.local_date >= bind(c.local_date, "since")
    ).distinct()


def claim(tx: Inserts) -> Any:
    """The day's row, inserted unless the channel already has one for that local date (then no row)."""
    values = {name: bind(daily_posts.c[name]) for name in CLAIM_COLUMNS}
    return (
        tx.insert(daily_posts).values(values)
        .on_conflict_do_nothing(index_elements=["channel_ref", "local_date"])
        .returning(*daily_posts.c)
    )


def claim_if_config(tx: Inserts) -> Any:
    """The day's row, inserted only while the channel's stored config is enabled and still at `revision`
    (the copy the caller picked the question from) and the day has no row yet; otherwise no row."""
    posts, configs = daily_posts.c, daily_configs.c
    current = sa.exists().where(
        configs.channel_ref == bind(configs.channel_ref, "config_ref"),
        configs.revision == bind(configs.revision),
        configs.enabled,
    )
    values = sa.select(*(bind(posts[name]) for name in CLAIM_COLUMNS)).where(current)
    return (
        tx.insert(daily_posts).from_select(list(CLAIM_COLUMNS), values)
        .on_conflict_do_nothing(index_elements=["channel_ref", "local_date"])
        .returning(*daily_posts.c)
    )


def take_over(_tx: Inserts) -> Any:
    """A stale claim (still CLAIMED, claimed before `stale_before`) given to a new attempt.

    The question stays the row's own: the dead attempt may have posted it, and the new attempt must be
    able to recognise that post (and never show a different question for the same day). The first
    attempt's claim time moves to `first_claimed_at` (once: later take-overs keep it), which tells the
    core this is a take-over and bounds its search for the lost post. SET expressions read the row as
    it was before the UPDATE (SQLite and PostgreSQL alike), so `claimed_at` there is the old value."""
    c = daily_posts.c
    return (
        sa.update(daily_posts)
        .where(c.channel_ref == bind(c.channel_ref), c.local_date == bind(c.local_date),
               c.status == bind(c.status, "claimed_status"),
               c.claimed_at < bind(c.claimed_at, "stale_before"))
        .values(first_claimed_at=sa.func.coalesce(c.first_claimed_at, c.claimed_at),
                claimed_at=bind(c.claimed_at), reveal_at=bind(c.reveal_at))
        .returning(*daily_posts.c)
    )


def mark_posted(_tx: Inserts) -> Any:
    c = daily_posts.c
    return (
        sa.update(daily_posts).where(c.id == bind(c.id))
        .values(status=bind(c.status), message_ref=bind(c.message_ref), posted_at=bind(c.posted_at))
        .returning(*daily_posts.c)
    )


def expire(_tx: Inserts) -> Any:
    """Backdate a claim (only while it is still a claim, never a post that made it out) so the next
    attempt may take it over at once; the first claim time is kept for the take-over's search."""
    c = daily_posts.c
    return (
        sa.update(daily_posts)
        .where(c.id == bind(c.id), c.status == bind(c.status))
        .values(first_claimed_at=sa.func.coalesce(c.first_claimed_at, c.claimed_at),
                claimed_at=bind(c.claimed_at))
    )
