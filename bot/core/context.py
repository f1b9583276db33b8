"""What every use case needs: ports, clock, randomness, and the transaction and identity helpers.

Use cases run inside `CoreContext.transact`: through `GroupCommit`, use cases arriving together share one
unit of work and one commit, each still all-or-nothing (see bot/core/group_commit.py). On its own, a use
case gets one unit of work that is committed, and is re-run once when the database reports a lost race on
a counted attempt (the re-run then sees the winner and scores 0). Nothing is written unless the whole use
case succeeds.
"""

from __future__ import annotations

import logging
import random
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.core.checking.grade import Grade
from bot.core.errors import AlreadyCounted, InvalidInput, UnknownQuestion
from bot.core.group_commit import GroupCommit
from bot.core.model import Attempt, Player, PlayerRecord, Team, TeamRef
from bot.core.ports import Announcer, Clock, QuestionCatalog, UnitOfWork, UnitOfWorkFactory
from bot.core.timekeeping import as_utc
from questions.schema import Question

T = TypeVar("T")
log = logging.getLogger(__name__)

Grader = Callable[[Question, str], Grade]
"""The answer checker: `bot.core.checking.check` in production."""
AnswerListener = Callable[[Attempt, Question], None]
"""Called once per stored answer after its transaction committed (metrics count answers with it)."""

MAX_NAME = 100
MAX_ID = 200
MAX_ANSWER = 4000
MAX_TEXT = 1000


def clean_text(text: str | None, limit: int) -> str:
    """User text made safe to store: control characters dropped (newlines and tabs kept), stripped, cut."""
    if text is None:
        return ""
    kept = "".join(ch for ch in str(text) if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return kept.strip()[:limit]


def clean_answer(text: str | None) -> str:
    """An answer to grade: `InvalidInput` when empty, cut to `MAX_ANSWER` characters when huge."""
    answer = clean_text(text, MAX_ANSWER)
    if not answer:
        raise InvalidInput("Your answer is empty; type an answer, `hint` or `skip`.")
    return answer


def _clean_id(value: str, what: str) -> str:
    cleaned = clean_text(value, MAX_ID)
    if not cleaned:
        raise InvalidInput(f"The {what} is missing.")
    return cleaned


IdentityKey = tuple[str, str, str, str]
Identity = tuple[Team, PlayerRecord]


class IdentityCache:
    """Recently resolved (team, player) pairs and teams, so a busy player's answers skip two lookups each
    and a new player of a known team one.

    Entries are added only after the transaction that read or created them committed (a rolled-back
    creation must not leave an id behind), and expire after `ttl` seconds so a team's timezone changed by
    another process is picked up soon.
    """

    def __init__(self, ttl: float = 60.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._items: OrderedDict[IdentityKey, tuple[float, Identity]] = OrderedDict()
        self._teams: OrderedDict[TeamRef, tuple[float, Team]] = OrderedDict()

    def team(self, ref: TeamRef) -> Team | None:
        item = self._teams.get(ref)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        return item[1]

    def put_team(self, ref: TeamRef, team: Team) -> None:
        self._teams[ref] = (time.monotonic(), team)
        self._teams.move_to_end(ref)
        while len(self._teams) > self.size:
            self._teams.popitem(last=False)

    def get(self, key: IdentityKey) -> Identity | None:
        item = self._items.get(key)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        return item[1]

    def put(self, key: IdentityKey, value: Identity) -> None:
        self._items[key] = (time.monotonic(), value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
        self._teams.clear()


@dataclass
class _Transaction:
    cache: IdentityCache
    listeners: list[AnswerListener] = field(default_factory=list)
    seen: dict[IdentityKey, Identity] = field(default_factory=dict)
    teams: dict[TeamRef, Team] = field(default_factory=dict)
    recorded: list[tuple[Attempt, Question]] = field(default_factory=list)

    def publish(self) -> None:
        """After commit: what this transaction resolved may be reused by the next ones, and its answers
        are told to the listeners. Only here: a group-commit batch that failed and was redone one by one
        publishes once, from the transaction that kept the answer."""
        for ref, team in self.teams.items():
            self.cache.put_team(ref, team)
        for key, identity in self.seen.items():
            self.cache.put(key, identity)
        for attempt, question in self.recorded:
            for listener in self.listeners:
                try:
                    listener(attempt, question)
                except Exception:  # an observer's trouble never fails the player's answer
                    log.exception("answer listener failed")


def note_recorded(uow: UnitOfWork, attempt: Attempt, question: Question) -> None:
    """An answer stored in `uow`: its listeners hear of it once the transaction commits."""
    txn = _open.get(id(uow))
    if txn is not None:
        txn.recorded.append((attempt, question))


_open: dict[int, _Transaction] = {}
"""The identity bookkeeping of each open unit of work, by id(uow) (a batch's works run in their callers'
contexts, so this cannot be a context variable)."""


@dataclass
class CoreContext:
    """The ports and policies shared by the use-case modules."""

    uow_factory: UnitOfWorkFactory
    catalog: QuestionCatalog
    grader: Grader
    clock: Clock
    announcers: Mapping[str, Announcer] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    identities: IdentityCache = field(default_factory=IdentityCache)
    group_commit: GroupCommit | None = None
    """Shares transactions between concurrent use cases; created from `uow_factory` when not given."""
    answer_listeners: list[AnswerListener] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.group_commit is None:
            # Through a lambda: `uow_factory` may be replaced later (tests swap in a failing database).
            self.group_commit = GroupCommit(
                lambda: self.uow_factory(), self._transact_one, scope=self._batch_scope
            )

    def now(self) -> datetime:
        return as_utc(self.clock.now())

    def question(self, question_id: str) -> Question:
        """The question, or `UnknownQuestion` with its id."""
        try:
            return self.catalog.get(question_id)
        except LookupError:
            raise UnknownQuestion(f"There is no question {question_id[:80]!r}.") from None

    def find_question(self, question_id: str) -> Question | None:
        try:
            return self.catalog.get(question_id)
        except LookupError:
            return None

    def grade(self, question: Question, answer: str) -> Grade:
        return self.grader(question, answer)

    async def transact(
        self,
        work: Callable[[UnitOfWork], Awaitable[T]],
        key: Hashable | None = None,
        *,
        background: bool = False,
    ) -> T:
        """Run `work` all-or-nothing and commit it, in a transaction shared with the use cases arriving at
        the same time (`group_commit`). `key` (see `lane_key`) keeps one player's requests in order on
        one lane: they never run in two transactions at once. `background` work (the scheduler's, not a
        person's) may wait a few milliseconds in a burst to share a bigger transaction."""
        if self.group_commit is None:
            return await self._transact_one(work)
        return await self.group_commit.run(work, key, background=background)

    async def _transact_one(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in its own unit of work and commit; retry once after a lost counted-attempt race."""
        for attempt in range(2):
            txn = _Transaction(self.identities, self.answer_listeners)
            try:
                async with self.uow_factory() as uow:
                    _open[id(uow)] = txn
                    try:
                        result = await work(uow)
                        await uow.commit()
                    finally:
                        _open.pop(id(uow), None)
                txn.publish()
                return result
            except AlreadyCounted:
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def _batch_scope(self, uow: UnitOfWork) -> Callable[[bool], None]:
        """Identity bookkeeping around a group-committed batch."""
        txn = _open[id(uow)] = _Transaction(self.identities, self.answer_listeners)

        def end(committed: bool) -> None:
            _open.pop(id(uow), None)
            if committed:
                txn.publish()

        return end

    async def read(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run read-only `work` in a unit of work that is rolled back."""
        async with self.uow_factory() as uow:
            return await work(uow)


def lane_key(player: Player) -> Hashable:
    """The group-commit key of a player's requests (see `CoreContext.transact`)."""
    return ("player", player.platform, player.team_id, player.user_id)


def team_ref_of(player: Player) -> TeamRef:
    return TeamRef(_clean_id(player.platform, "platform").lower(), _clean_id(player.team_id, "team id"))


async def resolve_player(uow: UnitOfWork, player: Player) -> tuple[Team, PlayerRecord]:
    """The stored team and player for an adapter's `Player`, created on first sight."""
    ref = team_ref_of(player)
    user_id = _clean_id(player.user_id, "user id")
    name = clean_text(player.display_name, MAX_NAME) or user_id[:MAX_NAME]
    key = (ref.platform, ref.external_id, user_id, name)
    txn = _open.get(id(uow))
    if txn is None:
        team = await uow.teams.get_or_create(ref)
        return team, await uow.players.get_or_create(team.id, user_id, name)
    cached = txn.seen.get(key) or txn.cache.get(key)
    if cached is not None:
        return cached
    team_hit = txn.teams.get(ref) or txn.cache.team(ref)
    team = team_hit or await uow.teams.get_or_create(ref)
    record = await uow.players.get_or_create(team.id, user_id, name)
    txn.teams[ref] = team
    txn.seen[key] = (team, record)
    return team, record


async def find_player(uow: UnitOfWork, player: Player) -> tuple[Team, PlayerRecord] | None:
    """The stored team and player, or None when either was never seen (read paths create nothing)."""
    ref = team_ref_of(player)
    team = await uow.teams.find(ref.platform, ref.external_id)
    if team is None:
        return None
    record = await uow.players.find(team.id, _clean_id(player.user_id, "user id"))
    return (team, record) if record else None
