"""Pack validation: every kind of broken pack is rejected with one `FILE:LINE: reason` line, never a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from questions.loader import MAX_PACK_BYTES, load_pack_bytes, load_pack_text, validate_paths

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "packs"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
BASICS = (VALID / "basics.yaml").read_text(encoding="utf-8")
RELU_PROMPT = "    prompt: Which range does ReLU output?"
PROBLEM_LINE = re.compile(r"^(?P<file>.+):(?P<line>[0-9]+): (?P<reason>\S.*)$")


def expected_problem(path: Path) -> tuple[int, str]:
    """The line carrying `# expect: reason` in a broken fixture, and that reason."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "# expect:" in line:
            return number, line.split("# expect:", 1)[1].strip()
    raise AssertionError(f"{path} has no '# expect:' comment")


def line_at(text: str, fragment: str) -> int:
    """1-based line where `fragment` first starts in `text`."""
    return text[: text.index(fragment)].count("\n") + 1


def run_validate(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, list[str], str]:
    code = main(["questions", "validate", *map(str, paths)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_valid_fixture_packs_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_validate(capsys, VALID)
    assert code == 0
    assert out == ["ok: 2 pack file(s), 6 question(s)"]


@pytest.mark.parametrize("fixture", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_broken_fixture_is_reported_at_its_line(
    fixture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line, reason = expected_problem(fixture)
    code, out, err = run_validate(capsys, fixture)
    assert code == 1
    assert len(out) == 1, out
    match = PROBLEM_LINE.match(out[0])
    assert match is not None, out[0]
    assert match["file"] == str(fixture)
    assert int(match["line"]) == line
    assert reason in match["reason"]
    assert "Traceback" not in err


def test_broken_directory_prints_one_line_per_problem(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = sorted(BROKEN.glob("*.yaml"))
    code, out, err = run_validate(capsys, BROKEN)
    assert code == 1
    assert sorted(out) == sorted(f"{f}:{expected_problem(f)[0]}:" + out_reason(out, f) for f in fixtures)
    assert f"{len(fixtures)} problem(s)" in err


def out_reason(out: list[str], fixture: Path) -> str:
    """The reason part of the output line for `fixture` (the line number is checked by the caller)."""
    (line,) = [o for o in out if o.startswith(f"{fixture}:")]
    return line.split(":", 2)[2]


# (old text, new text, reason fragment, where the problem is: None = the line where `new` starts,
#  otherwise a fragment whose first line in the mutated text is the expected line).
MUTATIONS = [
    ("    kind: open", "    kind: essay", "unknown kind 'essay'", None),
    ("    topics: [fundamentals]", "    topics: [fundamentals, vibes]", "unknown topic 'vibes'", None),
    ("    difficulty: fresher\n    key_points", "    difficulty: expert\n    key_points",
     "unknown difficulty 'expert'", None),
    ("    prompt: What is deep learning?\n", "", "missing field 'prompt'", "- id: sample-what-is-dl"),
    ("  - id: sample-regularizers", "  - id: sample-what-is-dl", "duplicate id 'sample-what-is-dl'", None),
    (RELU_PROMPT, "    prompt: yes", "value 'yes' became a boolean; quote it", None),
    (RELU_PROMPT, "    prompt: On", "value 'On' became a boolean; quote it", None),
    (RELU_PROMPT, "    prompt: 1e-3", "value '1e-3' became a number; quote it", None),
    (RELU_PROMPT, "    prompt: 0.5", "value '0.5' became a number; quote it", None),
    ('    notes: ["Options re-created: the page lost them."]', "    notes: [off]",
     "notes[0]: value 'off' became a boolean; quote it", None),
    ("        correction: Deep models usually need much more data than classic methods.",
     "        correction:", "value is empty", None),
    ("    key_points:\n      - text: neural networks with many layers\n"
     "        phrasings: [multi-layer neural network, deep neural network]\n"
     "      - text: learns representations from raw data\n"
     "        phrasings: [automatic feature extraction, no hand-crafted features]\n",
     "    key_points: []\n", "empty key points", None),
    ("    correct: [b]", "    correct: [e]", "correct option(s) ['e'] are not among the options", None),
    ("    correct: [b]", "    correct: [a, b]", "exactly one correct option", None),
    ("    correct: [b]", "    correct: b", "correct: expected a list, got text 'b'", None),
    ("    prompt: What is deep learning?", "    prompt: What is: deep learning?", "malformed YAML", None),
    ("    topics: [fundamentals]", "\ttopics: [fundamentals]", "malformed YAML", None),
    ("    explanation: Depth", "    explaination: Depth", "unknown field 'explaination'", None),
    ('      - {key: c, text: "(0, 1)"}', '      - {key: C, text: "(0, 1)"}', "must be one lower-case letter",
     None),
    ("      - {key: c, text: Larger learning rate}", "      - {key: b, text: Larger learning rate}",
     "option keys must be unique", "    options:\n      - {key: a, text: Dropout}"),
    ("lines: [40, 41]", "lines: [41, 40]", "line range 41-40", None),
    ("lines: [40, 41]", "lines: [40, 41, 42]", "sources[0].lines", None),
    ("    numeric: {value: [28, 28], tolerance: 0}", "    numeric: {value: [28, '28'], tolerance: 0}",
     "numeric.value[1]: expected a number, got text '28'", None),
    ("    numeric: {value: [28, 28], tolerance: 0}", "    numeric: {value: 28, tolerance: yes}",
     "numeric.tolerance: expected a number, got a boolean", None),
    ("    numeric: {value: [28, 28], tolerance: 0}\n", "", "needs 'numeric'", "- id: sample-conv-output"),
    ("  - id: sample-relu-range", "  - id: gen-relu-range", "reserved for generated questions", None),
    ("  - id: sample-relu-range", "  - id: Sample_ReLU", "must be lower-case words joined by '-'", None),
    ("    kind: choice\n", "    kind: choice\n    kind: multi_choice\n", "duplicate key 'kind'",
     "    kind: multi_choice"),
    ("    topics: [fundamentals]", "    topics: []", "topics: must not be empty", None),
    ("pack: sample-basics", "pack: yes", "pack: value 'yes' became a boolean", None),
    ("title: Sample basics\n", "", "missing field 'title'", "pack: sample-basics"),
]


@pytest.mark.parametrize(("old", "new", "reason", "at"), MUTATIONS, ids=[m[2][:40] for m in MUTATIONS])
def test_mutated_pack_is_rejected_at_the_line(
    old: str, new: str, reason: str, at: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert old in BASICS
    text = BASICS.replace(old, new, 1)
    line = line_at(BASICS, old) if at is None else line_at(text, at)
    path = tmp_path / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_validate(capsys, path)
    assert code == 1
    assert len(out) == 1, out
    assert out[0].startswith(f"{path}:{line}: "), out[0]
    assert reason in out[0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\n# only a comment\n", "empty file"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"pack: caf\xe9\n", "not UTF-8"),
        (b"- just\n- a list\n", "top level is a list"),
        (b"hello world", "top level is text"),
        (b"pack: a\ntitle: b\nquestions: 3\n", "questions: expected a list, got a number"),
        (b"pack: a\ntitle: b\nquestions: []\n", "questions: must not be empty"),
        (b"pack: a\n---\npack: b\n", "expected a single document"),
        (b"a: &x [*x]\n", "recursive alias"),
        (b"[" * 5000 + b"]" * 5000, "nested deeper than"),
        (b"a: [1, 2\n", "malformed YAML"),
        (b"a: 'unterminated\n", "malformed YAML"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_unreadable_files_give_a_message(
    content: bytes, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    code, out, err = run_validate(capsys, path)
    assert code == 1
    assert len(out) == 1, out
    assert PROBLEM_LINE.match(out[0])
    assert reason in out[0]
    assert "Traceback" not in err


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    result = load_pack_text("\n".join(lines) + "\n", "bomb.yaml")
    assert result.pack is None
    assert "too many values" in result.problems[0].reason


def test_huge_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# filler\n" * (MAX_PACK_BYTES // 9 + 1))
    code, out, _ = run_validate(capsys, path)
    assert code == 1
    assert out == [f"{path}:1: file too large ({path.stat().st_size:,} bytes; a pack may have at most "
                   f"{MAX_PACK_BYTES:,})"]


def test_unicode_pack_is_valid(tmp_path: Path) -> None:
    text = BASICS.replace("What is deep learning?", "Qu'est-ce que le deep learning ? 深層学習とは 🤖")
    result = load_pack_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "unicode.yaml")
    assert result.problems == ()
    assert result.pack is not None
    assert result.pack.questions[0].prompt.endswith("🤖")


def test_quoted_scalars_stay_strings() -> None:
    text = BASICS.replace("    prompt: Which range does ReLU output?", "    prompt: 'yes'").replace(
        "    reference_answer: \"[0, infinity)\"", "    reference_answer: \"1e-3\""
    )
    result = load_pack_text(text, "quoted.yaml")
    assert result.pack is not None
    question = result.pack.questions[1]
    assert (question.prompt, question.reference_answer) == ("yes", "1e-3")


def test_exponent_numbers_are_numbers_where_numbers_are_wanted() -> None:
    text = BASICS.replace("{value: [28, 28], tolerance: 0}", "{value: 2.8e1, tolerance: 1e-3}")
    result = load_pack_text(text, "exp.yaml")
    assert result.pack is not None
    numeric = result.pack.questions[3].numeric
    assert numeric is not None
    assert (numeric.value, numeric.tolerance) == (28.0, 0.001)


def test_duplicates_across_packs_are_reported_in_the_later_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(BASICS, encoding="utf-8")
    second = BASICS.replace("pack: sample-basics", "pack: other-pack")
    (tmp_path / "b.yaml").write_text(second, encoding="utf-8")
    code, out, _ = run_validate(capsys, tmp_path)
    assert code == 1
    ids = re.findall(r"^  - id: (\S+)", BASICS, flags=re.MULTILINE)
    assert len(out) == len(ids)
    for qid in ids:
        line, first = line_at(second, f"- id: {qid}\n"), line_at(BASICS, f"- id: {qid}\n")
        where = f"{tmp_path / 'a.yaml'}:{first}"
        assert f"{tmp_path / 'b.yaml'}:{line}: duplicate id {qid!r} (first defined at {where})" in out


def test_duplicate_pack_names_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BASICS, encoding="utf-8")
    renamed = re.sub(r"id: sample-", "id: copy-", BASICS)
    (tmp_path / "b.yaml").write_text(renamed, encoding="utf-8")
    result = validate_paths([tmp_path])
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'b.yaml'}:2: duplicate pack name 'sample-basics' (also at {tmp_path / 'a.yaml'}:2)"
    ]
    assert [p.pack for p in result.packs] == ["sample-basics"]


def test_missing_path_and_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run_validate(capsys, tmp_path / "nope.yaml", empty)
    assert code == 1
    assert out == [f"{tmp_path / 'nope.yaml'}:1: no such file or directory",
                   f"{empty}:1: directory holds no pack files (*.yaml, *.yml)"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    result = load_pack_bytes(data, "fuzz.yaml")
    assert result.pack is not None or result.problems
    assert all(PROBLEM_LINE.match(str(p)) for p in result.problems)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n ?,yes1e.")), max_size=200))
def test_random_yaml_like_text_never_crashes(text: str) -> None:
    result = load_pack_text(text, "fuzz.yaml")
    assert result.pack is None
    assert result.problems
    assert all(PROBLEM_LINE.match(str(p)) and p.line >= 1 for p in result.problems)
