"""Question packs per team: upload (validated), switch on or off, list.

Shipped packs are offered to every team, and each team may switch one off for itself only. An uploaded pack
belongs to the team that uploaded it: it is stored in the database (so every process sees it) and shown
only in that team's quizzes, daily questions and pack lists. Its question ids may not reuse a shipped id,
nor one of the team's other packs, while two teams may use the same ids in their own packs. Every platform
goes through here, so an upload is validated and reported the same way on Discord, Slack and the console.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.context import CoreContext, clean_text
from bot.core.errors import InvalidInput, NotFound
from bot.core.model import Player, TeamPackRecord
from bot.core.pack_scope import Owner, ShippedPacks, TeamScopes, team_ref
from bot.core.ports import UnitOfWork
from questions.loader import load_pack_bytes
from questions.schema import Pack

MAX_PROBLEMS_SHOWN = 15
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_TEAM_PACKS = 50
"""Uploads one team may keep (each at most `questions.loader.MAX_PACK_BYTES`)."""
MAX_TEAM_QUESTIONS = 5000
"""Questions over all of one team's uploads."""

PackCatalog = ShippedPacks
"""The shipped packs the service offers to every team (`questions.store.QuestionStore` fits)."""


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
    """A pack as one team sees it; `uploaded` marks the team's own packs (the others are shipped)."""

    name: str
    title: str
    questions: int
    enabled: bool
    uploaded: bool = False


@dataclass(frozen=True)
class PackUploadResult:
    name: str
    title: str
    questions: int
    replaced: bool


@dataclass(frozen=True)
class _Checked:
    """An upload that passed every check that needs no database."""

    pack: Pack
    file_name: str
    id_lines: Mapping[str, int]
    digest: str


class PackAdmin:
    """Pack administration for one team at a time; every method takes the team explicitly."""

    def __init__(self, ctx: CoreContext, shipped: ShippedPacks, scopes: TeamScopes) -> None:
        self.ctx = ctx
        self.shipped = shipped
        self.scopes = scopes

    async def upload(
        self, team: Owner, data: bytes, file_name: str, replace: bool = True
    ) -> PackUploadResult:
        """Validate and store a pack for `team` (replacing its pack of the same name unless `replace` is
        false; a replaced pack keeps its on/off switch).

        Raises `InvalidPack` listing every problem (including ids that clash with a shipped pack or another
        of the team's packs, each with its FILE:LINE), `InvalidInput` for a bad or taken name or too many
        packs, `StorageUnavailable` when it cannot be stored (nothing changes then).
        """
        checked = self._check(bytes(data), file_name)
        pack = checked.pack
        ref = team_ref(team)
        uploader = clean_text(team.user_id, 200) if isinstance(team, Player) else ""

        async def work(uow: UnitOfWork) -> tuple[int, bool]:
            stored = await uow.teams.get_or_create(ref)
            await uow.team_packs.lock(stored.id)
            existing = await uow.team_packs.list(stored.id)
            previous = next((r for r in existing if r.name == pack.pack), None)
            if previous is not None and not replace:
                raise InvalidInput(f"Your team already has a pack named {pack.pack!r}; upload with replace.")
            others = [r for r in existing if r.name != pack.pack]
            if len(others) >= MAX_TEAM_PACKS:
                raise InvalidInput(f"A team keeps at most {MAX_TEAM_PACKS} uploaded packs.")
            if sum(len(r.question_ids) for r in others) + len(pack.questions) > MAX_TEAM_QUESTIONS:
                raise InvalidInput(f"A team's uploaded packs hold at most {MAX_TEAM_QUESTIONS} questions.")
            owners = {qid: r.name for r in others for qid in r.question_ids}
            clashes = [
                f"{checked.file_name}:{checked.id_lines.get(q.id, 1)}: question id {q.id!r} is already "
                f"used by your pack {owners[q.id]!r}; give it another id"
                for q in pack.questions
                if q.id in owners
            ]
            if clashes:
                raise InvalidPack(tuple(clashes))
            record = TeamPackRecord(
                team_id=stored.id,
                name=pack.pack,
                title=pack.title,
                file_name=checked.file_name,
                digest=checked.digest,
                question_ids=tuple(q.id for q in pack.questions),
                enabled=previous.enabled if previous is not None else True,
                uploaded_at=self.ctx.now(),
                uploaded_by=uploader,
            )
            await uow.team_packs.save(record, bytes(data))
            return stored.id, previous is not None

        team_id, replaced = await self.ctx.transact(work)
        self.scopes.forget(team_id)
        return PackUploadResult(pack.pack, pack.title, len(pack.questions), replaced)

    def _check(self, data: bytes, file_name: str) -> _Checked:
        """Schema validation, the name rules and clashes with shipped ids (no database needed)."""
        shown_name = clean_text(file_name or "", 100).replace("\n", " ") or "upload.yaml"
        loaded = load_pack_bytes(data, shown_name)
        if loaded.pack is None or loaded.problems:
            problems = tuple(str(p) for p in loaded.problems)
            raise InvalidPack(problems or (f"{shown_name}:1: not a valid pack",))
        pack = loaded.pack
        if not NAME_PATTERN.match(pack.pack):
            raise InvalidInput("A pack name uses letters, digits, '.', '_' and '-' (at most 64).")
        if pack.pack in self.shipped.packs:
            raise InvalidInput(
                f"{pack.pack!r} is the name of a shipped pack; give your pack another name."
            )
        owners = {q.id: name for name, shipped in self.shipped.packs.items() for q in shipped.questions}
        clashes = [
            f"{shown_name}:{loaded.id_lines.get(q.id, 1)}: question id {q.id!r} is already used by the "
            f"shipped pack {owners[q.id]!r}; give it another id (e.g. prefix it with your team's name)"
            for q in pack.questions
            if q.id in owners
        ]
        if clashes:
            raise InvalidPack(tuple(clashes))
        return _Checked(pack, shown_name, loaded.id_lines, hashlib.sha256(data).hexdigest())

    async def set_enabled(self, team: Owner, name: str, enabled: bool) -> PackInfo:
        """Show or hide a pack's questions in this team's quizzes and daily picks only (answers already
        given still resolve). `NotFound` names the packs the team has."""
        wanted = clean_text(name, 100)
        ref = team_ref(team)

        async def work(uow: UnitOfWork) -> tuple[int, PackInfo]:
            stored = await uow.teams.get_or_create(ref)
            records = await uow.team_packs.list(stored.id)
            own = next((r for r in records if r.name == wanted), None)
            if own is not None:
                await uow.team_packs.set_enabled(stored.id, own.name, enabled)
                return stored.id, PackInfo(own.name, own.title, len(own.question_ids), enabled, uploaded=True)
            pack = self.shipped.packs.get(wanted)
            if pack is None:
                known = ", ".join(sorted({*self.shipped.packs, *(r.name for r in records)})) or "none"
                raise NotFound(f"There is no pack {wanted[:64]!r}; packs: {known}.")
            await uow.team_packs.set_shipped_enabled(stored.id, pack.pack, enabled)
            shown = enabled and self.shipped.is_enabled(pack.pack)
            return stored.id, PackInfo(pack.pack, pack.title, len(pack.questions), shown)

        team_id, info = await self.ctx.transact(work)
        self.scopes.forget(team_id)
        return info

    async def infos(self, team: Owner) -> list[PackInfo]:
        """The shipped packs and the team's uploads, by name, with this team's switches."""
        ref = team_ref(team)

        async def work(uow: UnitOfWork) -> tuple[list[TeamPackRecord], set[str]]:
            stored = await uow.teams.find(ref.platform, ref.external_id)
            if stored is None:
                return [], set()
            return await uow.team_packs.list(stored.id), await uow.team_packs.disabled_shipped(stored.id)

        records, disabled = await self.ctx.read(work)
        infos = [
            PackInfo(name, p.title, len(p.questions), self.shipped.is_enabled(name) and name not in disabled)
            for name, p in self.shipped.packs.items()
        ]
        infos += [PackInfo(r.name, r.title, len(r.question_ids), r.enabled, uploaded=True) for r in records]
        return sorted(infos, key=lambda i: (i.name.lower(), i.name))
