"""Which questions a team sees: the shipped packs it has not switched off, plus its own uploads.

Teams never see each other's uploads. The practice use cases ask `ctx.catalog` for questions without naming
a team, so the service runs each use case inside a team scope (a context variable) that `ScopedCatalog`
consults; outside any scope only the shipped questions exist.

Uploads live in the database, so every process sees them. Each process caches a team's scope:
- what chooses questions (a quiz or review start, a daily pick, a reveal) re-checks the team's pack list
  first (one small read), so an upload or switch made through another process counts at once;
- the answer path uses the cached scope (at most `ttl` seconds old) and pays nothing. When a question id
  is missing from a scope that was not re-checked in this call, the lookup raises `StaleScope` instead of
  "unknown" (the use cases look questions up before they write); the service then reloads the scope and
  runs the use case again, so a question uploaded through another process a second ago still resolves.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, TypeVar

from bot.core.context import CoreContext, clean_text
from bot.core.daily_config import parse_channel_ref
from bot.core.errors import InvalidInput, StorageUnavailable
from bot.core.model import Player, TeamPackRecord, TeamRef
from bot.core.ports import QuestionCatalog, UnitOfWork
from questions.loader import load_pack_bytes
from questions.schema import Pack, Question

log = logging.getLogger(__name__)

T = TypeVar("T")
TeamKey = tuple[str, str]
Signature = tuple[tuple[tuple[str, str, bool], ...], frozenset[str]]
Owner = TeamRef | Player


class ShippedPacks(Protocol):
    """The shipped packs by name (`questions.store.QuestionStore` fits); a pack switched off here is off
    for every team."""

    @property
    def packs(self) -> Mapping[str, Pack]: ...

    def is_enabled(self, name: str) -> bool: ...


class StaleScope(Exception):
    """A question id is missing from a cached scope that was not re-checked in this call (not a
    `LookupError`, so the core's "unknown question" handling does not swallow it)."""


def team_key(owner: Owner) -> TeamKey:
    """(platform, external id) as storage keeps them (the same cleaning `resolve_player` applies)."""
    if isinstance(owner, Player):
        platform, external = owner.platform, owner.team_id
    else:
        platform, external = owner.platform, owner.external_id
    key = (clean_text(platform, 200).lower(), clean_text(external, 200))
    if not key[0] or not key[1]:
        raise InvalidInput("The team is missing.")
    return key


def team_ref(owner: Owner) -> TeamRef:
    platform, external = team_key(owner)
    return TeamRef(platform, external, owner.name if isinstance(owner, TeamRef) else "")


@dataclass(frozen=True)
class TeamQuestions:
    """One team's catalog: `get` resolves its uploads (on or off) then the shipped and generated questions;
    `all` lists the shipped packs it has not switched off and its enabled uploads."""

    team_id: int | None
    base: QuestionCatalog
    uploaded: Mapping[str, Question]
    listed: tuple[Question, ...]

    def get(self, question_id: str) -> Question:
        found = self.uploaded.get(question_id)
        return found if found is not None else self.base.get(question_id)

    def all(self) -> Sequence[Question]:
        return self.listed


@dataclass(frozen=True)
class ActiveScope:
    questions: TeamQuestions
    checked: bool
    """Re-checked against the database during this call: a missing id is then really unknown."""


_active: ContextVar[ActiveScope | None] = ContextVar("interview_bot_team_scope", default=None)


class ScopedCatalog:
    """The `QuestionCatalog` the core sees: the active team's questions, or the shipped ones outside a
    team scope."""

    def __init__(self, base: QuestionCatalog) -> None:
        self.base = base

    def get(self, question_id: str) -> Question:
        active = _active.get()
        if active is None:
            return self.base.get(question_id)
        try:
            return active.questions.get(question_id)
        except LookupError:
            if not active.checked:
                raise StaleScope(question_id) from None
            raise

    def all(self) -> Sequence[Question]:
        active = _active.get()
        return self.base.all() if active is None else active.questions.all()


@dataclass
class _Entry:
    signature: Signature
    questions: TeamQuestions
    checked_at: float


@dataclass
class TeamScopes:
    """Builds, caches and activates team scopes; `in_*` run a use case inside one."""

    ctx: CoreContext
    base: QuestionCatalog
    shipped: ShippedPacks
    ttl: float = 60.0
    size: int = 512
    monotonic: Callable[[], float] = time.monotonic
    _entries: OrderedDict[int, _Entry] = field(default_factory=OrderedDict)
    _team_ids: dict[TeamKey, int] = field(default_factory=dict)
    _parsed: OrderedDict[str, Pack | None] = field(default_factory=OrderedDict)

    # --- running use cases ------------------------------------------------------------------------

    async def in_team(self, owner: Owner, work: Callable[[], Awaitable[T]], check: bool = False) -> T:
        """Run `work` in the team's scope; `check` re-reads the team's packs first (choosing paths)."""
        key = team_key(owner)
        return await self._run(lambda again: self._for_key(key, check or again), work)

    async def in_team_id(self, team_id: int, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` in the scope of a stored team, re-read first."""
        return await self._run(lambda _again: self._checked(lambda uow: self._refresh(uow, team_id)), work)

    async def in_channel(self, channel_ref: str, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` in the scope of the team whose daily config the channel has (shipped only without)."""
        ref = parse_channel_ref(channel_ref)

        async def load(uow: UnitOfWork) -> TeamQuestions:
            config = await uow.daily_configs.get(ref)
            return self.shipped_only() if config is None else await self._refresh(uow, config.team_id)

        return await self._run(lambda _again: self._checked(load), work)

    async def in_post(self, post_id: int, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` in the scope of the team a daily post belongs to."""

        async def load(uow: UnitOfWork) -> TeamQuestions:
            post = await uow.daily_posts.get(post_id)
            return self.shipped_only() if post is None else await self._refresh(uow, post.team_id)

        return await self._run(lambda _again: self._checked(load), work)

    async def _run(
        self, scope: Callable[[bool], Awaitable[ActiveScope]], work: Callable[[], Awaitable[T]]
    ) -> T:
        """Run `work` once in the scope; if it met an id missing from an unchecked cached scope, once more
        in the re-read scope (nothing was written: lookups come before writes in every use case)."""
        active = await scope(False)
        try:
            return await _within(active, work)
        except StaleScope:
            if active.checked:
                raise
        return await _within(await scope(True), work)

    async def _checked(self, load: Callable[[UnitOfWork], Awaitable[TeamQuestions]]) -> ActiveScope:
        return ActiveScope(await self.ctx.read(load), checked=True)

    async def _for_key(self, key: TeamKey, check: bool) -> ActiveScope:
        team_id = self._team_ids.get(key)
        if not check and team_id is not None:
            entry = self._entries.get(team_id)
            if entry is not None and self.monotonic() - entry.checked_at < self.ttl:
                return ActiveScope(entry.questions, checked=False)

        async def load(uow: UnitOfWork) -> TeamQuestions:
            team = await uow.teams.find(*key)
            if team is None:
                return self.shipped_only()
            if len(self._team_ids) >= self.size * 4:
                self._team_ids.clear()
            self._team_ids[key] = team.id
            return await self._refresh(uow, team.id)

        try:
            return await self._checked(load)
        except StorageUnavailable:
            if check:
                raise
        # The database is down: let the use case run into that itself (an answer then comes back to the
        # player as unsaved) with what this process knows; a missing id would mean a re-check anyway.
        entry = self._entries.get(team_id) if team_id is not None else None
        return ActiveScope(entry.questions if entry is not None else self.shipped_only(), checked=False)

    # --- lookups outside a use case ---------------------------------------------------------------

    def cached(self, owner: Owner) -> TeamQuestions | None:
        """The team's cached scope (any age), for a lookup that must not touch the database."""
        team_id = self._team_ids.get(team_key(owner))
        entry = self._entries.get(team_id) if team_id is not None else None
        return entry.questions if entry is not None else None

    def forget(self, team_id: int) -> None:
        """Drop a team's cached scope (after this process changed its packs)."""
        self._entries.pop(team_id, None)

    # --- building ---------------------------------------------------------------------------------

    def shipped_only(self) -> TeamQuestions:
        return TeamQuestions(None, self.base, MappingProxyType({}), tuple(self.base.all()))

    async def _refresh(self, uow: UnitOfWork, team_id: int) -> TeamQuestions:
        """The team's questions, rebuilt only when its pack list or switches changed since last time."""
        records = await uow.team_packs.list(team_id)
        disabled = frozenset(await uow.team_packs.disabled_shipped(team_id))
        signature: Signature = (tuple((r.name, r.digest, r.enabled) for r in records), disabled)
        entry = self._entries.get(team_id)
        if entry is None or entry.signature != signature:
            missing = [r.name for r in records if r.digest not in self._parsed]
            if missing:
                sources = await uow.team_packs.sources(team_id, missing)
                for record in records:
                    if record.name in sources:
                        self._remember(record, sources[record.name])
            entry = _Entry(signature, self._build(team_id, records, disabled), 0.0)
        entry.checked_at = self.monotonic()
        self._entries[team_id] = entry
        self._entries.move_to_end(team_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return entry.questions

    def _remember(self, record: TeamPackRecord, data: bytes) -> None:
        loaded = load_pack_bytes(data, record.file_name or f"{record.name}.yaml")
        if loaded.pack is None or loaded.problems:
            log.warning("team %d's pack %r no longer validates; it is skipped", record.team_id, record.name)
        self._parsed[record.digest] = loaded.pack if not loaded.problems else None
        while len(self._parsed) > self.size * 2:
            self._parsed.popitem(last=False)

    def _build(self, team_id: int, records: list[TeamPackRecord], disabled: frozenset[str]) -> TeamQuestions:
        uploaded: dict[str, Question] = {}
        listed: list[Question] = []
        for record in records:
            pack = self._parsed.get(record.digest)
            for question in pack.questions if pack is not None else ():
                if question.id not in uploaded:
                    uploaded[question.id] = question
                    if record.enabled:
                        listed.append(question)
        shipped = [q for q in self.shipped_listing(disabled) if q.id not in uploaded]
        return TeamQuestions(team_id, self.base, MappingProxyType(uploaded), (*shipped, *listed))

    def shipped_listing(self, disabled: frozenset[str]) -> list[Question]:
        """The shipped questions a team with these packs switched off is offered."""
        questions = list(self.base.all())
        if not disabled:
            return questions
        owner = {q.id: name for name, pack in self.shipped.packs.items() for q in pack.questions}
        return [q for q in questions if owner.get(q.id) not in disabled]


async def _within(active: ActiveScope, work: Callable[[], Awaitable[T]]) -> T:
    token = _active.set(active)
    try:
        return await work()
    finally:
        _active.reset(token)


def active_scope() -> ActiveScope | None:
    """The team scope the current use case runs in, if any."""
    return _active.get()
