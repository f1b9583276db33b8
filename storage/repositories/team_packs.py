"""Packs per team: each team's uploads (the YAML as sent) and the shipped packs it switched off.

Every query names the team, so one team's packs can never surface in another's. Listing leaves the YAML out
(processes compare digests and fetch only content they have not parsed yet); an upload is one upsert on
(team_id, name), and `lock` takes the team row FOR UPDATE on PostgreSQL so two uploads of one team are
checked for clashing ids one after the other (SQLite's BEGIN IMMEDIATE serialises writers already).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from bot.core.model import TeamPackRecord
from storage.repositories.base import Repository, json_list, prepared, str_tuple
from storage.tables import team_disabled_packs, team_packs, teams

_LISTED = [c for c in team_packs.c if c.name != "data"]


def _record(row: Any) -> TeamPackRecord:
    return TeamPackRecord(
        team_id=row.team_id,
        name=row.name,
        title=row.title,
        file_name=row.file_name,
        digest=row.digest,
        question_ids=str_tuple(row.question_ids),
        enabled=bool(row.enabled),
        uploaded_at=row.uploaded_at,
        uploaded_by=row.uploaded_by or "",
    )


class SqlTeamPacks(Repository):
    async def lock(self, team_id: int) -> None:
        if self.tx.dialect == "postgresql":
            await self.tx.execute(sa.select(teams.c.id).where(teams.c.id == team_id).with_for_update())

    async def list(self, team_id: int) -> list[TeamPackRecord]:
        query = prepared(self.tx, "team_packs.list", lambda _tx: sa.select(*_LISTED).where(
            team_packs.c.team_id == sa.bindparam("team_id")
        ).order_by(team_packs.c.name))
        return [_record(r) for r in (await self.tx.execute(query, {"team_id": team_id})).all()]

    async def sources(self, team_id: int, names: Collection[str]) -> dict[str, bytes]:
        wanted = sorted(set(names))
        if not wanted:
            return {}
        rows = await self.tx.all(
            sa.select(team_packs.c.name, team_packs.c.data).where(
                team_packs.c.team_id == team_id, team_packs.c.name.in_(wanted)
            )
        )
        return {r.name: bytes(r.data) for r in rows}

    async def save(self, record: TeamPackRecord, data: bytes) -> None:
        values = {
            "team_id": record.team_id,
            "name": record.name,
            "title": record.title,
            "file_name": record.file_name,
            "digest": record.digest,
            "question_ids": json_list(record.question_ids),
            "enabled": record.enabled,
            "data": bytes(data),
            "uploaded_at": record.uploaded_at,
            "uploaded_by": record.uploaded_by,
        }
        insert = self.tx.insert(team_packs).values(values)
        changed = {k: insert.excluded[k] for k in values if k not in ("team_id", "name")}
        await self.tx.execute(insert.on_conflict_do_update(index_elements=["team_id", "name"], set_=changed))

    async def set_enabled(self, team_id: int, name: str, enabled: bool) -> bool:
        row = await self.tx.first(
            sa.update(team_packs)
            .where(team_packs.c.team_id == team_id, team_packs.c.name == name)
            .values(enabled=enabled)
            .returning(team_packs.c.name)
        )
        return row is not None

    async def disabled_shipped(self, team_id: int) -> set[str]:
        query = prepared(self.tx, "team_packs.disabled_shipped", lambda _tx: sa.select(
            team_disabled_packs.c.name
        ).where(team_disabled_packs.c.team_id == sa.bindparam("team_id")))
        return {r.name for r in (await self.tx.execute(query, {"team_id": team_id})).all()}

    async def set_shipped_enabled(self, team_id: int, name: str, enabled: bool) -> None:
        if enabled:
            await self.tx.execute(
                sa.delete(team_disabled_packs).where(
                    team_disabled_packs.c.team_id == team_id, team_disabled_packs.c.name == name
                )
            )
            return
        insert = self.tx.insert(team_disabled_packs).values(team_id=team_id, name=name)
        await self.tx.execute(insert.on_conflict_do_nothing(index_elements=["team_id", "name"]))
