"""Regression samples: answers to the bank's questions that curators wrote from the questions alone.

Each row of `tests/data/checker_samples.jsonl` expects `correct` or `incorrect`. The checker disagrees
with a row when it grades an expected-correct answer `incorrect` or an expected-incorrect one `correct`;
`partial` is a fair reading of either. The checker measures 100 % agreement (552 rows); the guard
leaves room for a few borderline rows, not for a kind of answer to go wrong.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bot.core.checking import Verdict, check
from questions.store import QuestionStore

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "checker_samples.jsonl"
MIN_AGREEMENT = 0.98


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_samples_are_well_formed_and_unique() -> None:
    rows = _rows()
    assert len(rows) >= 500
    assert all(set(row) == {"question_id", "answer", "expect"} for row in rows)
    assert {row["expect"] for row in rows} == {"correct", "incorrect"}
    keys = Counter((row["question_id"], " ".join(row["answer"].split())) for row in rows)
    assert max(keys.values()) == 1


def test_checker_agrees_with_the_samples() -> None:
    store = QuestionStore.load_default()
    disagreements = []
    rows = _rows()
    for row in rows:
        verdict = check(store.get(row["question_id"]), row["answer"]).verdict
        wrong = Verdict.INCORRECT if row["expect"] == "correct" else Verdict.CORRECT
        if verdict == wrong:
            disagreements.append((row["question_id"], row["expect"], row["answer"][:80]))
    agreement = 1 - len(disagreements) / len(rows)
    assert agreement >= MIN_AGREEMENT, disagreements
