"""`/pack upload|enable|disable|list`: a server's admins manage that server's question packs through the
service (validated, every problem listed with FILE:LINE, stored in the database). An upload belongs to the
server it was uploaded in, and switching a pack on or off changes only that server's questions."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core.errors import InvalidInput
from bot.core.packs import InvalidPack
from bot.discord_adapter.context import context_of, player_of, require_admin
from bot.discord_adapter.render import safe
from bot.discord_adapter.render_reports import pack_problems_text, packs_embed
from bot.discord_adapter.responding import defer, guard, reply
from questions.loader import MAX_PACK_BYTES, PACK_SUFFIXES

ADMIN = discord.Permissions(manage_guild=True)


def register(tree: app_commands.CommandTree[Any]) -> None:
    pack = app_commands.Group(
        name="pack", description="Question packs (admins)", guild_only=True, default_permissions=ADMIN
    )

    @pack.command(name="upload", description="Upload a YAML question pack for this server.")
    @app_commands.describe(file="The .yaml pack file", replace="Replace this server's pack of the same name")
    async def upload(
        interaction: discord.Interaction[Any], file: discord.Attachment, replace: bool = False
    ) -> None:
        async with guard(interaction):
            require_admin(interaction)
            name = file.filename or "pack.yaml"
            if not name.lower().endswith(PACK_SUFFIXES):
                raise InvalidInput(f"A pack is a .yaml file, not {safe(name, 80)}.")
            if file.size > MAX_PACK_BYTES:
                raise InvalidInput(f"The file is {file.size:,} bytes; a pack is at most {MAX_PACK_BYTES:,}.")
            await defer(interaction)
            data = await file.read()
            try:
                loaded = await context_of(interaction).service.upload_pack(
                    player_of(interaction), data, name, replace
                )
            except InvalidPack as error:
                await reply(interaction, content=pack_problems_text(name, error.problems))
                return
            verb = "replaced" if loaded.replaced else "loaded"
            await reply(
                interaction,
                content=f"Pack **{safe(loaded.name, 80)}** {verb}: {loaded.questions} question(s).",
            )

    @pack.command(name="enable", description="Serve a pack's questions in this server again.")
    async def enable(interaction: discord.Interaction[Any], name: app_commands.Range[str, 1, 100]) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            info = await context_of(interaction).service.enable_pack(player_of(interaction), name.strip())
            await reply(interaction, content=f"Pack **{safe(info.name, 80)}** enabled.")

    @pack.command(name="disable", description="Stop serving a pack's questions in this server.")
    async def disable(interaction: discord.Interaction[Any], name: app_commands.Range[str, 1, 100]) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            info = await context_of(interaction).service.disable_pack(player_of(interaction), name.strip())
            await reply(interaction, content=f"Pack **{safe(info.name, 80)}** disabled.")

    @pack.command(name="list", description="This server's packs and whether each is served.")
    async def list_packs(interaction: discord.Interaction[Any]) -> None:
        async with guard(interaction):
            require_admin(interaction)
            await defer(interaction)
            packs = await context_of(interaction).service.list_packs(player_of(interaction))
            await reply(interaction, embeds=[packs_embed(packs)])

    tree.add_command(pack)
