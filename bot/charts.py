"""The progress chart: accuracy by topic and points over time, as PNG bytes any adapter can attach.

Lives outside the core because it needs matplotlib. It draws on an Agg canvas through the object API
(no pyplot global state), so it is safe to call from any thread; matplotlib is imported on first use to
keep command start-up fast.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from itertools import accumulate

from bot.core.model import PlayerStats

TITLE_LIMIT = 60


def progress_chart(stats: PlayerStats, title: str | None = None) -> bytes:
    """A PNG with two panels: accuracy per topic (bars, attempts in labels) and cumulative points by day."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 4.2), dpi=100)
    FigureCanvasAgg(figure)
    by_topic, series = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    name = _printable(title or stats.player.display_name)[:TITLE_LIMIT]
    figure.suptitle(f"{name}: {stats.points} points, streak {stats.streak}, {stats.due_reviews} due")

    topics = sorted(stats.by_topic, key=lambda t: t.accuracy)
    if topics:
        labels = [f"{t.topic} ({t.attempts})" for t in topics]
        values = [100 * t.accuracy for t in topics]
        colours = ["#d9534f" if t.topic in stats.weakest_topics else "#5b8def" for t in topics]
        by_topic.barh(labels, values, color=colours)
    else:
        by_topic.text(0.5, 0.5, "no answers yet", ha="center", va="center", transform=by_topic.transAxes)
    by_topic.set_xlim(0, 100)
    by_topic.set_xlabel("correct answers (%)")
    by_topic.set_title("Accuracy by topic")

    days = [d.local_date for d in stats.points_by_day]
    if days:
        totals = list(accumulate(d.points for d in stats.points_by_day))
        series.plot(days, totals, marker="o", color="#2a9d8f")
        series.fill_between(days, totals, alpha=0.15, color="#2a9d8f")
        figure.autofmt_xdate()
    else:
        series.text(0.5, 0.5, "no points yet", ha="center", va="center", transform=series.transAxes)
    series.set_ylabel("points (cumulative)")
    series.set_title("Points over time")

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Scripts the bundled font lacks (CJK names) render as boxes instead of failing.
        warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _printable(text: str) -> str:
    """Names without emoji and control characters, which the chart font cannot draw."""
    drawable = (ch for ch in text if unicodedata.category(ch) != "So" and unicodedata.category(ch)[0] != "C")
    kept = "".join(drawable)
    return " ".join(kept.split()) or "player"
