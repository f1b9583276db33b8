"""Daily question settings per channel and the daily posts themselves.

A post row is claimed before anything is posted; the unique (channel_ref, local_date) makes the claim the
one place that decides "exactly one question per channel per day" across restarts and processes. State
changes (take over a stale claim, close) are conditional UPDATEs, so two processes cannot both win.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.core.errors import DailyClosed, DuplicateClaim, NotFound
from bot.core.model import DailyConfig, DailyPost, DailyPostDraft, DailyStatus, RevealClaim
from bot.core.timekeeping import as_utc
from storage import daily_statements as daily
from storage.repositories.base import Repository, int_tuple, str_tuple
from storage.tables import daily_configs, daily_posts
from storage.transaction import Transaction


def _config(row: Any) -> DailyConfig:
    return DailyConfig(
        channel_ref=row.channel_ref,
        team_id=row.team_id,
        post_time=row.post_time,
        timezone=row.timezone,
        weekdays=int_tuple(row.weekdays),
        topics=str_tuple(row.topics),
        difficulty=row.difficulty,
        reveal_after=timedelta(seconds=int(row.reveal_after_seconds)),
        enabled=bool(row.enabled),
        revision=int(row.revision),
    )


def _post(row: Any) -> DailyPost:
    return DailyPost(
        id=row.id,
        channel_ref=row.channel_ref,
        team_id=row.team_id,
        local_date=row.local_date,
        question_id=row.question_id,
        claimed_at=row.claimed_at,
        reveal_at=row.reveal_at,
        status=DailyStatus(row.status),
        message_ref=row.message_ref,
        posted_at=row.posted_at,
        closed_at=row.closed_at,
        reveal_ref=row.reveal_ref,
        first_claimed_at=row.first_claimed_at,
        reveal_claimed_at=row.reveal_claimed_at,
    )


class SqlDailyConfigs(Repository):
    async def get(self, channel_ref: str) -> DailyConfig | None:
        rows = await self.read("daily_configs.get", daily.config_get, {"channel_ref": channel_ref})
        return _config(rows[0]) if rows else None

    async def save(self, config: DailyConfig) -> None:
        values = {
            "channel_ref": config.channel_ref,
            "team_id": config.team_id,
            "post_time": config.post_time.replace(tzinfo=None),
            "timezone": config.timezone,
            "weekdays": list(config.weekdays),
            "topics": list(config.topics),
            "difficulty": config.difficulty,
            "reveal_after_seconds": round(config.reveal_after.total_seconds()),
            "enabled": config.enabled,
        }
        insert = self.tx.insert(daily_configs).values(values)
        changes: dict[str, Any] = {k: insert.excluded[k] for k in values if k != "channel_ref"}
        changes["revision"] = daily_configs.c.revision + 1
        await self.tx.execute(
            insert.on_conflict_do_update(index_elements=["channel_ref"], set_=changes)
        )

    async def list_enabled(self) -> list[DailyConfig]:
        rows = await self.tx.all(
            sa.select(daily_configs).where(daily_configs.c.enabled).order_by(daily_configs.c.channel_ref)
        )
        return [_config(r) for r in rows]

    async def list_for_team(self, team_id: int) -> list[DailyConfig]:
        rows = await self.tx.all(
            sa.select(daily_configs).where(daily_configs.c.team_id == team_id)
            .order_by(daily_configs.c.channel_ref)
        )
        return [_config(r) for r in rows]


def _post_by_id(_tx: Transaction) -> sa.Executable:
    return sa.select(daily_posts).where(daily_posts.c.id == sa.bindparam("id", type_=daily_posts.c.id.type))


def _claim_values(draft: DailyPostDraft) -> dict[str, Any]:
    return {
        "channel_ref": draft.channel_ref, "team_id": draft.team_id, "local_date": draft.local_date,
        "question_id": draft.question_id, "status": DailyStatus.CLAIMED.value,
        "claimed_at": as_utc(draft.claimed_at), "reveal_at": as_utc(draft.reveal_at),
    }


class SqlDailyPosts(Repository):
    async def claim(self, draft: DailyPostDraft, stale_before: datetime | None = None) -> DailyPost:
        self.tx.memo.clear()
        values = _claim_values(draft)
        rows = await self.fetch("daily_posts.claim", daily.claim, values)
        if rows:
            return _post(rows[0])
        if stale_before is not None:
            values["claimed_status"] = DailyStatus.CLAIMED.value
            values["stale_before"] = as_utc(stale_before)
            rows = await self.fetch("daily_posts.take_over", daily.take_over, values)
            if rows:
                return _post(rows[0])
        raise DuplicateClaim()

    async def claim_if_config(self, draft: DailyPostDraft, revision: int) -> DailyPost | None:
        self.tx.memo.clear()
        values = {**_claim_values(draft), "config_ref": draft.channel_ref, "revision": revision}
        rows = await self.fetch("daily_posts.claim_if_config", daily.claim_if_config, values)
        return _post(rows[0]) if rows else None

    async def _set(self, post_id: int, **values: Any) -> DailyPost:
        self.tx.memo.clear()
        row = await self.tx.first(
            sa.update(daily_posts).where(daily_posts.c.id == post_id).values(**values)
            .returning(*daily_posts.c)
        )
        if row is None:
            raise NotFound("There is no such daily question.")
        return _post(row)

    async def mark_posted(self, post_id: int, message_ref: str, posted_at: datetime) -> DailyPost:
        self.tx.memo.clear()
        values = {"id": post_id, "status": DailyStatus.POSTED.value, "message_ref": message_ref,
                  "posted_at": as_utc(posted_at)}
        rows = await self.fetch("daily_posts.mark_posted", daily.mark_posted, values)
        if not rows:
            raise NotFound("There is no such daily question.")
        return _post(rows[0])

    async def expire(self, post_id: int, claimed_at: datetime) -> None:
        self.tx.memo.clear()
        values = {"id": post_id, "status": DailyStatus.CLAIMED.value, "claimed_at": as_utc(claimed_at)}
        await self.fetch("daily_posts.expire", daily.expire, values)

    async def close(self, post_id: int, closed_at: datetime) -> DailyPost:
        self.tx.memo.clear()
        row = await self.tx.first(
            sa.update(daily_posts)
            .where(daily_posts.c.id == post_id, daily_posts.c.status == DailyStatus.POSTED.value)
            .values(status=DailyStatus.CLOSED.value, closed_at=as_utc(closed_at))
            .returning(*daily_posts.c)
        )
        if row is not None:
            return _post(row)
        if await self.get(post_id) is None:
            raise NotFound("There is no such daily question.")
        raise DailyClosed()

    async def claim_reveal(self, post_id: int, now: datetime, stale_before: datetime) -> RevealClaim | None:
        """The reveal claim, taken by a conditional UPDATE: of two processes, one gets the row back.

        Two statements, so `taken_over` is exact without reading the old value (which RETURNING cannot
        give): the first takes a row that never had a reveal claim, the second one whose claim is stale.
        Each is atomic on the row, so whichever matched tells what the claim replaced."""
        self.tx.memo.clear()
        c = daily_posts.c
        open_reveal = (c.id == post_id, c.status == DailyStatus.CLOSED.value, c.reveal_ref.is_(None))
        for taken_over, free in ((False, c.reveal_claimed_at.is_(None)),
                                 (True, c.reveal_claimed_at < as_utc(stale_before))):
            row = await self.tx.first(
                sa.update(daily_posts).where(*open_reveal, free)
                .values(reveal_claimed_at=as_utc(now)).returning(*daily_posts.c)
            )
            if row is not None:
                return RevealClaim(_post(row), taken_over)
        return None

    async def expire_reveal(self, post_id: int, claimed_at: datetime, expired_at: datetime) -> None:
        """Only our own claim (still at `claimed_at`): one taken over meanwhile stays with its owner."""
        self.tx.memo.clear()
        c = daily_posts.c
        await self.tx.execute(
            sa.update(daily_posts)
            .where(c.id == post_id, c.reveal_ref.is_(None), c.reveal_claimed_at == as_utc(claimed_at))
            .values(reveal_claimed_at=as_utc(expired_at))
        )

    async def set_reveal_ref(self, post_id: int, reveal_ref: str) -> None:
        await self._set(post_id, reveal_ref=reveal_ref)

    async def get(self, post_id: int) -> DailyPost | None:
        """By id. Remembered for the rest of the transaction (a group commit runs many answers to the same
        post in one) until this repository changes a post."""
        memo = self.tx.memo
        key = ("daily_posts.get", post_id)
        if key in memo:
            cached: DailyPost | None = memo[key]
            return cached
        rows = await self.read("daily_posts.get", _post_by_id, {"id": post_id})
        post = _post(rows[0]) if rows else None
        memo[key] = post
        return post

    async def for_date(self, channel_ref: str, local_date: date) -> DailyPost | None:
        row = await self.tx.first(
            sa.select(daily_posts).where(daily_posts.c.channel_ref == channel_ref,
                                         daily_posts.c.local_date == local_date)
        )
        return _post(row) if row else None

    async def latest(self, channel_ref: str) -> DailyPost | None:
        row = await self.tx.first(
            sa.select(daily_posts).where(daily_posts.c.channel_ref == channel_ref)
            .order_by(daily_posts.c.local_date.desc()).limit(1)
        )
        return _post(row) if row else None

    async def open_posts(self) -> list[DailyPost]:
        rows = await self.tx.all(
            sa.select(daily_posts).where(daily_posts.c.status == DailyStatus.POSTED.value)
            .order_by(daily_posts.c.reveal_at, daily_posts.c.id)
        )
        return [_post(r) for r in rows]

    async def unrevealed(self, stale_before: datetime | None = None) -> list[DailyPost]:
        """CLOSED posts whose reveal was never posted (the platform failed), for the scheduler to retry;
        with `stale_before`, not those whose reveal claim is fresher (someone is posting it now)."""
        c = daily_posts.c
        conditions = [c.status == DailyStatus.CLOSED.value, c.reveal_ref.is_(None)]
        if stale_before is not None:
            conditions.append(
                sa.or_(c.reveal_claimed_at.is_(None), c.reveal_claimed_at < as_utc(stale_before))
            )
        rows = await self.tx.all(sa.select(daily_posts).where(*conditions).order_by(c.id))
        return [_post(r) for r in rows]

    async def recent_question_ids(self, team_id: int, since: date) -> set[str]:
        rows = await self.read("daily_posts.recent_question_ids", daily.recent_question_ids,
                               {"team_id": team_id, "since": since})
        return {r.question_id for r in rows}
