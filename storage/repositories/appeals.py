"""Appeals of a grade: one per attempt (unique attempt_id), resolved once (a conditional UPDATE)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.core.errors import InvalidInput, NotFound
from bot.core.model import Appeal, AppealDraft, AppealStatus
from bot.core.timekeeping import as_utc
from storage.repositories.base import Repository
from storage.tables import appeals


def _appeal(row: Any) -> Appeal:
    return Appeal(
        id=row.id,
        attempt_id=row.attempt_id,
        player_id=row.player_id,
        team_id=row.team_id,
        reason=row.reason,
        created_at=row.created_at,
        status=AppealStatus(row.status),
        resolved_at=row.resolved_at,
        resolver=row.resolver,
        note=row.note,
        corrected_score=row.corrected_score,
    )


class SqlAppeals(Repository):
    async def add(self, draft: AppealDraft) -> Appeal:
        row = await self.tx.first(
            sa.insert(appeals).values(
                attempt_id=draft.attempt_id, player_id=draft.player_id, team_id=draft.team_id,
                reason=draft.reason, created_at=as_utc(draft.created_at), status=AppealStatus.OPEN.value,
                note="",
            ).returning(*appeals.c)
        )
        assert row is not None
        return _appeal(row)

    async def get(self, appeal_id: int) -> Appeal | None:
        row = await self.tx.first(sa.select(appeals).where(appeals.c.id == appeal_id))
        return _appeal(row) if row else None

    async def list(self, team_id: int, status: AppealStatus | None = None) -> list[Appeal]:
        query = sa.select(appeals).where(appeals.c.team_id == team_id)
        if status is not None:
            query = query.where(appeals.c.status == AppealStatus(status).value)
        rows = await self.tx.all(query.order_by(appeals.c.created_at, appeals.c.id))
        return [_appeal(r) for r in rows]

    async def resolve(
        self,
        appeal_id: int,
        status: AppealStatus,
        resolver: str,
        note: str,
        corrected_score: float | None,
        resolved_at: datetime,
    ) -> Appeal:
        row = await self.tx.first(
            sa.update(appeals)
            .where(appeals.c.id == appeal_id, appeals.c.status == AppealStatus.OPEN.value)
            .values(status=AppealStatus(status).value, resolver=resolver, note=note,
                    corrected_score=corrected_score, resolved_at=as_utc(resolved_at))
            .returning(*appeals.c)
        )
        if row is not None:
            return _appeal(row)
        existing = await self.get(appeal_id)
        if existing is None:
            raise NotFound(f"There is no appeal #{appeal_id}.")
        raise InvalidInput(f"Appeal #{appeal_id} is already {existing.status.value}.")
