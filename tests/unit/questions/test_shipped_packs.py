"""The curated bank as shipped: every pack valid, plus the curation rules the bank as a whole must meet.

The packs are read the way the installed bot reads them (importlib.resources), so a pack missing from
the package data would fail here too. Seed-file checks need ../shared/seeds next to the repository; they
skip without it, except in CI where the seeds must be present.
"""

from __future__ import annotations

import os
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from questions.loader import load_pack_bytes
from questions.schema import Kind, Question
from questions.store import shipped_pack_files, validate_shipped

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"
MIN_QUESTIONS = 110
MIN_NON_OPEN = 10


def bank() -> list[Question]:
    result = validate_shipped()
    assert not result.problems, "\n".join(str(p) for p in result.problems)
    return [q for pack in result.packs for q in pack.questions]


def offenders(found: list[str]) -> str:
    return f"{len(found)} offending question(s):\n" + "\n".join(found)


@pytest.mark.parametrize("pack_file", shipped_pack_files(), ids=lambda f: f.name)
def test_shipped_pack_is_valid(pack_file: Traversable) -> None:
    loaded = load_pack_bytes(pack_file.read_bytes(), pack_file.name)
    assert loaded.problems == (), "\n".join(str(p) for p in loaded.problems)


def test_packs_are_valid_together_and_ids_unique_across_packs() -> None:
    result = validate_shipped()
    assert not result.problems, "\n".join(str(p) for p in result.problems)
    ids = [q.id for pack in result.packs for q in pack.questions]
    assert len(ids) == len(set(ids))


def test_bank_is_large_enough() -> None:
    assert len(bank()) >= MIN_QUESTIONS


def test_bank_has_enough_non_open_questions() -> None:
    assert sum(q.kind != Kind.OPEN for q in bank()) >= MIN_NON_OPEN


def test_open_questions_have_curated_key_points_and_misconceptions() -> None:
    found = []
    for q in bank():
        if q.kind != Kind.OPEN:
            continue
        points = q.key_points or []
        if not 2 <= len(points) <= 6:
            found.append(f"{q.id}: {len(points)} key points (want 2-6)")
        found += [f"{q.id}: key point {p.text!r} has no phrasing" for p in points if not p.phrasings]
        if not 1 <= len(q.misconceptions) <= 4:
            found.append(f"{q.id}: {len(q.misconceptions)} misconceptions (want 1-4)")
    assert not found, offenders(found)


def test_every_question_cites_a_source() -> None:
    found = [q.id for q in bank() if not q.sources]
    assert not found, offenders(found)


def test_sources_point_into_the_seed_files() -> None:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed directory {SEEDS} is missing")
        pytest.skip(f"seed directory {SEEDS} is missing")
    line_counts: dict[str, int] = {}
    found = []
    for q in bank():
        for source in q.sources:
            path = SEEDS / source.file
            if source.file not in line_counts:
                if not path.is_file():
                    found.append(f"{q.id}: seed file {source.file!r} does not exist")
                    continue
                line_counts[source.file] = len(path.read_text(encoding="utf-8").splitlines())
            start, end = source.lines
            if end > line_counts[source.file]:
                found.append(f"{q.id}: lines {start}-{end} past the end of {source.file} "
                             f"({line_counts[source.file]} lines)")
    assert not found, offenders(found)
