"""The question store: every curated question by id, plus generated variants resolved on demand.

The practice core, the CLI and the adapters all look questions up here. Packs can be added, enabled and
disabled at run time (admins uploading packs), so listing respects the disabled set while `get` still
finds a question from a disabled pack: old attempts and reviews must keep resolving.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from questions import generators
from questions.loader import (
    PACK_SUFFIXES,
    LoadedPack,
    Problem,
    Validation,
    load_pack_bytes,
    validate_loaded,
    validate_paths,
)
from questions.schema import Difficulty, Kind, Pack, Question, Topic

PACKS_PACKAGE = "questions"
PACKS_DIR = "packs"


class UnknownQuestionError(LookupError):
    """No curated question has this id and it does not name a generated variant."""

    def __init__(self, question_id: str, reason: str = "") -> None:
        shown = question_id if len(question_id) <= 80 else question_id[:77] + "..."
        message = f"unknown question id {shown!r}"
        super().__init__(f"{message}: {reason}" if reason else message)
        self.question_id = question_id


class PackLoadError(ValueError):
    """Packs could not be loaded; `problems` holds every `FILE:LINE: reason`."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems]
        super().__init__(f"{len(lines)} problem(s) in question packs:\n" + "\n".join(lines))


def shipped_pack_files() -> list[Traversable]:
    """The pack files installed with the package (found through importlib.resources, not the cwd)."""
    folder = resources.files(PACKS_PACKAGE).joinpath(PACKS_DIR)
    if not folder.is_dir():
        return []
    files = [f for f in folder.iterdir() if f.is_file() and f.name.endswith(PACK_SUFFIXES)]
    return sorted(files, key=lambda f: f.name)


def validate_shipped() -> Validation:
    """Validate the shipped packs, reading them through importlib.resources (works from a wheel too)."""
    loaded = []
    for item in shipped_pack_files():
        name = f"{PACKS_PACKAGE}/{PACKS_DIR}/{item.name}"
        try:
            data = item.read_bytes()
        except OSError as error:
            loaded.append(LoadedPack(name, None, (Problem(name, 1, f"cannot read file: {error}"),)))
            continue
        loaded.append(load_pack_bytes(data, name))
    return validate_loaded(loaded)


class QuestionStore:
    """In-memory index of packs; questions keep pack order, then file order, so listings are stable."""

    def __init__(self, packs: Iterable[Pack] = ()) -> None:
        self._packs: dict[str, Pack] = {}
        self._by_id: dict[str, tuple[str, Question]] = {}
        self._disabled: set[str] = set()
        for pack in packs:
            self.add_pack(pack)

    @classmethod
    def load_default(cls) -> QuestionStore:
        """The store of the shipped packs; raises PackLoadError listing every problem if one is invalid."""
        result = validate_shipped()
        if result.problems:
            raise PackLoadError(result.problems)
        return cls(result.packs)

    @classmethod
    def from_paths(cls, paths: Iterable[Path | str]) -> QuestionStore:
        """A store of the packs at `paths` (files or directories, possibly empty ones).

        Raises PackLoadError listing every problem when a path is missing or a pack is invalid.
        """
        result = validate_paths((Path(p) for p in paths), allow_empty=True)
        if result.problems:
            raise PackLoadError(result.problems)
        return cls(result.packs)

    @property
    def packs(self) -> Mapping[str, Pack]:
        """Pack name → Pack, enabled or not (read-only view)."""
        return MappingProxyType(self._packs)

    @property
    def disabled(self) -> frozenset[str]:
        """Names of the packs whose questions are hidden from all() and filter()."""
        return frozenset(self._disabled)

    def add_pack(self, pack: Pack, *, replace: bool = False) -> None:
        """Add `pack`; with replace=True a pack of the same name is swapped out.

        Raises ValueError when the name is taken (and replace is false) or a question id already belongs
        to another pack, so ids stay unique across the store.
        """
        if pack.pack in self._packs and not replace:
            raise ValueError(f"a pack named {pack.pack!r} is already loaded")
        for question in pack.questions:
            if question.id.startswith(generators.GENERATED_PREFIX):
                raise ValueError(f"question id {question.id!r} is reserved for generated questions")
            owner = self._by_id.get(question.id)
            if owner is not None and owner[0] != pack.pack:
                raise ValueError(f"question id {question.id!r} already belongs to pack {owner[0]!r}")
        if pack.pack in self._packs:
            self.remove_pack(pack.pack)
        self._packs[pack.pack] = pack
        for question in pack.questions:
            self._by_id[question.id] = (pack.pack, question)

    def remove_pack(self, name: str) -> None:
        """Forget pack `name` and its questions (KeyError if there is no such pack)."""
        pack = self._packs.pop(name)
        for question in pack.questions:
            self._by_id.pop(question.id, None)
        self._disabled.discard(name)

    def disable(self, name: str) -> None:
        """Hide pack `name` from listings; `get` still resolves its questions."""
        self._require(name)
        self._disabled.add(name)

    def enable(self, name: str) -> None:
        """Show pack `name` in listings again."""
        self._require(name)
        self._disabled.discard(name)

    def is_enabled(self, name: str) -> bool:
        """Whether pack `name` is loaded and not disabled."""
        return name in self._packs and name not in self._disabled

    def pack_of(self, question_id: str) -> str | None:
        """The name of the pack holding a curated question (None for generated or unknown ids)."""
        owner = self._by_id.get(question_id)
        return owner[0] if owner else None

    def get(self, question_id: str) -> Question:
        """The question with this id: curated, or generated when the id is `gen-<family>-<seed>`."""
        owner = self._by_id.get(question_id)
        if owner is not None:
            return owner[1]
        parsed = generators.parse_generated_id(question_id)
        if parsed is None:
            if question_id.startswith(generators.GENERATED_PREFIX):
                raise UnknownQuestionError(question_id, "generated ids look like gen-<family>-<seed>, "
                                                        f"families: {', '.join(generators.FAMILIES)}")
            raise UnknownQuestionError(question_id)
        family, seed = parsed
        try:
            return generators.generate(family, seed)
        except (LookupError, ValueError) as error:
            raise UnknownQuestionError(question_id, str(error)) from None

    def __contains__(self, question_id: object) -> bool:
        if not isinstance(question_id, str):
            return False
        try:
            self.get(question_id)
        except UnknownQuestionError:
            return False
        return True

    def __len__(self) -> int:
        return len(self.all())

    def all(self) -> list[Question]:
        """Curated questions of the enabled packs, in pack then file order."""
        return [q for name, pack in self._packs.items() if name not in self._disabled for q in pack.questions]

    def filter(
        self,
        topic: Topic | str | None = None,
        kind: Kind | str | None = None,
        difficulty: Difficulty | str | None = None,
    ) -> list[Question]:
        """Enabled curated questions matching every given criterion; an unknown value raises ValueError."""
        wanted_topic = _member(Topic, topic, "topic")
        wanted_kind = _member(Kind, kind, "kind")
        wanted_difficulty = _member(Difficulty, difficulty, "difficulty")
        return [
            q
            for q in self.all()
            if (wanted_topic is None or wanted_topic in q.topics)
            and (wanted_kind is None or q.kind == wanted_kind)
            and (wanted_difficulty is None or q.difficulty == wanted_difficulty)
        ]

    def topics(self) -> list[Topic]:
        """Topics that have at least one enabled question, in taxonomy order."""
        present = {t for q in self.all() for t in q.topics}
        return [t for t in Topic if t in present]

    def _require(self, name: str) -> None:
        if name not in self._packs:
            known = ", ".join(self._packs) or "none"
            raise KeyError(f"no pack named {name!r} (loaded: {known})")


_E = TypeVar("_E", Topic, Kind, Difficulty)


def _member(enum: type[_E], value: _E | str | None, label: str) -> _E | None:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)
        raise ValueError(f"unknown {label} {value!r}; choose one of: {choices}") from None
