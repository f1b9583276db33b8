"""Spaced repetition with py-fsrs: each graded attempt reschedules the player's card for that question.

The card state is stored as py-fsrs's own plain dict (`Card.to_dict()`), so storage keeps JSON and the
FSRS version can evolve without a schema change. Fuzzing is off so that the same history always gives the
same schedule (reproducible tests, no hidden randomness).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

import fsrs

from bot.core.checking.grade import CORRECT_AT, PARTIAL_AT
from bot.core.model import ReviewCard
from bot.core.timekeeping import as_utc

EASY_AT = 0.95
"""A score at or above this, without hints, is an easy recall."""


@cache
def _scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False)


def rating_for(score: float, hints_used: int) -> fsrs.Rating:
    """Map a grade to an FSRS rating: a wrong answer is Again; any hint caps the rating at Hard, since the
    player needed help to recall."""
    if score < PARTIAL_AT:
        return fsrs.Rating.Again
    if hints_used > 0 or score < CORRECT_AT:
        return fsrs.Rating.Hard
    if score >= EASY_AT:
        return fsrs.Rating.Easy
    return fsrs.Rating.Good


def _card_from(state: dict[str, Any] | None, now: datetime) -> fsrs.Card:
    if state:
        try:
            return fsrs.Card.from_dict(cast(Any, state))
        except (KeyError, TypeError, ValueError):
            pass  # a corrupt or foreign state restarts the card rather than blocking the player
    # card_id is explicit: py-fsrs would otherwise read the wall clock and sleep 1 ms.
    return fsrs.Card(card_id=1, due=now)


def reschedule(
    card: ReviewCard | None, player_id: int, question_id: str, score: float, hints_used: int, now: datetime
) -> ReviewCard:
    """The player's card for the question after an attempt graded `score` with `hints_used` at `now`."""
    now_utc = as_utc(now)
    fsrs_card = _card_from(card.state if card else None, now_utc)
    if fsrs_card.last_review is not None and as_utc(fsrs_card.last_review) > now_utc:
        fsrs_card = _card_from(None, now_utc)  # clock went backwards; FSRS cannot review in the past
    rating = rating_for(score, hints_used)
    updated, _log = _scheduler().review_card(fsrs_card, rating, review_datetime=now_utc)
    return ReviewCard(
        player_id=player_id,
        question_id=question_id,
        due=as_utc(updated.due),
        state=dict(updated.to_dict()),
        last_review=now_utc,
        reviews=(card.reviews if card else 0) + 1,
    )
