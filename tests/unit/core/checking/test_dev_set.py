"""Regression on the human-graded dev set (../shared/eval): the checker must keep agreeing with people.

Inline mode grades each answer against its prompt and reference answer only; bank mode against the
curated question (key points and misconceptions) mapped by bench/dev_question_ids.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.core.checking import Verdict, check
from bot.core.checking.agreement import pearson, verdict_agreement
from questions.schema import Question, adhoc_question

REPO = Path(__file__).resolve().parents[4]
DEV = REPO / ".." / "shared" / "eval" / "dev-grading.jsonl"
DEV_IDS = REPO / "bench" / "dev_question_ids.json"


def _rows() -> list[dict[str, object]]:
    if not DEV.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"dev set missing at {DEV}")
        pytest.skip(f"dev set not found at {DEV}")
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _qkey(row: dict[str, object]) -> str:
    return str(row["id"]).split("-")[1]


def test_inline_mode_correlates_with_human_grades() -> None:
    rows = _rows()
    questions: dict[str, Question] = {}
    scores, humans = [], []
    for row in rows:
        key = _qkey(row)
        questions.setdefault(key, adhoc_question(str(row["question"]), str(row["reference_answer"])))
        scores.append(check(questions[key], str(row["answer"])).score)
        humans.append(int(str(row["grade"])) / 5)
    assert pearson(scores, humans) >= 0.6


def test_bank_mode_meets_the_targets() -> None:
    rows = _rows()
    from questions.store import QuestionStore, UnknownQuestionError

    mapping = json.loads(DEV_IDS.read_text(encoding="utf-8"))
    try:
        store = QuestionStore.load_default()
        bank = {key: store.get(qid) for key, qid in mapping.items()}
    except (UnknownQuestionError, ValueError) as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"bank questions unavailable: {error}")
    scores, humans, verdicts, wrong_but_correct = [], [], [], []
    for row in rows:
        grade = check(bank[_qkey(row)], str(row["answer"]))
        scores.append(grade.score)
        humans.append(int(str(row["grade"])) / 5)
        verdicts.append((str(row["verdict"]), grade.verdict.value))
        if row["answer_kind"] in ("keyword_salad", "misconception") and grade.verdict == Verdict.CORRECT:
            wrong_but_correct.append(row["id"])
    agreement = verdict_agreement([h for h, _ in verdicts], [c for _, c in verdicts])
    assert pearson(scores, humans) >= 0.80
    assert agreement.accuracy >= 0.80
    assert wrong_but_correct == []
