"""The question store: lookup, filtering, generated ids, and packs added, disabled and enabled at run time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import questions
from questions.generators import generate
from questions.schema import Difficulty, Kind, Pack, Topic
from questions.store import (
    PackLoadError,
    QuestionStore,
    UnknownQuestionError,
    shipped_pack_files,
    validate_shipped,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "packs"
VALID = FIXTURES / "valid"


def raw_questions() -> list[dict[str, Any]]:
    """The fixture questions as plain YAML data, in file order: the independent expectation."""
    out: list[dict[str, Any]] = []
    for path in sorted(VALID.glob("*.yaml")):
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])
    return out


@pytest.fixture
def store() -> QuestionStore:
    return QuestionStore.from_paths([VALID])


def test_all_keeps_file_then_question_order(store: QuestionStore) -> None:
    assert [q.id for q in store.all()] == [q["id"] for q in raw_questions()]
    assert len(store) == len(raw_questions())
    assert list(store.packs) == ["sample-basics", "sample-more"]


def test_get_curated_question(store: QuestionStore) -> None:
    for raw in raw_questions():
        question = store.get(str(raw["id"]))
        assert question.prompt == raw["prompt"]
        assert question.id in store
    assert store.pack_of("sample-relu-range") == "sample-basics"


def test_get_generated_question(store: QuestionStore) -> None:
    assert store.get("gen-softmax-12") == generate("softmax", 12)
    assert "gen-conv-output-size-3" in store
    assert store.pack_of("gen-softmax-12") is None


@pytest.mark.parametrize(
    ("question_id", "message"),
    [
        ("no-such-question", "unknown question id 'no-such-question'"),
        ("gen-not-a-family-3", "unknown generator family 'not-a-family'"),
        ("gen-softmax", "generated ids look like gen-<family>-<seed>"),
        ("gen-softmax-007", "generated ids look like gen-<family>-<seed>"),
        ("", "unknown question id ''"),
        ("x" * 10_000, "unknown question id 'xxxx"),
    ],
)
def test_unknown_ids_raise_a_clear_lookup_error(store: QuestionStore, question_id: str, message: str) -> None:
    with pytest.raises(UnknownQuestionError, match=message) as info:
        store.get(question_id)
    assert isinstance(info.value, LookupError)
    assert len(str(info.value)) < 400
    assert question_id not in store


def test_filter_by_each_criterion(store: QuestionStore) -> None:
    raw = raw_questions()
    for topic in Topic:
        expected = [q["id"] for q in raw if topic.value in q["topics"]]
        assert [q.id for q in store.filter(topic=topic)] == expected
    for kind in Kind:
        expected = [q["id"] for q in raw if q["kind"] == kind.value]
        assert [q.id for q in store.filter(kind=kind.value)] == expected
    for level in Difficulty:
        expected = [q["id"] for q in raw if q["difficulty"] == level.value]
        assert [q.id for q in store.filter(difficulty=level)] == expected
    both = store.filter(topic="cnn", difficulty="senior")
    expected = [q["id"] for q in raw if "cnn" in q["topics"] and q["difficulty"] == "senior"]
    assert [q.id for q in both] == expected
    assert store.filter() == store.all()


@pytest.mark.parametrize(
    ("criterion", "value"), [("topic", "astrology"), ("kind", "essay"), ("difficulty", "x")]
)
def test_filter_rejects_unknown_values(store: QuestionStore, criterion: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"unknown {criterion} '{value}'; choose one of"):
        store.filter(**{criterion: value})


def test_topics_in_taxonomy_order(store: QuestionStore) -> None:
    present = {t for q in raw_questions() for t in q["topics"]}
    assert store.topics() == [t for t in Topic if t.value in present]


def test_disable_and_enable_pack(store: QuestionStore) -> None:
    store.disable("sample-more")
    assert not store.is_enabled("sample-more")
    assert store.disabled == frozenset({"sample-more"})
    assert all(store.pack_of(q.id) == "sample-basics" for q in store.all())
    assert store.filter(kind="matching") == []
    assert store.get("sample-match-layers").kind == Kind.MATCHING  # history must keep resolving
    store.enable("sample-more")
    assert [q.id for q in store.all()] == [q["id"] for q in raw_questions()]
    with pytest.raises(KeyError, match="no pack named 'nope'"):
        store.disable("nope")


def test_add_pack_rules(store: QuestionStore) -> None:
    basics = store.packs["sample-basics"]
    with pytest.raises(ValueError, match="already loaded"):
        store.add_pack(basics)
    clash = Pack(pack="clash", title="Clash", questions=[basics.questions[0]])
    with pytest.raises(ValueError, match="already belongs to pack 'sample-basics'"):
        store.add_pack(clash)
    renamed = basics.questions[0].model_copy(update={"id": "gen-x-1"})
    reserved = Pack(pack="gen", title="Gen", questions=[renamed])
    with pytest.raises(ValueError, match="reserved for generated questions"):
        store.add_pack(reserved)
    smaller = Pack(pack="sample-basics", title="Smaller", questions=basics.questions[:1])
    store.add_pack(smaller, replace=True)
    assert store.packs["sample-basics"].title == "Smaller"
    with pytest.raises(UnknownQuestionError):
        store.get(basics.questions[1].id)
    store.remove_pack("sample-basics")
    assert "sample-basics" not in store.packs


def test_packs_mapping_is_read_only(store: QuestionStore) -> None:
    with pytest.raises(TypeError):
        store.packs["x"] = store.packs["sample-basics"]  # type: ignore[index]


def test_empty_directory_gives_an_empty_store(tmp_path: Path) -> None:
    empty = QuestionStore.from_paths([tmp_path])
    assert empty.all() == [] and empty.topics() == [] and len(empty) == 0
    assert empty.get("gen-same-padding-5").id == "gen-same-padding-5"


def test_invalid_pack_raises_with_every_problem(tmp_path: Path) -> None:
    with pytest.raises(PackLoadError) as info:
        QuestionStore.from_paths([FIXTURES / "broken", tmp_path / "missing.yaml"])
    problems = info.value.problems
    assert len(problems) == len(list((FIXTURES / "broken").glob("*.yaml"))) + 1
    assert all(str(p) in str(info.value) for p in problems)


def test_load_default_reads_the_installed_packs() -> None:
    package_dir = Path(questions.__file__).resolve().parent / "packs"
    on_disk = sorted(p.name for p in package_dir.glob("*.yaml")) if package_dir.is_dir() else []
    assert [f.name for f in shipped_pack_files()] == on_disk
    result = validate_shipped()
    if result.problems:
        with pytest.raises(PackLoadError):
            QuestionStore.load_default()
    else:
        store = QuestionStore.load_default()
        assert len(store.all()) == sum(len(p.questions) for p in result.packs)


def test_load_default_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    script = (
        "import json; from questions.store import validate_shipped as v; r = v(); "
        "print(json.dumps([len(r.files), len(r.problems)]))"
    )
    here = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path, timeout=120
    )
    assert json.loads(here.stdout) == [len(validate_shipped().files), len(validate_shipped().problems)]
