"""The statements of the answer path, as SQLAlchemy Core builders compiled once per dialect (storage.fast).

The repositories run them on the driver's connection (on PostgreSQL, the inserts of attempts, rollup
rows and review cards go through the write buffer instead: storage.write_buffer). Each builder takes the
transaction only for its dialect's INSERT (`tx.insert`, which knows `ON CONFLICT`). Every bind parameter
carries its column's type, so the compiled form converts values the way SQLAlchemy would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import sqlalchemy as sa

from storage.fast import bind
from storage.tables import attempts, players, points_rollup, quiz_sessions, review_cards

ATTEMPT_COLUMNS = (
    "player_id", "team_id", "question_id", "topics", "difficulty", "mode", "answer", "score", "verdict",
    "points", "hints_used", "counted", "covered", "missed", "created_at", "local_date", "daily_post_id",
    "session_id",
)
ROLLUP_COLUMNS = ("player_id", "period", "period_start", "topic", "team_id", "points", "answers", "correct",
                  "score_sum")
CARD_COLUMNS = ("player_id", "question_id", "due", "state", "last_review", "reviews")
CARD_MUTABLE = ("due", "state", "last_review", "reviews")


class Inserts(Protocol):
    def insert(self, table: sa.Table) -> Any: ...


def attempt_insert(_tx: Inserts) -> Any:
    """INSERT of one attempt, RETURNING its new id."""
    values = {name: bind(attempts.c[name]) for name in ATTEMPT_COLUMNS}
    return sa.insert(attempts).values(values).returning(attempts.c.id)


def _counted() -> Any:
    # Written as the partial index's own predicate (`counted`), so SQLite uses uq_attempts_counted; a
    # typed boolean would render as `counted = 1` there, which the planner does not match to the index.
    return sa.literal_column("attempts.counted")


def has_counted(_tx: Inserts) -> Any:
    c = attempts.c
    return sa.select(c.id).where(c.player_id == bind(c.player_id), c.question_id == bind(c.question_id),
                                 _counted()).limit(1)


def daily_answer(_tx: Inserts) -> Any:
    c = attempts.c
    return sa.select(attempts).where(c.daily_post_id == bind(c.daily_post_id),
                                     c.player_id == bind(c.player_id))


def history(_tx: Inserts) -> Any:
    """In one statement, what recording an answer needs to know: whether a counted attempt of the
    question exists, whether the player answered the daily post, and the review card (NULLs if none)."""
    c, r = attempts.c, review_cards.c
    player, question = bind(c.player_id), bind(c.question_id)
    counted = sa.exists().where(c.player_id == player, c.question_id == question, _counted())
    daily = sa.exists().where(c.daily_post_id == bind(c.daily_post_id), c.player_id == player)
    one = sa.select(sa.literal(1).label("one")).subquery("one")
    joined = one.outerjoin(review_cards, sa.and_(r.player_id == player, r.question_id == question))
    return sa.select(
        counted.label("counted"), daily.label("daily_answered"), r.due, r.state, r.last_review, r.reviews
    ).select_from(joined)


def active_with_history(_tx: Inserts) -> Any:
    """PostgreSQL: the player's active session, whether a counted attempt of its current question exists,
    and that question's review card (NULLs if none): a quiz answer's reads in one round trip."""
    s, a, r = quiz_sessions.c, attempts.c, review_cards.c
    current = s.question_ids[s.position].as_string()
    counted = sa.exists().where(a.player_id == s.player_id, a.question_id == current, _counted())
    on_card = sa.and_(r.player_id == s.player_id, r.question_id == current)
    joined = quiz_sessions.outerjoin(review_cards, on_card)
    return sa.select(
        *quiz_sessions.c, counted.label("counted"), r.due.label("card_due"), r.state.label("card_state"),
        r.last_review.label("card_last_review"), r.reviews.label("card_reviews"),
    ).select_from(joined).where(s.player_id == bind(s.player_id), s.state == "active")


def rollup_upsert(rows: int) -> Callable[[Inserts], Any]:
    """One `INSERT ... VALUES (...), (...) ON CONFLICT DO UPDATE` adding to `rows` rollup rows (bind names
    `<column>_<i>`). The rows of one statement must not share a key (PostgreSQL refuses to update a row
    twice in one statement)."""

    def build(tx: Inserts) -> Any:
        values = [{c: bind(points_rollup.c[c], f"{c}_{i}") for c in ROLLUP_COLUMNS} for i in range(rows)]
        insert = tx.insert(points_rollup).values(values)
        excluded = insert.excluded
        return insert.on_conflict_do_update(
            index_elements=["player_id", "period", "period_start", "topic"],
            set_={name: points_rollup.c[name] + excluded[name] for name in ("points", "answers", "correct",
                                                                             "score_sum")},
        )

    return build


def card_get(_tx: Inserts) -> Any:
    r = review_cards.c
    return sa.select(review_cards).where(r.player_id == bind(r.player_id),
                                         r.question_id == bind(r.question_id))


def card_save(tx: Inserts) -> Any:
    insert = tx.insert(review_cards).values({name: bind(review_cards.c[name]) for name in CARD_COLUMNS})
    return insert.on_conflict_do_update(
        index_elements=["player_id", "question_id"], set_={k: insert.excluded[k] for k in CARD_MUTABLE}
    )


def player_resolve(tx: Inserts) -> Any:
    """PostgreSQL: the player row, inserted if new, in one round trip (`inserted` tells which). The
    SELECT half reads the statement's snapshot, so a row a concurrent transaction just committed can be
    missing from both halves: the caller then reads again."""
    p = players.c
    values = {name: bind(p[name]) for name in ("team_id", "user_id", "display_name")}
    created = tx.insert(players).values(values).on_conflict_do_nothing(
        index_elements=["team_id", "user_id"]
    ).returning(*players.c).cte("created")
    return sa.select(*created.c, sa.true().label("inserted")).union_all(
        sa.select(*players.c, sa.false().label("inserted")).where(
            p.team_id == bind(p.team_id), p.user_id == bind(p.user_id)
        )
    )
