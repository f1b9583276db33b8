"""Groups within a team (study groups, squads) for group-vs-group leaderboards; a player is in one at most."""

from __future__ import annotations

from bot.core.context import CoreContext, clean_text, resolve_player, team_ref_of
from bot.core.errors import InvalidInput, NotFound
from bot.core.model import Group, Player
from bot.core.ports import UnitOfWork

MAX_GROUP_NAME = 60


def clean_group_name(name: str | None) -> str:
    cleaned = " ".join(clean_text(name, 200).split())
    if not cleaned:
        raise InvalidInput("Give the group a name, e.g. `group join vision`.")
    if len(cleaned) > MAX_GROUP_NAME:
        raise InvalidInput(f"A group name has at most {MAX_GROUP_NAME} characters.")
    return cleaned


class Groups:
    def __init__(self, ctx: CoreContext) -> None:
        self.ctx = ctx

    async def join(self, player: Player, name: str) -> Group:
        """Join (creating it if new) the named group, leaving any previous one."""
        group_name = clean_group_name(name)

        async def work(uow: UnitOfWork) -> Group:
            team, record = await resolve_player(uow, player)
            group = await uow.groups.get_or_create(team.id, group_name)
            await uow.groups.join(group.id, record.id)
            return group

        return await self.ctx.transact(work)

    async def leave(self, player: Player) -> Group:
        """Leave the player's group; `NotFound` when they are in none."""

        async def work(uow: UnitOfWork) -> Group:
            _team, record = await resolve_player(uow, player)
            left = await uow.groups.leave(record.id)
            if left is None:
                raise NotFound("You are not in a group.")
            return left

        return await self.ctx.transact(work)

    async def list(self, player: Player) -> list[Group]:
        async def work(uow: UnitOfWork) -> list[Group]:
            team = await uow.teams.find(*_key(player))
            return await uow.groups.list(team.id) if team else []

        return await self.ctx.read(work)


def _key(player: Player) -> tuple[str, str]:
    ref = team_ref_of(player)
    return ref.platform, ref.external_id
