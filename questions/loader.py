"""Load and validate pack files, reporting every problem as `FILE:LINE: reason`.

Used by `interview-bot questions validate`, by the question store, and later by admins uploading a pack:
all of them need the same verdict, with a line number an author can jump to, and never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from questions.generators import GENERATED_PREFIX
from questions.schema import Pack
from questions.yaml_source import NodePath, ParsedYaml, YamlSourceError, is_plain, parse_yaml, resolved_kind

MAX_PACK_BYTES = 2_000_000
PACK_SUFFIXES = (".yaml", ".yml")

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list [start, end]",
    "model_type": "a mapping",
    "dict_type": "a mapping",
}
_ENUM_LABELS = {"kind": "kind", "topics": "topic", "difficulty": "difficulty"}
# Model-level validator messages name a field; point at that field's line rather than the question's.
_VALIDATOR_FIELDS = (
    ("key points", "key_points"),
    ("correct", "correct"),
    ("option keys", "options"),
    ("option key", "key"),
    ("options", "options"),
    ("numeric", "numeric"),
    ("truth", "truth"),
    ("pairs", "pairs"),
    ("id ", "id"),
    ("line range", "lines"),
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a pack file, printed as `FILE:LINE: reason`."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class LoadedPack:
    """The outcome of reading one file: the Pack when it is valid, and the lines of its ids either way."""

    file: str
    pack: Pack | None
    problems: tuple[Problem, ...] = ()
    name: str | None = None
    name_line: int = 1
    id_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Validation:
    """Several files checked together: the valid packs and every problem, including cross-file ones."""

    packs: tuple[Pack, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def load_pack_bytes(data: bytes, file: str) -> LoadedPack:
    """Validate one pack given as bytes (a file, an upload); `file` is the name used in messages."""
    if len(data) > MAX_PACK_BYTES:
        return _failed(file, 1, _too_large(len(data)))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return _failed(file, line, "binary file (contains NUL bytes), not a YAML pack")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _failed(file, line, "not UTF-8 text; save the pack as UTF-8")
    return load_pack_text(text, file)


def load_pack_text(text: str, file: str) -> LoadedPack:
    """Validate one pack given as text."""
    try:
        parsed = parse_yaml(text)
    except YamlSourceError as error:
        return _failed(file, error.line, error.reason)
    problems = [Problem(file, line, reason) for line, reason in parsed.warnings]
    data = parsed.data
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, f"top level is {resolved_kind(parsed.nodes[()])}; "
                                         "expected a mapping with 'pack', 'title' and 'questions'"))
        return LoadedPack(file, None, tuple(problems))
    name = data.get("pack") if isinstance(data.get("pack"), str) else None
    id_lines, id_problems = _id_lines(parsed, file)
    problems.extend(id_problems)
    pack: Pack | None = None
    try:
        pack = Pack.model_validate(data)
    except ValidationError as error:
        problems.extend(_schema_problems(error.errors(), parsed, file))
    if problems:
        pack = None
    problems.sort(key=lambda p: p.line)
    return LoadedPack(file, pack, tuple(problems), name, parsed.key_line_of(("pack",)), id_lines)


def load_pack_file(path: Path) -> LoadedPack:
    """Validate the pack file at `path`; unreadable files become problems, not exceptions."""
    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            return _failed(str(path), 1, _too_large(size))
        data = path.read_bytes()
    except OSError as error:
        return _failed(str(path), 1, f"cannot read file: {error.strerror or error}")
    return load_pack_bytes(data, str(path))


def pack_files(paths: Iterable[Path], *, allow_empty: bool = False) -> tuple[list[Path], list[Problem]]:
    """Expand files and directories into the pack files they name (a directory: its *.yaml, *.yml).

    A directory without packs is a problem unless `allow_empty` (a store may legitimately start empty).
    """
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file())
            if not found and not allow_empty:
                problems.append(Problem(str(path), 1, "directory holds no pack files (*.yaml, *.yml)"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, "no such file or directory"))
    unique = []
    for file in files:  # the same file named twice (a path and its directory) is checked once
        if file.resolve() not in seen:
            seen.add(file.resolve())
            unique.append(file)
    return unique, problems


def validate_loaded(loaded: Sequence[LoadedPack], files: Sequence[str] = ()) -> Validation:
    """Combine per-file results and add what only shows across files: duplicate ids and pack names."""
    problems: list[Problem] = [p for item in loaded for p in item.problems]
    first_id: dict[str, tuple[str, int]] = {}
    first_name: dict[str, tuple[str, int]] = {}
    spoiled: set[str] = set()
    for item in loaded:
        if item.name is not None:
            if item.name in first_name:
                where = "{}:{}".format(*first_name[item.name])
                problems.append(Problem(item.file, item.name_line, f"duplicate pack name {item.name!r} "
                                                                   f"(also at {where})"))
                spoiled.add(item.file)
            else:
                first_name[item.name] = (item.file, item.name_line)
        for qid, line in item.id_lines.items():
            if qid in first_id and first_id[qid][0] != item.file:
                where = "{}:{}".format(*first_id[qid])
                problems.append(Problem(item.file, line, f"duplicate id {qid!r} (first defined at {where})"))
                spoiled.add(item.file)
            first_id.setdefault(qid, (item.file, line))
    packs = tuple(i.pack for i in loaded if i.pack is not None and i.file not in spoiled)
    all_files = tuple(files) or tuple(i.file for i in loaded)
    return Validation(packs, tuple(problems), all_files)


def validate_paths(paths: Iterable[Path], *, allow_empty: bool = False) -> Validation:
    """Validate every pack named by `paths` (files or directories), as `questions validate` does."""
    files, problems = pack_files(paths, allow_empty=allow_empty)
    result = validate_loaded([load_pack_file(f) for f in files], [str(f) for f in files])
    return Validation(result.packs, (*problems, *result.problems), result.files)


def _too_large(size: int) -> str:
    return f"file too large ({size:,} bytes; a pack may have at most {MAX_PACK_BYTES:,})"


def _failed(file: str, line: int, reason: str) -> LoadedPack:
    return LoadedPack(file, None, (Problem(file, line, reason),))


def _id_lines(parsed: ParsedYaml, file: str) -> tuple[dict[str, int], list[Problem]]:
    """Lines of each question id, and the ids repeated within this file or using the generated prefix."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    questions = parsed.data.get("questions")
    if not isinstance(questions, list):
        return lines, problems
    for index, question in enumerate(questions):
        qid = question.get("id") if isinstance(question, dict) else None
        if not isinstance(qid, str):
            continue
        line = parsed.line_of(("questions", index, "id"))
        if qid.startswith(GENERATED_PREFIX):
            problems.append(Problem(file, line, f"id {qid!r} starts with {GENERATED_PREFIX!r}, which is "
                                                "reserved for generated questions"))
        if qid in lines:
            first = f"{file}:{lines[qid]}"
            problems.append(Problem(file, line, f"duplicate id {qid!r} (first defined at {first})"))
        else:
            lines[qid] = line
    return lines, problems


def _schema_problems(errors: Sequence[ErrorDetails], parsed: ParsedYaml, file: str) -> list[Problem]:
    """One problem per distinct error; type errors of one value (union members) merge into one line."""
    grouped: dict[NodePath, list[ErrorDetails]] = {}
    problems: list[Problem] = []
    for error in errors:
        loc = tuple(error["loc"])
        if not loc and "duplicate id" in error["msg"]:
            continue  # reported with its line by _id_lines
        grouped.setdefault(parsed.deepest(loc), []).append(error)
    typed = [p for p, group in grouped.items() if any(e["type"] in _TYPE_WORDS for e in group)]
    for path, group in grouped.items():
        type_errors = [e for e in group if e["type"] in _TYPE_WORDS]
        # A union (number | list of numbers) reports every member; keep the deepest, most precise one.
        if any(len(other) > len(path) and other[: len(path)] == path for other in typed):
            type_errors = []
        if type_errors:
            problems.append(_type_problem(path, type_errors, parsed, file))
        for error in group:
            if error["type"] not in _TYPE_WORDS:
                problems.append(_other_problem(path, error, parsed, file))
    return sorted(set(problems), key=lambda p: (p.line, p.reason))


def _where(path: NodePath, parsed: ParsedYaml) -> str:
    """'question 'x': key_points[0].text' — the question id (when known) and the field inside it."""
    prefix = ""
    rest: NodePath = path
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        question = parsed.data["questions"][path[1]]
        qid = question.get("id") if isinstance(question, dict) else None
        prefix = f"question {qid!r}" if isinstance(qid, str) else f"question #{path[1] + 1}"
        rest = path[2:]
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    return f"{prefix}: {dotted}" if prefix and dotted else prefix or dotted or "pack"


def _type_problem(path: NodePath, errors: list[ErrorDetails], parsed: ParsedYaml, file: str) -> Problem:
    node = parsed.nodes[path]
    line = parsed.key_line_of(path)
    became = resolved_kind(node)
    words = list(dict.fromkeys(_TYPE_WORDS[e["type"]] for e in errors))
    if "a number" in words and "an integer" in words:
        words.remove("an integer")
    wanted = " or ".join(words)
    written = getattr(node, "value", None)
    if wanted == "text" and became in ("a boolean", "a number") and is_plain(node):
        reason = f"value {written!r} became {became}; quote it"
    elif wanted == "text" and became == "empty (null)":
        reason = "value is empty; write the text (quoted if unsure) or drop the field"
    else:
        shown = f" {written!r}" if isinstance(written, str) and len(written) <= 40 else ""
        reason = f"expected {wanted}, got {became}{shown}"
    return Problem(file, line, f"{_where(path, parsed)}: {reason}")


def _other_problem(path: NodePath, error: ErrorDetails, parsed: ParsedYaml, file: str) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    message = re.sub(r"^(Value|Assertion) error, ", "", error["msg"])
    if kind == "missing":
        return Problem(file, parsed.key_line_of(path), f"{_where(path, parsed)}: missing field {loc[-1]!r}")
    if kind == "extra_forbidden":
        where = _where(loc[:-1], parsed)
        return Problem(file, parsed.key_line_of(loc), f"{where}: unknown field {loc[-1]!r}")
    if kind == "enum":
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        label = _ENUM_LABELS.get(str(field_name), str(field_name))
        written = getattr(parsed.nodes.get(path), "value", error.get("input"))
        expected = (error.get("ctx") or {}).get("expected", "")
        return Problem(file, parsed.key_line_of(path), f"{_where(path, parsed)}: unknown {label} {written!r} "
                                                   f"(expected {expected})")
    if kind == "too_short":
        return Problem(file, parsed.key_line_of(path), f"{_where(path, parsed)}: must not be empty")
    if kind == "value_error":
        path = _validator_target(path, message, parsed)
    return Problem(file, parsed.key_line_of(path), f"{_where(path, parsed)}: {message}")


def _validator_target(path: NodePath, message: str, parsed: ParsedYaml) -> NodePath:
    """For a whole-model validator error, the path of the field its message is about (if present)."""
    for words, field_name in _VALIDATOR_FIELDS:
        if words in message:
            return (*path, field_name) if (*path, field_name) in parsed.nodes else path
    return path
