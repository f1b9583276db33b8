"""Quiz sessions and review cards: the state that lets a player carry on after a restart.

A session row holds the chosen question ids and filters as JSON and its position as columns; at most one
session per player is active (a partial unique index). Review cards keep py-fsrs's state as JSON with
`due` copied into an indexed column so "what is due" is an index range.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.core.errors import NotFound
from bot.core.model import AttemptMode, QuizFilters, QuizSession, QuizSessionDraft, ReviewCard, SessionState
from bot.core.timekeeping import as_utc
from storage.repositories.base import Repository, prepared, str_tuple
from storage.tables import quiz_sessions, review_cards
from storage.transaction import Transaction


def _filters_of(value: Any) -> QuizFilters:
    data = value if isinstance(value, dict) else {}
    known = {f.name for f in dataclasses.fields(QuizFilters)}
    return QuizFilters(**{k: (str(v) if v is not None else None) for k, v in data.items() if k in known})


def _session(row: Any) -> QuizSession:
    return QuizSession(
        id=row.id,
        player_id=row.player_id,
        mode=AttemptMode(row.mode),
        question_ids=str_tuple(row.question_ids),
        filters=_filters_of(row.filters),
        created_at=row.created_at,
        position=int(row.position),
        hints_used=int(row.hints_used),
        state=SessionState(row.state),
        answered=int(row.answered),
        skipped=int(row.skipped),
        points=int(row.points),
        updated_at=row.updated_at,
    )


_SESSION_MUTABLE = ("position", "hints_used", "state", "answered", "skipped", "points", "updated_at")


class SqlSessions(Repository):
    async def add(self, draft: QuizSessionDraft) -> QuizSession:
        created = as_utc(draft.created_at)
        values = {
            "player_id": draft.player_id,
            "mode": AttemptMode(draft.mode).value,
            "question_ids": list(draft.question_ids),
            "filters": dataclasses.asdict(draft.filters),
            "position": draft.position,
            "hints_used": draft.hints_used,
            "state": SessionState(draft.state).value,
            "answered": draft.answered,
            "skipped": draft.skipped,
            "points": draft.points,
            "created_at": created,
            "updated_at": created,
        }
        row = await self.tx.first(sa.insert(quiz_sessions).values(values).returning(*quiz_sessions.c))
        assert row is not None
        return _session(row)

    async def get(self, session_id: int) -> QuizSession | None:
        row = await self.tx.first(sa.select(quiz_sessions).where(quiz_sessions.c.id == session_id))
        return _session(row) if row else None

    async def active_for(self, player_id: int) -> QuizSession | None:
        query = prepared(self.tx, "sessions.active_for", lambda _tx: sa.select(quiz_sessions).where(
            quiz_sessions.c.player_id == sa.bindparam("player_id"),
            quiz_sessions.c.state == SessionState.ACTIVE.value,
        ).order_by(quiz_sessions.c.id.desc()).limit(1))
        row = (await self.tx.execute(query, {"player_id": player_id})).first()
        return _session(row) if row else None

    async def save(self, session: QuizSession) -> QuizSession:
        update = prepared(self.tx, "sessions.save", lambda _tx: sa.update(quiz_sessions).where(
            quiz_sessions.c.id == sa.bindparam("session_id")
        ).values({c: sa.bindparam(c) for c in _SESSION_MUTABLE}).returning(*quiz_sessions.c))
        row = (await self.tx.execute(update, {
            "session_id": session.id,
            "position": session.position,
            "hints_used": session.hints_used,
            "state": SessionState(session.state).value,
            "answered": session.answered,
            "skipped": session.skipped,
            "points": session.points,
            "updated_at": as_utc(session.updated_at) if session.updated_at else None,
        })).first()
        if row is None:
            raise NotFound("That quiz no longer exists.")
        return _session(row)


def _card(row: Any) -> ReviewCard:
    return ReviewCard(
        player_id=row.player_id,
        question_id=row.question_id,
        due=row.due,
        state=dict(row.state) if isinstance(row.state, dict) else {},
        last_review=row.last_review,
        reviews=int(row.reviews),
    )


def _card_upsert(tx: Transaction) -> Any:
    insert = tx.insert(review_cards)
    return insert.on_conflict_do_update(
        index_elements=["player_id", "question_id"],
        set_={k: insert.excluded[k] for k in ("due", "state", "last_review", "reviews")},
    )


class SqlReviewCards(Repository):
    async def get(self, player_id: int, question_id: str) -> ReviewCard | None:
        query = prepared(self.tx, "reviews.get", lambda _tx: sa.select(review_cards).where(
            review_cards.c.player_id == sa.bindparam("player_id"),
            review_cards.c.question_id == sa.bindparam("question_id"),
        ))
        row = (await self.tx.execute(query, {"player_id": player_id, "question_id": question_id})).first()
        return _card(row) if row else None

    async def save(self, card: ReviewCard) -> None:
        values = {
            "player_id": card.player_id,
            "question_id": card.question_id,
            "due": as_utc(card.due),
            "state": dict(card.state),
            "last_review": as_utc(card.last_review) if card.last_review else None,
            "reviews": card.reviews,
        }
        await self.tx.execute(prepared(self.tx, "reviews.save", _card_upsert), values)

    async def due(self, player_id: int, now: datetime, limit: int) -> list[ReviewCard]:
        rows = await self.tx.all(
            sa.select(review_cards)
            .where(review_cards.c.player_id == player_id, review_cards.c.due <= as_utc(now))
            .order_by(review_cards.c.due, review_cards.c.question_id)
            .limit(max(int(limit), 0))
        )
        return [_card(r) for r in rows]

    async def count_due(self, player_id: int, now: datetime) -> int:
        count = await self.tx.scalar(
            sa.select(sa.func.count()).select_from(review_cards)
            .where(review_cards.c.player_id == player_id, review_cards.c.due <= as_utc(now))
        )
        return int(count or 0)
