"""The progress chart renders a real PNG for new and active players alike."""

from __future__ import annotations

from datetime import date

from bot.charts import progress_chart
from bot.core.model import DayPoints, PlayerRecord, PlayerStats, TopicStats


def stats(by_topic: tuple[TopicStats, ...] = (), days: tuple[DayPoints, ...] = ()) -> PlayerStats:
    return PlayerStats(
        player=PlayerRecord(1, 1, "u", "Zoë 🚀 " + "x" * 200),
        attempts=sum(t.attempts for t in by_topic),
        correct=sum(t.correct for t in by_topic),
        points=sum(d.points for d in days),
        streak=2,
        due_reviews=1,
        by_topic=by_topic,
        weakest_topics=tuple(t.topic for t in by_topic[:1]),
        points_by_day=days,
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_chart_of_an_active_player() -> None:
    topics = (TopicStats("cnn", 4, 1, 0.3), TopicStats("math", 2, 2, 1.0))
    days = (DayPoints(date(2025, 3, 1), 20, 2), DayPoints(date(2025, 3, 4), 10, 3))
    width, height = png_size(progress_chart(stats(topics, days)))
    assert width > 400 and height > 200


def test_chart_of_a_new_player() -> None:
    assert png_size(progress_chart(stats()))[0] > 400
