"""Points and streaks: the rules that make the leaderboard fair.

- Points = base points of the difficulty × partial credit, less a fixed share of the base per hint.
  An answer below the partial threshold earns nothing: guessing should not pay.
- Only the first attempt of a question by a player is *counted*; repeats earn 0 points (no farming), even
  if the first attempt scored badly. The database enforces one counted attempt per (player, question).
- A streak is the run of consecutive team-local days with at least one answer, ending today or yesterday
  (today is not over yet). One missed day per ISO week is covered by a freeze and does not break it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from bot.core.checking.grade import PARTIAL_AT
from questions.schema import Difficulty

BASE_POINTS: dict[str, int] = {
    Difficulty.FRESHER.value: 10,
    Difficulty.EXPERIENCED.value: 20,
    Difficulty.SENIOR.value: 30,
}
HINT_COST_SHARE = 0.25
"""Each hint costs this share of the question's base points."""

STREAK_LOOKBACK_DAYS = 730
"""How far back streaks are computed; a longer streak shows as this many days."""


def base_points(difficulty: str) -> int:
    """Points for a perfect unhinted answer at this difficulty (unknown ones count as experienced)."""
    return BASE_POINTS.get(str(difficulty), BASE_POINTS[Difficulty.EXPERIENCED.value])


def hint_cost(difficulty: str) -> int:
    """Points one hint takes off, so the player can see the price before asking."""
    return round(base_points(difficulty) * HINT_COST_SHARE)


def points_for(difficulty: str, score: float, hints_used: int) -> int:
    """Leaderboard points of a counted answer: base × credit − hints × hint cost, never below zero."""
    credit = min(max(float(score), 0.0), 1.0)
    if credit < PARTIAL_AT:
        return 0
    earned = round(base_points(difficulty) * credit) - max(hints_used, 0) * hint_cost(difficulty)
    return max(earned, 0)


def streak(active_days: Iterable[date], today: date) -> int:
    """Consecutive active days up to today (or yesterday), bridging one missed day per ISO week."""
    active = set(active_days)
    if not active:
        return 0
    earliest = min(active)
    # Today is not over: not having answered yet today breaks nothing.
    day = today if today in active else today - timedelta(days=1)
    count = 0
    frozen_weeks: set[tuple[int, int]] = set()
    while day >= earliest:
        if day in active:
            count += 1
        else:
            week = day.isocalendar()[:2]
            if week in frozen_weeks:
                break
            frozen_weeks.add(week)
        day -= timedelta(days=1)
    return count
