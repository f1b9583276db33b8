"""`interview-bot grade` and `grade-batch`: JSON shape, pass-through, bad rows, agreement metrics."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.cli import main

REFERENCE = (
    "Tanh maps inputs to the range (-1, 1) and is zero-centered, so training converges faster than "
    "with the sigmoid. It saturates for large inputs, so gradients still vanish."
)
PROMPT = "What is tanh and how does it compare with the sigmoid?"


def _write(path: Path, rows: Sequence[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def _inline(answer: str, **extra: object) -> dict[str, object]:
    return {"question": PROMPT, "reference_answer": REFERENCE, "answer": answer, **extra}


def test_grade_batch_inline_rows_add_the_grade_and_pass_fields_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(
        tmp_path / "in.jsonl",
        [
            _inline(
                "It outputs (-1, 1), zero-centred, converges faster; saturates so gradients vanish.", id="r1"
            ),
            _inline("pizza", id="r2", key_points=["range -1 to 1", "zero centred"]),
        ],
    )
    assert main(["grade-batch", str(source)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["r1", "r2"]
    for row in rows:
        assert {"score", "verdict", "covered", "missed", "question", "reference_answer", "answer"} <= set(row)
        assert 0.0 <= row["score"] <= 1.0
    assert rows[0]["score"] > rows[1]["score"]
    assert rows[1]["missed"] == ["range -1 to 1", "zero centred"]


def test_grade_batch_writes_output_file_and_reports_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(
        tmp_path / "in.jsonl",
        [
            _inline("zero-centred, range -1 to 1"),
            "{not json",
            {"question": PROMPT, "reference_answer": REFERENCE},
            {"question_id": "no-such-question-anywhere", "answer": "x"},
            [1, 2, 3],
            _inline("saturates"),
        ],
    )
    out = tmp_path / "out.jsonl"
    assert main(["grade-batch", str(source), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "in.jsonl:2:" in err and "in.jsonl:3:" in err and "in.jsonl:4:" in err and "in.jsonl:5:" in err
    assert "answer" in err and "no-such-question-anywhere" in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_grade_batch_prints_agreement_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        _inline(
            "Range (-1, 1), zero-centred so it converges faster, but it saturates and gradients vanish.",
            grade=5,
            verdict="correct",
        ),
        _inline("It is zero-centred.", grade=2, verdict="partial"),
        _inline("Tanh outputs 0 to 1 like a probability.", grade=0, verdict="incorrect"),
        _inline("I like trains.", grade=0, verdict="incorrect"),
    ]
    source = _write(tmp_path / "in.jsonl", rows)
    assert main(["grade-batch", str(source), "--human-field", "grade", "--human-scale", "5"]) == 0
    captured = capsys.readouterr()
    for label in ("Pearson r", "Spearman rho", "RMSE", "verdict accuracy", "human \\ checker"):
        assert label in captured.err
    graded = [json.loads(line) for line in captured.out.splitlines()]
    assert [g["human_verdict"] for g in graded] == ["correct", "partial", "incorrect", "incorrect"]


def test_grade_batch_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade-batch", str(tmp_path / "missing.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_grade_unknown_question_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "--question", "no-such-question-anywhere", "--answer", "x", "--json"]) == 1
    assert "no-such-question-anywhere" in capsys.readouterr().err


def test_grade_generated_question_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    from questions.store import QuestionStore, UnknownQuestionError

    try:
        question = QuestionStore.load_default().get("gen-conv-output-size-7")
    except UnknownQuestionError:
        pytest.skip("this store does not generate gen-conv-output-size-7")
    answer = "x".join(str(int(v)) for v in (question.numeric.values if question.numeric else []))
    assert main(["grade", "--question", question.id, "--answer", answer, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"score", "verdict", "covered", "missed", "feedback"}
    assert result["score"] == 1.0 and result["verdict"] == "correct"


def test_grade_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    from questions.store import QuestionStore, UnknownQuestionError

    try:
        QuestionStore.load_default().get("gen-conv-output-size-7")
    except UnknownQuestionError:
        pytest.skip("this store does not generate gen-conv-output-size-7")
    assert main(["grade", "--question", "gen-conv-output-size-7", "--answer", "no idea"]) == 0
    assert "score 0.00 (incorrect)" in capsys.readouterr().out
