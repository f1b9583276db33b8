"""Hand-written fakes of the core's ports: an in-memory database and unit of work, a fixed clock, a
recording announcer, and a small question catalog. They are also the reference behaviour of the ports
(uniqueness rules, ordering) that storage's repositories must match.

A unit of work works on a copy of the tables and writes it back on commit, so a failed use case leaves
nothing behind. Switches on `MemoryDatabase` simulate an unreachable database and lost races.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from bot.core.checking.grade import Grade, Verdict, verdict_for
from bot.core.errors import (
    AlreadyAnswered,
    AlreadyAppealed,
    AlreadyCounted,
    DailyClosed,
    DuplicateClaim,
    InvalidInput,
    NotFound,
    StaleQuestion,
    StorageUnavailable,
)
from bot.core.model import (
    Appeal,
    AppealDraft,
    AppealStatus,
    Attempt,
    AttemptDraft,
    DailyConfig,
    DailyPost,
    DailyPostDraft,
    DailyResults,
    DailyStatus,
    DayPoints,
    Group,
    LeaderboardRow,
    PlayerRecord,
    QuizSession,
    QuizSessionDraft,
    RevealClaim,
    ReviewCard,
    SessionState,
    Team,
    TeamPackRecord,
    TeamRef,
    TopicStats,
)
from questions.schema import Question


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@dataclass
class Tables:
    teams: dict[int, Team] = field(default_factory=dict)
    players: dict[int, PlayerRecord] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    memberships: dict[int, int] = field(default_factory=dict)  # player_id -> group_id
    attempts: dict[int, Attempt] = field(default_factory=dict)
    sessions: dict[int, QuizSession] = field(default_factory=dict)
    cards: dict[tuple[int, str], ReviewCard] = field(default_factory=dict)
    configs: dict[str, DailyConfig] = field(default_factory=dict)
    posts: dict[int, DailyPost] = field(default_factory=dict)
    appeals: dict[int, Appeal] = field(default_factory=dict)
    team_packs: dict[tuple[int, str], tuple[TeamPackRecord, bytes]] = field(default_factory=dict)
    disabled_packs: dict[tuple[int, str], bool] = field(default_factory=dict)
    writes: list[int] = field(default_factory=lambda: [0], compare=False, repr=False)
    """Changes made to this copy, and refusals a database would count as failed statements: the fake
    unit of work's `changes` (bot.core.group_commit.ChangeCounting)."""

    def copy(self) -> Tables:
        # Values are frozen dataclasses, so copying the dicts isolates a transaction.
        counter = [0]
        tables = {f.name: _CountingDict(getattr(self, f.name), counter)
                  for f in dataclasses.fields(self) if f.name != "writes"}
        return Tables(**tables, writes=counter)


class _CountingDict(dict[Any, Any]):
    """A dict that counts its mutations in a shared one-element list."""

    def __init__(self, data: dict[Any, Any], counter: list[int]) -> None:
        super().__init__(data)
        self._counter = counter

    def __setitem__(self, key: Any, value: Any) -> None:
        self._counter[0] += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self._counter[0] += 1
        super().__delitem__(key)

    def pop(self, *args: Any) -> Any:
        self._counter[0] += 1
        return super().pop(*args)


class MemoryDatabase:
    """The shared state behind every fake unit of work."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.ids = itertools.count(1)
        self.unavailable = False
        self.fail_commit = False
        self.hide_counted_once = False
        self.commits = 0
        self.lock = asyncio.Lock()
        """Units of work take turns (like SQLite's writers): a copy-on-open fake cannot merge two
        transactions that ran at the same time, so it does not let them."""

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def check(self) -> None:
        if self.unavailable:
            raise StorageUnavailable()

    def next_id(self) -> int:
        return next(self.ids)


class _Repo:
    def __init__(self, db: MemoryDatabase, t: Tables) -> None:
        self.db = db
        self.t = t

    def _ok(self) -> None:
        self.db.check()

    def _refused(self, err: Exception) -> Exception:
        """A refusal a database would report as a failed statement (it counts as a change)."""
        self.t.writes[0] += 1
        return err


class FakeTeams(_Repo):
    async def get_or_create(self, ref: TeamRef, timezone: str = "UTC") -> Team:
        self._ok()
        found = await self.find(ref.platform, ref.external_id)
        if found:
            return found
        team = Team(self.db.next_id(), ref.platform, ref.external_id, ref.name or ref.external_id, timezone)
        self.t.teams[team.id] = team
        return team

    async def get(self, team_id: int) -> Team | None:
        self._ok()
        return self.t.teams.get(team_id)

    async def find(self, platform: str, external_id: str) -> Team | None:
        self._ok()
        key = (platform, external_id)
        return next((t for t in self.t.teams.values() if (t.platform, t.external_id) == key), None)

    async def set_timezone(self, team_id: int, timezone: str) -> Team:
        self._ok()
        team = dataclasses.replace(self.t.teams[team_id], timezone=timezone)
        self.t.teams[team_id] = team
        return team


class FakePlayers(_Repo):
    async def get_or_create(self, team_id: int, user_id: str, display_name: str) -> PlayerRecord:
        self._ok()
        found = await self.find(team_id, user_id)
        if found and found.display_name == display_name:
            return found
        record = PlayerRecord(found.id if found else self.db.next_id(), team_id, user_id, display_name)
        self.t.players[record.id] = record
        return record

    async def get(self, player_id: int) -> PlayerRecord | None:
        self._ok()
        return self.t.players.get(player_id)

    async def find(self, team_id: int, user_id: str) -> PlayerRecord | None:
        self._ok()
        key = (team_id, user_id)
        return next((p for p in self.t.players.values() if (p.team_id, p.user_id) == key), None)


class FakeGroups(_Repo):
    async def get_or_create(self, team_id: int, name: str) -> Group:
        self._ok()
        found = await self.find(team_id, name)
        if found:
            return found
        group = Group(self.db.next_id(), team_id, name)
        self.t.groups[group.id] = group
        return group

    async def find(self, team_id: int, name: str) -> Group | None:
        self._ok()
        return next((g for g in self.t.groups.values() if (g.team_id, g.name) == (team_id, name)), None)

    async def list(self, team_id: int) -> list[Group]:
        self._ok()
        return sorted((g for g in self.t.groups.values() if g.team_id == team_id), key=lambda g: g.name)

    async def join(self, group_id: int, player_id: int) -> None:
        self._ok()
        self.t.memberships[player_id] = group_id

    async def leave(self, player_id: int) -> Group | None:
        self._ok()
        group_id = self.t.memberships.pop(player_id, None)
        return self.t.groups.get(group_id) if group_id else None

    async def of_player(self, player_id: int) -> Group | None:
        self._ok()
        group_id = self.t.memberships.get(player_id)
        return self.t.groups.get(group_id) if group_id else None


class FakeAttempts(_Repo):
    async def add(self, draft: AttemptDraft) -> Attempt:
        self._ok()
        for a in self.t.attempts.values():
            if draft.daily_post_id is not None and (a.daily_post_id, a.player_id) == (
                draft.daily_post_id, draft.player_id
            ):
                raise self._refused(AlreadyAnswered())
            same_question = (a.player_id, a.question_id) == (draft.player_id, draft.question_id)
            if draft.counted and a.counted and same_question:
                raise self._refused(AlreadyCounted())
        fields = {f.name: getattr(draft, f.name) for f in dataclasses.fields(AttemptDraft)}
        attempt = Attempt(**fields, id=self.db.next_id())
        self.t.attempts[attempt.id] = attempt
        return attempt

    async def get(self, attempt_id: int) -> Attempt | None:
        self._ok()
        return self.t.attempts.get(attempt_id)

    def _of(self, player_id: int) -> list[Attempt]:
        return [a for a in self.t.attempts.values() if a.player_id == player_id]

    async def latest_for_player(self, player_id: int) -> Attempt | None:
        self._ok()
        return max(self._of(player_id), key=lambda a: (a.created_at, a.id), default=None)

    async def has_counted(self, player_id: int, question_id: str) -> bool:
        self._ok()
        if self.db.hide_counted_once:
            self.db.hide_counted_once = False
            return False
        return any(a.counted and a.question_id == question_id for a in self._of(player_id))

    async def answered_question_ids(self, player_id: int) -> set[str]:
        self._ok()
        return {a.question_id for a in self._of(player_id)}

    async def daily_answer(self, daily_post_id: int, player_id: int) -> Attempt | None:
        self._ok()
        return next((a for a in self._of(player_id) if a.daily_post_id == daily_post_id), None)

    async def for_daily_post(self, daily_post_id: int) -> list[Attempt]:
        self._ok()
        return sorted((a for a in self.t.attempts.values() if a.daily_post_id == daily_post_id),
                      key=lambda a: a.id)

    async def correct_grade(self, attempt_id: int, score: float, verdict: Verdict, points: int) -> Attempt:
        self._ok()
        if attempt_id not in self.t.attempts:
            raise NotFound()
        fixed = dataclasses.replace(self.t.attempts[attempt_id], score=score, verdict=verdict, points=points)
        self.t.attempts[attempt_id] = fixed
        return fixed

    async def totals(self, player_id: int) -> tuple[int, int, int]:
        self._ok()
        mine = self._of(player_id)
        return len(mine), sum(a.verdict == Verdict.CORRECT for a in mine), sum(a.points for a in mine)

    async def topic_stats(self, player_id: int) -> list[TopicStats]:
        self._ok()
        by: dict[str, list[Attempt]] = defaultdict(list)
        for a in self._of(player_id):
            for topic in a.topics:
                by[topic].append(a)
        return [
            TopicStats(t, len(xs), sum(x.verdict == Verdict.CORRECT for x in xs),
                       sum(x.score for x in xs) / len(xs))
            for t, xs in sorted(by.items())
        ]

    async def points_by_day(self, player_id: int, since: date | None = None) -> list[DayPoints]:
        self._ok()
        by: dict[date, list[Attempt]] = defaultdict(list)
        for a in self._of(player_id):
            if since is None or a.local_date >= since:
                by[a.local_date].append(a)
        return [DayPoints(d, sum(a.points for a in xs), len(xs)) for d, xs in sorted(by.items())]

    async def active_dates(self, player_id: int, since: date) -> list[date]:
        self._ok()
        return sorted({a.local_date for a in self._of(player_id) if a.local_date >= since})


class FakeSessions(_Repo):
    async def add(self, draft: QuizSessionDraft) -> QuizSession:
        self._ok()
        fields = {f.name: getattr(draft, f.name) for f in dataclasses.fields(QuizSessionDraft)}
        session = QuizSession(**fields, id=self.db.next_id(), updated_at=draft.created_at)
        mine = [s for s in self.t.sessions.values() if s.player_id == session.player_id]
        if any(s.state == SessionState.ACTIVE for s in mine):
            raise self._refused(InvalidInput("two active sessions"))  # the core must stop the old one first
        self.t.sessions[session.id] = session
        return session

    async def get(self, session_id: int) -> QuizSession | None:
        self._ok()
        return self.t.sessions.get(session_id)

    async def active_for(self, player_id: int) -> QuizSession | None:
        self._ok()
        return next((s for s in self.t.sessions.values()
                     if s.player_id == player_id and s.state == SessionState.ACTIVE), None)

    async def save(self, session: QuizSession, expected: QuizSession | None = None) -> QuizSession:
        self._ok()
        stored = self.t.sessions[session.id]
        if expected is not None and (stored.position, stored.hints_used, stored.state) != (
            expected.position, expected.hints_used, expected.state
        ):
            raise self._refused(StaleQuestion())
        updated = dataclasses.replace(
            stored, position=session.position, hints_used=session.hints_used, state=session.state,
            answered=session.answered, skipped=session.skipped, points=session.points,
            updated_at=session.updated_at,
        )
        self.t.sessions[session.id] = updated
        return updated


class FakeReviews(_Repo):
    async def get(self, player_id: int, question_id: str) -> ReviewCard | None:
        self._ok()
        return self.t.cards.get((player_id, question_id))

    async def save(self, card: ReviewCard) -> None:
        self._ok()
        self.t.cards[(card.player_id, card.question_id)] = card

    async def due(self, player_id: int, now: datetime, limit: int) -> list[ReviewCard]:
        self._ok()
        due = [c for c in self.t.cards.values() if c.player_id == player_id and c.due <= now]
        return sorted(due, key=lambda c: (c.due, c.question_id))[:limit]

    async def count_due(self, player_id: int, now: datetime) -> int:
        self._ok()
        return sum(1 for c in self.t.cards.values() if c.player_id == player_id and c.due <= now)


class FakeDailyConfigs(_Repo):
    async def get(self, channel_ref: str) -> DailyConfig | None:
        self._ok()
        return self.t.configs.get(channel_ref)

    async def save(self, config: DailyConfig) -> None:
        self._ok()
        old = self.t.configs.get(config.channel_ref)
        revision = old.revision + 1 if old is not None else 1
        self.t.configs[config.channel_ref] = dataclasses.replace(config, revision=revision)

    async def list_enabled(self) -> list[DailyConfig]:
        self._ok()
        return [c for c in self.t.configs.values() if c.enabled]

    async def list_for_team(self, team_id: int) -> list[DailyConfig]:
        self._ok()
        return [c for c in self.t.configs.values() if c.team_id == team_id]


class FakeDailyPosts(_Repo):
    async def claim(self, draft: DailyPostDraft, stale_before: datetime | None = None) -> DailyPost:
        self._ok()
        existing = await self.for_date(draft.channel_ref, draft.local_date)
        if existing is not None:
            stale = stale_before is not None and existing.claimed_at < stale_before
            if existing.status != DailyStatus.CLAIMED or not stale:
                raise self._refused(DuplicateClaim())
            taken = dataclasses.replace(existing, claimed_at=draft.claimed_at, reveal_at=draft.reveal_at,
                                        first_claimed_at=existing.first_claimed_at or existing.claimed_at)
            self.t.posts[taken.id] = taken
            return taken
        fields = {f.name: getattr(draft, f.name) for f in dataclasses.fields(DailyPostDraft)}
        post = DailyPost(**fields, id=self.db.next_id())
        self.t.posts[post.id] = post
        return post

    async def claim_if_config(self, draft: DailyPostDraft, revision: int) -> DailyPost | None:
        self._ok()
        config = self.t.configs.get(draft.channel_ref)
        if config is None or not config.enabled or config.revision != revision:
            return None
        if await self.for_date(draft.channel_ref, draft.local_date) is not None:
            return None
        return await self.claim(draft)

    def _set(self, post_id: int, **changes: Any) -> DailyPost:
        if post_id not in self.t.posts:
            raise NotFound()
        post = dataclasses.replace(self.t.posts[post_id], **changes)
        self.t.posts[post_id] = post
        return post

    async def mark_posted(self, post_id: int, message_ref: str, posted_at: datetime) -> DailyPost:
        self._ok()
        return self._set(post_id, status=DailyStatus.POSTED, message_ref=message_ref, posted_at=posted_at)

    async def expire(self, post_id: int, claimed_at: datetime) -> None:
        self._ok()
        post = self.t.posts.get(post_id)
        if post is not None and post.status == DailyStatus.CLAIMED:
            first = post.first_claimed_at or post.claimed_at
            self._set(post_id, first_claimed_at=first, claimed_at=claimed_at)

    async def close(self, post_id: int, closed_at: datetime) -> DailyPost:
        self._ok()
        post = self.t.posts.get(post_id)
        if post is None:
            raise NotFound()
        if post.status != DailyStatus.POSTED:
            raise self._refused(DailyClosed())
        return self._set(post_id, status=DailyStatus.CLOSED, closed_at=closed_at)

    async def claim_reveal(self, post_id: int, now: datetime, stale_before: datetime) -> RevealClaim | None:
        self._ok()
        post = self.t.posts.get(post_id)
        if post is None or post.status != DailyStatus.CLOSED or post.reveal_ref is not None:
            return None
        earlier = post.reveal_claimed_at
        if earlier is not None and earlier >= stale_before:
            return None
        return RevealClaim(self._set(post_id, reveal_claimed_at=now), taken_over=earlier is not None)

    async def expire_reveal(self, post_id: int, claimed_at: datetime, expired_at: datetime) -> None:
        self._ok()
        post = self.t.posts.get(post_id)
        if post is not None and post.reveal_ref is None and post.reveal_claimed_at == claimed_at:
            self._set(post_id, reveal_claimed_at=expired_at)

    async def set_reveal_ref(self, post_id: int, reveal_ref: str) -> None:
        self._ok()
        self._set(post_id, reveal_ref=reveal_ref)

    async def get(self, post_id: int) -> DailyPost | None:
        self._ok()
        return self.t.posts.get(post_id)

    async def for_date(self, channel_ref: str, local_date: date) -> DailyPost | None:
        self._ok()
        return next((p for p in self.t.posts.values()
                     if (p.channel_ref, p.local_date) == (channel_ref, local_date)), None)

    async def latest(self, channel_ref: str) -> DailyPost | None:
        self._ok()
        mine = [p for p in self.t.posts.values() if p.channel_ref == channel_ref]
        return max(mine, key=lambda p: p.local_date, default=None)

    async def open_posts(self) -> list[DailyPost]:
        self._ok()
        return [p for p in self.t.posts.values() if p.status == DailyStatus.POSTED]

    async def unrevealed(self, stale_before: datetime | None = None) -> list[DailyPost]:
        self._ok()

        def free(p: DailyPost) -> bool:
            return stale_before is None or p.reveal_claimed_at is None or p.reveal_claimed_at < stale_before

        posts = [p for p in self.t.posts.values() if p.status == DailyStatus.CLOSED and p.reveal_ref is None]
        return sorted((p for p in posts if free(p)), key=lambda p: p.id)

    async def recent_question_ids(self, team_id: int, since: date) -> set[str]:
        self._ok()
        posts = self.t.posts.values()
        return {p.question_id for p in posts if p.team_id == team_id and p.local_date >= since}


class FakeAppeals(_Repo):
    async def add(self, draft: AppealDraft) -> Appeal:
        self._ok()
        if any(a.attempt_id == draft.attempt_id for a in self.t.appeals.values()):
            raise self._refused(AlreadyAppealed())
        fields = {f.name: getattr(draft, f.name) for f in dataclasses.fields(AppealDraft)}
        appeal = Appeal(**fields, id=self.db.next_id())
        self.t.appeals[appeal.id] = appeal
        return appeal

    async def get(self, appeal_id: int) -> Appeal | None:
        self._ok()
        return self.t.appeals.get(appeal_id)

    async def list(self, team_id: int, status: AppealStatus | None = None) -> list[Appeal]:
        self._ok()
        return sorted((a for a in self.t.appeals.values()
                       if a.team_id == team_id and (status is None or a.status == status)),
                      key=lambda a: (a.created_at, a.id))

    async def resolve(self, appeal_id: int, status: AppealStatus, resolver: str, note: str,
                      corrected_score: float | None, resolved_at: datetime) -> Appeal:
        self._ok()
        appeal = self.t.appeals.get(appeal_id)
        if appeal is None:
            raise NotFound()
        if appeal.status != AppealStatus.OPEN:
            raise InvalidInput("already resolved")
        done = dataclasses.replace(appeal, status=status, resolver=resolver, note=note,
                                   corrected_score=corrected_score, resolved_at=resolved_at)
        self.t.appeals[appeal_id] = done
        return done


class FakeLeaderboard(_Repo):
    def _rows(self, team_id: int, since_utc: datetime | None, topic: str | None,
              group_id: int | None) -> list[LeaderboardRow]:
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for a in self.t.attempts.values():
            if a.team_id != team_id or (since_utc is not None and a.created_at < since_utc):
                continue
            if topic is not None and topic not in a.topics:
                continue
            if group_id is not None and self.t.memberships.get(a.player_id) != group_id:
                continue
            row = sums[a.player_id]
            row[0] += a.points
            row[1] += 1
            row[2] += a.verdict == Verdict.CORRECT
        ordered = sorted(sums.items(), key=lambda kv: (-kv[1][0], -kv[1][2], kv[0]))
        return [LeaderboardRow(i + 1, pid, self.t.players[pid].display_name, v[0], v[1], v[2])
                for i, (pid, v) in enumerate(ordered)]

    async def top(self, team_id: int, since_utc: datetime | None, topic: str | None, group_id: int | None,
                  limit: int, since_local_date: date | None = None) -> list[LeaderboardRow]:
        self._ok()
        return self._rows(team_id, since_utc, topic, group_id)[:limit]

    async def row_of(self, team_id: int, player_id: int, since_utc: datetime | None, topic: str | None,
                     group_id: int | None, since_local_date: date | None = None) -> LeaderboardRow | None:
        self._ok()
        rows = self._rows(team_id, since_utc, topic, group_id)
        return next((r for r in rows if r.player_id == player_id), None)


class FakeTeamPacks(_Repo):
    async def lock(self, team_id: int) -> None:
        self._ok()

    async def list(self, team_id: int) -> list[TeamPackRecord]:
        self._ok()
        mine = [r for r, _ in self.t.team_packs.values() if r.team_id == team_id]
        return sorted(mine, key=lambda r: r.name)

    async def sources(self, team_id: int, names: Collection[str]) -> dict[str, bytes]:
        self._ok()
        return {n: self.t.team_packs[(team_id, n)][1] for n in names if (team_id, n) in self.t.team_packs}

    async def save(self, record: TeamPackRecord, data: bytes) -> None:
        self._ok()
        self.t.team_packs[(record.team_id, record.name)] = (record, bytes(data))

    async def set_enabled(self, team_id: int, name: str, enabled: bool) -> bool:
        self._ok()
        found = self.t.team_packs.get((team_id, name))
        if found is None:
            return False
        self.t.team_packs[(team_id, name)] = (dataclasses.replace(found[0], enabled=enabled), found[1])
        return True

    async def disabled_shipped(self, team_id: int) -> set[str]:
        self._ok()
        return {name for (team, name) in self.t.disabled_packs if team == team_id}

    async def set_shipped_enabled(self, team_id: int, name: str, enabled: bool) -> None:
        self._ok()
        if enabled:
            self.t.disabled_packs.pop((team_id, name), None)
        else:
            self.t.disabled_packs[(team_id, name)] = True


class FakeUnitOfWork:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db
        self.committed = False

    async def __aenter__(self) -> Self:
        await self.db.lock.acquire()
        try:
            self.db.check()
        except BaseException:
            self.db.lock.release()
            raise
        self.t = self.db.tables.copy()
        self.teams = FakeTeams(self.db, self.t)
        self.players = FakePlayers(self.db, self.t)
        self.groups = FakeGroups(self.db, self.t)
        self.attempts = FakeAttempts(self.db, self.t)
        self.sessions = FakeSessions(self.db, self.t)
        self.reviews = FakeReviews(self.db, self.t)
        self.daily_configs = FakeDailyConfigs(self.db, self.t)
        self.daily_posts = FakeDailyPosts(self.db, self.t)
        self.appeals = FakeAppeals(self.db, self.t)
        self.leaderboard = FakeLeaderboard(self.db, self.t)
        self.team_packs = FakeTeamPacks(self.db, self.t)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.db.lock.release()  # uncommitted changes live only in self.t and vanish

    async def commit(self) -> None:
        self.db.check()
        if self.db.fail_commit:
            raise StorageUnavailable()
        self.db.tables = self.t
        self.db.commits += 1
        self.t = self.t.copy()
        for repo in (self.teams, self.players, self.groups, self.attempts, self.sessions, self.reviews,
                     self.daily_configs, self.daily_posts, self.appeals, self.leaderboard, self.team_packs):
            repo.t = self.t

    async def rollback(self) -> None:
        self.t = self.db.tables.copy()

    @property
    def changes(self) -> int:
        return self.t.writes[0]


class RecordingAnnouncer:
    """Records what the core posts; `fail_next` makes the next post raise like a platform outage."""

    def __init__(self) -> None:
        self.questions: list[tuple[str, Question, DailyPost]] = []
        self.reveals: list[tuple[str, str, DailyResults]] = []
        self.fail_next = False

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("platform is down")
        self.questions.append((channel_ref, question, daily_post))
        return f"msg-{len(self.questions)}"

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        self.reveals.append((channel_ref, message_ref, results))
        return f"reveal-{len(self.reveals)}"


class ListCatalog:
    """A question catalog over a fixed list, with the store's LookupError on unknown ids."""

    def __init__(self, questions: list[Question]) -> None:
        self.questions = list(questions)
        self.disabled: set[str] = set()

    def get(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id and q.id not in self.disabled:
                return q
        raise LookupError(f"unknown question {question_id!r}")

    def all(self) -> list[Question]:
        return [q for q in self.questions if q.id not in self.disabled]


def choice_grader(question: Question, answer: str) -> Grade:
    """A stand-in checker for choice and true/false questions only: full credit for the right letter."""
    text = answer.strip().lower()
    if question.truth is not None:
        right = text in (("true", "yes", "t") if question.truth else ("false", "no", "f"))
    else:
        right = text in {c.lower() for c in question.correct or []}
    score = 1.0 if right else 0.0
    return Grade(score, verdict_for(score))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
