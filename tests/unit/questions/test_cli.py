"""`interview-bot questions ...` run in-process through bot.cli.main, plus the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from questions.export import question_to_dict
from questions.generators import FAMILIES, generate
from questions.schema import Difficulty, Kind, Topic
from questions.store import QuestionStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "packs"
VALID = FIXTURES / "valid"
PACKS = ["--packs", str(VALID)]
SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["questions", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def raw_questions() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(VALID.glob("*.yaml")):
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])
    return out


def test_stats_json_counts_the_fixture_bank(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--json", *PACKS)
    assert code == 0
    data = json.loads(out)
    raw = raw_questions()
    assert data["total"] == len(raw)
    assert data["by_kind"] == {k.value: sum(q["kind"] == k.value for q in raw) for k in Kind}
    assert data["by_topic"] == {t.value: sum(t.value in q["topics"] for q in raw) for t in Topic}
    levels = {d.value: sum(q["difficulty"] == d.value for q in raw) for d in Difficulty}
    assert data["by_difficulty"] == levels
    cited = Counter(f for q in raw for f in {s["file"] for s in q.get("sources", [])})
    assert data["by_source"] == dict(cited)
    assert data["generators"] == list(FAMILIES)


def test_stats_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", *PACKS)
    assert code == 0
    assert out.splitlines()[0].split() == ["total", str(len(raw_questions()))]
    for heading in ("by kind:", "by topic:", "by difficulty:", "by source:", "generators:"):
        assert heading in out
    assert all(name in out for name in FAMILIES)


@pytest.mark.parametrize(
    "filters",
    [[], ["--topic", "cnn"], ["--kind", "choice"], ["--difficulty", "experienced"],
     ["--topic", "activation-functions", "--difficulty", "fresher"]],
)
def test_list_prints_one_line_per_matching_question(
    capsys: pytest.CaptureFixture[str], filters: list[str]
) -> None:
    code, out, _ = run(capsys, "list", *filters, *PACKS)
    assert code == 0
    criteria = dict(zip(filters[::2], filters[1::2], strict=True))
    expected = [
        q for q in raw_questions()
        if criteria.get("--topic", q["topics"][0]) in q["topics"]
        and criteria.get("--kind", q["kind"]) == q["kind"]
        and criteria.get("--difficulty", q["difficulty"]) == q["difficulty"]
    ]
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [q["id"] for q in expected]
    for line, q in zip(lines, expected, strict=True):
        assert line.split()[1:3] == [q["kind"], q["difficulty"]]
        assert len(line) < 200


def test_list_with_no_match_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--topic", "autoencoders", *PACKS)
    assert (code, out) == (0, "")
    assert "no questions match" in err


def test_list_rejects_an_unknown_topic(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["questions", "list", "--topic", "astrology"])
    assert info.value.code == 2
    assert "invalid choice: 'astrology'" in capsys.readouterr().err


@pytest.mark.parametrize("question_id", [q["id"] for q in raw_questions()])
def test_show_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str], question_id: str) -> None:
    code, out, _ = run(capsys, "show", question_id, "--json", *PACKS)
    assert code == 0
    data = json.loads(out)
    raw = next(q for q in raw_questions() if q["id"] == question_id)
    for key in ("id", "prompt", "kind", "reference_answer", "topics", "difficulty"):
        assert data[key] == raw[key]
    assert data["key_points"] == [{"text": k["text"], "phrasings": k.get("phrasings", [])}
                                  for k in raw.get("key_points", [])]
    assert data["misconceptions"] == [
        {"text": m["text"], "phrasings": m.get("phrasings", []), "correction": m.get("correction", "")}
        for m in raw.get("misconceptions", [])
    ]
    assert data["sources"] == raw.get("sources", [])
    expected_answer = {
        "open": None, "choice": raw.get("correct"), "multi_choice": raw.get("correct"),
        "true_false": raw.get("truth"), "numeric": (raw.get("numeric") or {}).get("value"),
        "matching": [[p["left"], p["right"]] for p in raw.get("pairs", [])],
    }[raw["kind"]]
    if raw["kind"] == "open":
        assert "answer" not in data
    else:
        assert data["answer"] == expected_answer
    for optional in ("options", "code", "explanation", "notes"):
        assert (optional in data) == (optional in raw)
        if optional in raw:
            assert data[optional] == raw[optional]


def test_show_text_includes_answer_and_reference(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "sample-relu-range", *PACKS)
    assert code == 0
    assert "Which range does ReLU output?" in out
    assert 'answer: ["b"]' in out
    assert "b) [0, infinity)" in out


def test_show_generated_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "gen-conv-output-size-21", "--json")
    assert code == 0
    data = json.loads(out)
    question = generate("conv-output-size", 21)
    assert data == question_to_dict(question)
    assert data["answer"] == question.answer
    assert data["generator"] == {"family": "conv-output-size", "seed": 21}


@pytest.mark.parametrize("question_id", ["nope", "gen-nope-1", "ünïcode-☃", "x" * 5000])
def test_show_unknown_id_fails_cleanly(capsys: pytest.CaptureFixture[str], question_id: str) -> None:
    code, out, err = run(capsys, "show", question_id, *PACKS)
    assert code == 1
    assert out == ""
    assert err.startswith("error: unknown question id")
    assert len(err.splitlines()) == 1 and len(err) < 400


def test_export_json_matches_show(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "export", "--format", "json", *PACKS)
    assert code == 0
    exported = json.loads(out)
    assert [q["id"] for q in exported] == [q["id"] for q in raw_questions()]
    for item in exported:
        _, shown, _ = run(capsys, "show", item["id"], "--json", *PACKS)
        assert json.loads(shown) == item
    target = tmp_path / "bank.json"
    code, _, err = run(capsys, "export", "--format", "json", "--out", str(target), *PACKS)
    assert code == 0 and "wrote" in err
    assert json.loads(target.read_text(encoding="utf-8")) == exported
    store = QuestionStore.from_paths([VALID])
    assert exported == [question_to_dict(q) for q in store.all()]


def test_export_to_an_unwritable_place_fails_cleanly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "no" / "dir.json"
    code, _, err = run(capsys, "export", "--format", "json", "--out", str(target), *PACKS)
    assert code == 1
    assert err.startswith("error: cannot write")


def test_broken_packs_option_reports_problems_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "stats", "--packs", str(FIXTURES / "broken"))
    assert code == 1 and out == ""
    assert "unknown kind 'essay'" in err
    assert "Traceback" not in err


def test_questions_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "validate" in err and "import-seeds" in err


def test_import_seeds_missing_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "import-seeds", str(tmp_path / "nothing"), "--out", str(tmp_path / "out"))
    assert code == 1
    assert "does not exist" in err


def test_import_seeds_calls_the_importer(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("questions.seeds")
    if not SEEDS.is_dir():
        pytest.skip("seed pages are not available")
    code, out, err = run(capsys, "import-seeds", str(SEEDS), "--out", str(tmp_path))
    assert code == 0, err
    assert out.strip()
    assert any(tmp_path.iterdir())


def console_script() -> str:
    beside = Path(sys.executable).parent / "interview-bot"
    found = str(beside) if beside.exists() else shutil.which("interview-bot")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the interview-bot console script is not installed")
        pytest.skip("the interview-bot console script is not installed")
    return found


def test_installed_console_script(tmp_path: Path) -> None:
    script = console_script()
    broken = FIXTURES / "broken" / "unknown_kind.yaml"
    done = subprocess.run([script, "questions", "validate", str(broken)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{broken}:6: ")
    assert "Traceback" not in done.stderr
    shown = subprocess.run([script, "questions", "show", "gen-softmax-5", "--json"], capture_output=True,
                           text=True, cwd=tmp_path, timeout=120, check=True)
    assert json.loads(shown.stdout) == question_to_dict(generate("softmax", 5))
