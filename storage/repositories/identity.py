"""Teams, players and groups: who plays, in which team and group.

Teams and players are created on first sight by whichever request sees them first; several requests (or
processes) may do so at once, so creation is `INSERT ... ON CONFLICT DO NOTHING` followed by a read, which
always lands on the one row the unique constraint allows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.core.errors import NotFound, StorageUnavailable
from bot.core.model import Group, PlayerRecord, Team, TeamRef
from storage import answer_statements as answer
from storage.repositories.base import Repository, bind
from storage.tables import group_memberships, groups, players, teams
from storage.transaction import Transaction


def _team(row: Any) -> Team:
    return Team(id=row.id, platform=row.platform, external_id=row.external_id, name=row.name,
                timezone=row.timezone)


def _player(row: Any) -> PlayerRecord:
    return PlayerRecord(id=row.id, team_id=row.team_id, user_id=row.user_id, display_name=row.display_name)


def _group(row: Any) -> Group:
    return Group(id=row.id, team_id=row.team_id, name=row.name)


def _team_insert(tx: Transaction) -> sa.Executable:
    values = {c: bind(teams.c[c]) for c in ("platform", "external_id", "name", "timezone")}
    return tx.insert(teams).values(values).on_conflict_do_nothing(
        index_elements=["platform", "external_id"]
    ).returning(*teams.c)


def _team_find(_tx: Transaction) -> sa.Executable:
    return sa.select(teams).where(teams.c.platform == bind(teams.c.platform),
                                  teams.c.external_id == bind(teams.c.external_id))


def _player_insert(tx: Transaction) -> sa.Executable:
    values = {c: bind(players.c[c]) for c in ("team_id", "user_id", "display_name")}
    return tx.insert(players).values(values).on_conflict_do_nothing(
        index_elements=["team_id", "user_id"]
    ).returning(*players.c)


def _player_find(_tx: Transaction) -> sa.Executable:
    return sa.select(players).where(players.c.team_id == bind(players.c.team_id),
                                    players.c.user_id == bind(players.c.user_id))


class SqlTeams(Repository):
    async def get_or_create(self, ref: TeamRef, timezone: str = "UTC") -> Team:
        found = await self.find(ref.platform, ref.external_id)
        if found is not None:
            return found
        rows = await self.read("teams.create", _team_insert, {
            "platform": ref.platform, "external_id": ref.external_id, "name": ref.name or ref.external_id,
            "timezone": timezone,
        })
        if rows:
            return _team(rows[0])
        found = await self.find(ref.platform, ref.external_id)
        if found is None:  # the concurrent creator rolled back between our insert and read
            raise StorageUnavailable("The team could not be created right now; please try again.")
        return found

    async def get(self, team_id: int) -> Team | None:
        row = await self.tx.first(sa.select(teams).where(teams.c.id == team_id))
        return _team(row) if row else None

    async def find(self, platform: str, external_id: str) -> Team | None:
        rows = await self.read("teams.find", _team_find, {"platform": platform, "external_id": external_id})
        return _team(rows[0]) if rows else None

    async def set_timezone(self, team_id: int, timezone: str) -> Team:
        row = await self.tx.first(
            sa.update(teams).where(teams.c.id == team_id).values(timezone=timezone).returning(*teams.c)
        )
        if row is None:
            raise NotFound("There is no such team.")
        return _team(row)


class SqlPlayers(Repository):
    async def get_or_create(self, team_id: int, user_id: str, display_name: str) -> PlayerRecord:
        values = {"team_id": team_id, "user_id": user_id, "display_name": display_name}
        if self.tx.dialect == "postgresql":  # one round trip whether the player is new or not
            rows = await self.read("players.resolve", answer.player_resolve, values)
            if rows and rows[0].inserted:
                self.tx.changes += 1
                self.tx.fresh_players.add(int(rows[0].id))
                return _player(rows[0])
            found = _player(rows[0]) if rows else await self.find(team_id, user_id)
        else:
            found = await self.find(team_id, user_id)
            if found is None:
                rows = await self.read("players.create", _player_insert, values)
                if rows:
                    self.tx.fresh_players.add(int(rows[0].id))
                    return _player(rows[0])
                found = await self.find(team_id, user_id)
        if found is None:
            raise StorageUnavailable("Your player could not be created right now; please try again.")
        if found.display_name == display_name:
            return found
        row = await self.tx.first(
            sa.update(players).where(players.c.id == found.id).values(display_name=display_name)
            .returning(*players.c)
        )
        return _player(row) if row else found

    async def get(self, player_id: int) -> PlayerRecord | None:
        row = await self.tx.first(sa.select(players).where(players.c.id == player_id))
        return _player(row) if row else None

    async def find(self, team_id: int, user_id: str) -> PlayerRecord | None:
        rows = await self.read("players.find", _player_find, {"team_id": team_id, "user_id": user_id})
        return _player(rows[0]) if rows else None


class SqlGroups(Repository):
    async def get_or_create(self, team_id: int, name: str) -> Group:
        found = await self.find(team_id, name)
        if found is not None:
            return found
        insert = (
            self.tx.insert(groups)
            .values(team_id=team_id, name=name)
            .on_conflict_do_nothing(index_elements=["team_id", "name"])
            .returning(*groups.c)
        )
        row = await self.tx.first(insert)
        if row is not None:
            return _group(row)
        found = await self.find(team_id, name)
        if found is None:
            raise StorageUnavailable("The group could not be created right now; please try again.")
        return found

    async def find(self, team_id: int, name: str) -> Group | None:
        row = await self.tx.first(sa.select(groups).where(groups.c.team_id == team_id, groups.c.name == name))
        return _group(row) if row else None

    async def list(self, team_id: int) -> list[Group]:
        rows = await self.tx.all(
            sa.select(groups).where(groups.c.team_id == team_id).order_by(groups.c.name, groups.c.id)
        )
        return [_group(r) for r in rows]

    async def join(self, group_id: int, player_id: int) -> None:
        upsert = self.tx.insert(group_memberships).values(player_id=player_id, group_id=group_id)
        await self.tx.execute(
            upsert.on_conflict_do_update(index_elements=["player_id"], set_={"group_id": group_id})
        )

    async def leave(self, player_id: int) -> Group | None:
        group = await self.of_player(player_id)
        await self.tx.execute(sa.delete(group_memberships).where(group_memberships.c.player_id == player_id))
        return group

    async def of_player(self, player_id: int) -> Group | None:
        row = await self.tx.first(
            sa.select(groups)
            .join(group_memberships, group_memberships.c.group_id == groups.c.id)
            .where(group_memberships.c.player_id == player_id)
        )
        return _group(row) if row else None
