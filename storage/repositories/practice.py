"""Quiz sessions and review cards: the state that lets a player carry on after a restart.

A session row holds the chosen question ids and filters as JSON and its position as columns; at most one
session per player is active (a partial unique index). Review cards keep py-fsrs's state as JSON with
`due` copied into an indexed column so "what is due" is an index range.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from bot.core.errors import NotFound, StaleQuestion
from bot.core.model import AttemptMode, QuizFilters, QuizSession, QuizSessionDraft, ReviewCard, SessionState
from bot.core.recording import AnswerHistory
from bot.core.timekeeping import as_utc
from storage import answer_statements as answer
from storage.repositories.base import Repository, bind, str_tuple
from storage.repositories.history import NOTHING, card_of, read_history, with_buffer
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
        buffer = self.tx.buffer
        held = buffer.session_of(player_id) if buffer is not None else None
        if held is not None:
            # The player's session saved in this transaction; if it is no longer active, no other one is
            # (a new one is only added through `add`, which sends the buffer first).
            return held if held.state == SessionState.ACTIVE else None
        rows = await self.read("sessions.active_for", _active_session, {"player_id": player_id})
        return _session(rows[0]) if rows else None

    async def active_with_history(self, player_id: int) -> tuple[QuizSession, AnswerHistory] | None:
        """The active session and the player's past with its current question (bot.core.practice): one
        statement on PostgreSQL; two reads on SQLite, where a statement costs no round trip."""
        buffer = self.tx.buffer
        if self.tx.dialect != "postgresql" or (buffer is not None and buffer.session_of(player_id)):
            session = await self.active_for(player_id)
            if session is None:
                return None
            question_id = session.current_question_id
            if question_id is None:
                return session, NOTHING
            return session, await read_history(self.tx, player_id, question_id, None)
        values = {"player_id": player_id}
        rows = await self.read("sessions.active_with_history", answer.active_with_history, values)
        if not rows:
            return None
        row = rows[0]
        session = _session(row)
        question_id = session.current_question_id
        if question_id is None:
            return session, NOTHING
        card = None
        if row.card_due is not None:
            card = ReviewCard(player_id, question_id, row.card_due,
                              dict(row.card_state) if isinstance(row.card_state, dict) else {},
                              row.card_last_review, int(row.card_reviews))
        stored = AnswerHistory(bool(row.counted), False, card)
        return session, with_buffer(self.tx, stored, player_id, question_id, None)

    async def save(self, session: QuizSession, expected: QuizSession | None = None) -> QuizSession:
        """Overwrite the mutable fields; with `expected`, only if the stored position, hints used and state
        still are expected's (a compare-and-set: two requests that read the same session cannot both
        move it), else `StaleQuestion`. On PostgreSQL the update waits in the write buffer (the check then
        happens when it is sent: at the next statement that could see it, or at commit)."""
        # What the row holds afterwards: the session as given (its other columns never change).
        stored = dataclasses.replace(session, updated_at=as_utc(session.updated_at) if session.updated_at
                                     else None)
        buffer = self.tx.buffer
        if buffer is not None:
            expected_state = (
                (expected.position, expected.hints_used, SessionState(expected.state).value)
                if expected is not None else None
            )
            buffer.hold_session(stored, expected_state)
            self.tx.changes += 1
            return stored
        values = {
            "session_id": session.id,
            "position": session.position,
            "hints_used": session.hints_used,
            "state": SessionState(session.state).value,
            "answered": session.answered,
            "skipped": session.skipped,
            "points": session.points,
            "updated_at": as_utc(session.updated_at) if session.updated_at else None,
        }
        if expected is None:
            rows = await self.read("sessions.save", _session_update(False), values)
            if not rows:
                raise NotFound("That quiz no longer exists.")
            return stored
        values.update(
            expected_position=expected.position,
            expected_hints_used=expected.hints_used,
            expected_state=SessionState(expected.state).value,
        )
        if expected.state == SessionState.ACTIVE:
            rows = await self.read("sessions.save_if_active", _session_update(True, active=True), values)
        else:
            rows = await self.read("sessions.save_if", _session_update(True), values)
        if not rows:
            raise StaleQuestion()
        return stored


def _active_session(_tx: Transaction) -> sa.Executable:
    c = quiz_sessions.c
    # At most one active session per player (unique partial index): no ORDER BY needed.
    return sa.select(quiz_sessions).where(c.player_id == bind(c.player_id), _is_active())


def _is_active() -> Any:
    # A literal, not a bound value: SQLite re-prepares a statement on every new binding when a bound
    # value decides whether a partial index (uq_quiz_sessions_one_active) applies, which costs 4-10x.
    return quiz_sessions.c.state == sa.literal_column(f"'{SessionState.ACTIVE.value}'")


def _session_update(compare: bool, active: bool = False) -> Callable[[Transaction], sa.Executable]:
    """UPDATE of a session's mutable fields; `compare`: only if position, hints used and state are still
    the expected ones (`active`: the expected state is active, written as a literal, see `_is_active`)."""

    def build(_tx: Transaction) -> sa.Executable:
        c = quiz_sessions.c
        update = sa.update(quiz_sessions).where(c.id == bind(c.id, "session_id"))
        if compare:
            update = update.where(
                c.position == bind(c.position, "expected_position"),
                c.hints_used == bind(c.hints_used, "expected_hints_used"),
                _is_active() if active else c.state == bind(c.state, "expected_state"),
            )
        return update.values({name: bind(c[name]) for name in _SESSION_MUTABLE}).returning(c.id)

    return build


class SqlReviewCards(Repository):
    async def get(self, player_id: int, question_id: str) -> ReviewCard | None:
        buffer = self.tx.buffer
        held = buffer.card(player_id, question_id) if buffer is not None else None
        if held is not None:
            return card_of(SimpleNamespace(**held))
        if player_id in self.tx.fresh_players:
            return None
        values = {"player_id": player_id, "question_id": question_id}
        rows = await self.read("reviews.get", answer.card_get, values)
        return card_of(rows[0]) if rows else None

    async def save(self, card: ReviewCard) -> None:
        values = {
            "player_id": card.player_id,
            "question_id": card.question_id,
            "due": as_utc(card.due),
            "state": dict(card.state),
            "last_review": as_utc(card.last_review) if card.last_review else None,
            "reviews": card.reviews,
        }
        self.tx.fresh_players.discard(card.player_id)  # it now has something stored
        buffer = self.tx.buffer
        if buffer is not None:  # PostgreSQL: sent with the transaction's other writes
            buffer.cards[(card.player_id, card.question_id)] = values
            self.tx.changes += 1
            return
        await self.fetch("reviews.save", answer.card_save, values)

    async def due(self, player_id: int, now: datetime, limit: int) -> list[ReviewCard]:
        rows = await self.tx.all(
            sa.select(review_cards)
            .where(review_cards.c.player_id == player_id, review_cards.c.due <= as_utc(now))
            .order_by(review_cards.c.due, review_cards.c.question_id)
            .limit(max(int(limit), 0))
        )
        return [card_of(r) for r in rows]

    async def count_due(self, player_id: int, now: datetime) -> int:
        count = await self.tx.scalar(
            sa.select(sa.func.count()).select_from(review_cards)
            .where(review_cards.c.player_id == player_id, review_cards.c.due <= as_utc(now))
        )
        return int(count or 0)
