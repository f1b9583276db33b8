"""Every Q&A item the importer finds in the seed pages ends up in the bank or in the curation report.

This ties the curated packs back to the pages they were built from: an item no question cites and no
"Dropped" row explains would be a question silently lost during curation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from questions.seeds import parse_seed
from questions.store import QuestionStore

REPO = Path(__file__).resolve().parents[3]
SEEDS = REPO.parent / "shared" / "seeds"
CURATION = REPO / "questions" / "CURATION.md"
DROPPED_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|\s*(?P<start>\d+)-(?P<end>\d+)\s*\|")

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir() and os.environ.get("CI") != "true", reason=f"seed directory {SEEDS} is missing"
)


def _dropped_ranges() -> dict[str, list[tuple[int, int]]]:
    ranges: dict[str, list[tuple[int, int]]] = {}
    for line in CURATION.read_text(encoding="utf-8").splitlines():
        match = DROPPED_ROW.match(line)
        if match:
            ranges.setdefault(match["file"], []).append((int(match["start"]), int(match["end"])))
    return ranges


def _cited_ranges() -> dict[str, list[tuple[int, int]]]:
    ranges: dict[str, list[tuple[int, int]]] = {}
    for question in QuestionStore.load_default().all():
        for source in question.sources:
            ranges.setdefault(source.file, []).append(source.lines)
    return ranges


def _overlaps(lines: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    start, end = lines
    return any(start <= r_end and r_start <= end for r_start, r_end in ranges)


def test_curation_report_lists_dropped_items() -> None:
    assert _dropped_ranges(), "questions/CURATION.md has no 'Dropped' table rows"


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])
def test_every_seed_item_is_cited_or_dropped(seed: str) -> None:
    cited = _cited_ranges().get(seed, [])
    dropped = _dropped_ranges().get(seed, [])
    lost = [
        item
        for item in parse_seed(SEEDS / seed)
        if not _overlaps(item.lines, cited) and not _overlaps(item.lines, dropped)
    ]
    assert not lost, "items neither in the bank nor dropped: " + "; ".join(
        f"{i.file}:{i.lines[0]}-{i.lines[1]} {(i.question or i.answer)[:60]!r}" for i in lost
    )


def test_seed_directory_present_in_ci() -> None:
    if os.environ.get("CI") == "true":
        assert SEEDS.is_dir(), f"CI must run with the seed pages at {SEEDS}"
