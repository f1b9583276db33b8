"""A player's past with a question (bot.core.recording.AnswerHistory), read in one statement.

Shared by the attempt repository (`history`, for daily answers) and the session repository
(`active_with_history`, for quiz answers). Whatever the transaction holds in the PostgreSQL write buffer
(storage.write_buffer) is laid over what the database returns, and a player created in this transaction
has nothing stored yet, so nothing is read for them.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.core.model import ReviewCard
from bot.core.recording import AnswerHistory
from storage import answer_statements as answer
from storage.transaction import Transaction

NOTHING = AnswerHistory(counted=False, daily_answered=False, card=None)


def card_of(row: Any, player_id: int | None = None, question_id: str | None = None) -> ReviewCard:
    """A `ReviewCard` from a review_cards row (or a row with only the card's own columns and the keys
    given)."""
    return ReviewCard(
        player_id=row.player_id if player_id is None else player_id,
        question_id=row.question_id if question_id is None else question_id,
        due=row.due,
        state=dict(row.state) if isinstance(row.state, dict) else {},
        last_review=row.last_review,
        reviews=int(row.reviews),
    )


async def read_history(
    tx: Transaction, player_id: int, question_id: str, daily_post_id: int | None
) -> AnswerHistory:
    """`has_counted`, `daily_answer` (when `daily_post_id` is given) and the review card together."""
    if player_id in tx.fresh_players:  # created in this transaction: nothing stored yet
        return with_buffer(tx, NOTHING, player_id, question_id, daily_post_id)
    values = {"player_id": player_id, "question_id": question_id, "daily_post_id": daily_post_id}
    row = (await tx.run(tx.fast("attempts.history", answer.history), values, flush=False))[0]
    card = card_of(row, player_id, question_id) if row.due is not None else None
    stored = AnswerHistory(bool(row.counted), bool(row.daily_answered), card)
    return with_buffer(tx, stored, player_id, question_id, daily_post_id)


def with_buffer(
    tx: Transaction, stored: AnswerHistory, player_id: int, question_id: str, daily_post_id: int | None
) -> AnswerHistory:
    """`stored` (what the database holds) with the transaction's buffered writes laid over it."""
    buffer = tx.buffer
    if buffer is None:
        return stored
    held = buffer.card(player_id, question_id)
    return AnswerHistory(
        counted=stored.counted or buffer.counted(player_id, question_id),
        daily_answered=stored.daily_answered or (
            daily_post_id is not None and buffer.daily_answer(daily_post_id, player_id) is not None
        ),
        card=stored.card if held is None else card_of(SimpleNamespace(**held), player_id, question_id),
    )
