"""Agreement between the checker and human graders: the figures `grade-batch` and the benches print.

Pure Python (no numpy) so the CLI stays light; inputs are small (thousands of rows).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

VERDICTS: tuple[str, ...] = ("correct", "partial", "incorrect")


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation; NaN when either side is constant or there are fewer than two pairs."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return math.nan
    return sxy / math.sqrt(sxx * syy)


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman rank correlation (Pearson on average ranks, so ties are handled)."""
    return pearson(_ranks(xs), _ranks(ys))


def rmse(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Root mean squared difference; NaN for no pairs."""
    if not xs or len(xs) != len(ys):
        return math.nan
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(xs, ys, strict=True)) / len(xs))


@dataclass(frozen=True)
class VerdictAgreement:
    """Accuracy and the 3x3 confusion table (rows: human verdict, columns: checker verdict)."""

    accuracy: float
    table: dict[str, dict[str, int]]
    rows: int

    def render(self) -> str:
        """A small fixed-width table for a terminal."""
        width = max(len(v) for v in VERDICTS) + 2
        lines = ["human \\ checker".ljust(18) + "".join(v.rjust(width) for v in VERDICTS)]
        for human in VERDICTS:
            cells = "".join(str(self.table[human][c]).rjust(width) for c in VERDICTS)
            lines.append(human.ljust(18) + cells)
        return "\n".join(lines)


def verdict_agreement(human: Sequence[str], checker: Sequence[str]) -> VerdictAgreement:
    """Compare verdict labels; labels outside the three verdicts are skipped."""
    table = {h: dict.fromkeys(VERDICTS, 0) for h in VERDICTS}
    hits = total = 0
    for h, c in zip(human, checker, strict=True):
        if h not in table or c not in table:
            continue
        table[h][c] += 1
        total += 1
        hits += h == c
    return VerdictAgreement(hits / total if total else math.nan, table, total)
