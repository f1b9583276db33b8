"""Question packs administered at run time: upload (validated), enable, disable, list.

Every platform goes through here, so an upload is validated and reported the same way on Discord, Slack
and the console. Changes apply to the in-memory question store and are kept through a `PackArchive` port
(files in the data directory by default), from which `restore()` re-applies them at start-up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.core.errors import InvalidInput, NotFound, StorageUnavailable
from questions.loader import load_pack_bytes
from questions.schema import Pack

log = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 15
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class PackCatalog(Protocol):
    """The pack operations of `questions.store.QuestionStore`."""

    @property
    def packs(self) -> Mapping[str, Pack]: ...

    def add_pack(self, pack: Pack, *, replace: bool = False) -> None: ...

    def remove_pack(self, name: str) -> None: ...

    def enable(self, name: str) -> None: ...

    def disable(self, name: str) -> None: ...

    def is_enabled(self, name: str) -> bool: ...


@dataclass(frozen=True)
class ArchivedPack:
    name: str
    file_name: str
    data: bytes


class PackArchive(Protocol):
    """Where uploaded packs and enabled/disabled choices are kept between runs."""

    async def save(self, name: str, file_name: str, data: bytes) -> None: ...

    async def set_enabled(self, name: str, enabled: bool) -> None: ...

    async def uploads(self) -> list[ArchivedPack]: ...

    async def disabled(self) -> set[str]: ...


class MemoryPackArchive:
    """Keeps nothing beyond the process (tests, or when no data directory is wanted)."""

    def __init__(self) -> None:
        self.saved: dict[str, ArchivedPack] = {}
        self.off: set[str] = set()

    async def save(self, name: str, file_name: str, data: bytes) -> None:
        self.saved[name] = ArchivedPack(name, file_name, data)

    async def set_enabled(self, name: str, enabled: bool) -> None:
        (self.off.discard if enabled else self.off.add)(name)

    async def uploads(self) -> list[ArchivedPack]:
        return list(self.saved.values())

    async def disabled(self) -> set[str]:
        return set(self.off)


class InvalidPack(InvalidInput):
    """An upload that failed validation; `problems` lists every `FILE:LINE: reason`."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        shown = "\n".join(f"- {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        hidden = len(problems) - MAX_PROBLEMS_SHOWN
        more = f"\n… and {hidden} more" if hidden > 0 else ""
        super().__init__(f"The pack has {len(problems)} problem(s):\n{shown}{more}")
        self.problems = problems


@dataclass(frozen=True)
class PackInfo:
    name: str
    title: str
    questions: int
    enabled: bool


@dataclass(frozen=True)
class PackUploadResult:
    name: str
    title: str
    questions: int
    replaced: bool


class PackAdmin:
    def __init__(self, catalog: PackCatalog, archive: PackArchive) -> None:
        self.catalog = catalog
        self.archive = archive

    async def upload(self, data: bytes, file_name: str, replace: bool = True) -> PackUploadResult:
        """Validate and add a pack (replacing one of the same name unless `replace` is false).

        Raises `InvalidPack` listing every problem, `InvalidInput` for a clash with another pack's ids,
        `StorageUnavailable` when it cannot be kept (the store is then left as it was).
        """
        shown_name = (file_name or "upload.yaml").strip()[:100] or "upload.yaml"
        loaded = load_pack_bytes(bytes(data), shown_name)
        if loaded.pack is None or loaded.problems:
            problems = tuple(str(p) for p in loaded.problems)
            raise InvalidPack(problems or (f"{shown_name}:1: not a valid pack",))
        pack = loaded.pack
        if not NAME_PATTERN.match(pack.pack):
            raise InvalidInput("A pack name uses letters, digits, '.', '_' and '-' (at most 64).")
        previous = self.catalog.packs.get(pack.pack)
        was_disabled = previous is not None and not self.catalog.is_enabled(pack.pack)
        if previous is not None and not replace:
            raise InvalidInput(f"A pack named {pack.pack!r} already exists.")
        try:
            self.catalog.add_pack(pack, replace=True)
        except ValueError as err:
            raise InvalidInput(f"The pack cannot be added: {err}") from None
        try:
            await self.archive.save(pack.pack, shown_name, bytes(data))
        except (OSError, StorageUnavailable) as err:
            self.catalog.remove_pack(pack.pack)
            if previous is not None:
                self.catalog.add_pack(previous)
                if was_disabled:
                    self.catalog.disable(previous.pack)
            raise StorageUnavailable(f"The pack could not be saved, so it was not added: {err}") from None
        return PackUploadResult(pack.pack, pack.title, len(pack.questions), previous is not None)

    async def set_enabled(self, name: str, enabled: bool) -> PackInfo:
        """Show or hide a pack's questions in quizzes and daily picks (old attempts still resolve)."""
        pack = self.catalog.packs.get((name or "").strip())
        if pack is None:
            known = ", ".join(sorted(self.catalog.packs)) or "none"
            raise NotFound(f"There is no pack {name[:64]!r}; packs: {known}.")
        try:
            await self.archive.set_enabled(pack.pack, enabled)
        except OSError as err:
            raise StorageUnavailable(f"The change could not be saved: {err}") from None
        (self.catalog.enable if enabled else self.catalog.disable)(pack.pack)
        return self._info(pack)

    def infos(self) -> list[PackInfo]:
        return [self._info(p) for _, p in sorted(self.catalog.packs.items())]

    def _info(self, pack: Pack) -> PackInfo:
        return PackInfo(pack.pack, pack.title, len(pack.questions), self.catalog.is_enabled(pack.pack))

    async def restore(self) -> list[str]:
        """Re-apply archived uploads and switches at start-up; returns a problem per pack skipped."""
        problems: list[str] = []
        for archived in await self.archive.uploads():
            loaded = load_pack_bytes(archived.data, archived.file_name)
            if loaded.pack is None or loaded.problems:
                problems.append(f"{archived.file_name}: no longer valid, skipped")
                continue
            try:
                self.catalog.add_pack(loaded.pack, replace=True)
            except ValueError as err:
                problems.append(f"{archived.file_name}: {err}")
        for name in await self.archive.disabled():
            if name in self.catalog.packs:
                self.catalog.disable(name)
        for problem in problems:
            log.warning("uploaded pack not restored: %s", problem)
        return problems
