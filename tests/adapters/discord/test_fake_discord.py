"""The harness itself: the real discord.py logs in, identifies, syncs, answers a slash command, a button
(a DynamicItem, so it works on a fresh client) and a modal, and retries a 429, all against the fake."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from tests.adapters.discord.conftest import ALICE, StartClient
from tests.adapters.discord.fake_discord import FakeDiscord


class EchoButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"echo:(?P<word>[a-z]+)"):
    def __init__(self, word: str) -> None:
        super().__init__(discord.ui.Button(label=word, custom_id=f"echo:{word}"))
        self.word = word

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> EchoButton:
        return cls(match["word"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(EchoModal(self.word))


class EchoModal(discord.ui.Modal, title="Echo"):
    text: discord.ui.TextInput[EchoModal] = discord.ui.TextInput(label="Text", custom_id="text")

    def __init__(self, word: str) -> None:
        super().__init__(custom_id=f"echo-modal:{word}", timeout=60)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"you said {self.text.value}", ephemeral=True)


def tiny_client() -> discord.Client:
    client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.05)
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="pong")
    async def ping(interaction: discord.Interaction, word: str = "hello") -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(EchoButton(word))
        await interaction.response.send_message(f"pong {word}", view=view, ephemeral=True)

    async def setup_hook() -> None:
        client.add_dynamic_items(EchoButton)
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    return client


async def test_login_identify_and_command_sync(fake_discord: FakeDiscord, start_client: StartClient) -> None:
    async with start_client(tiny_client()) as client:
        assert client.user is not None and client.user.id == fake_discord.bot.id
        assert fake_discord.identifies[0]["token"] == fake_discord.token
        assert client.get_guild(fake_discord.guild_id) is not None
    put = fake_discord.sent("PUT", rf"/applications/{fake_discord.application_id}/commands")
    assert [c["name"] for c in put[0].json] == ["ping"]


async def test_slash_button_modal_round_trip(fake_discord: FakeDiscord, start_client: StartClient) -> None:
    async with start_client(tiny_client()):
        slash = fake_discord.slash("ping", ALICE, {"word": "abc"})
        callback = await fake_discord.interact(slash)
        assert callback.json["type"] == 4
        assert callback.json["data"]["flags"] == 64
        assert callback.json["data"]["content"] == "pong abc"
        assert callback.headers["Content-Type"] == "application/json"

    # A fresh client (a restart) still routes the button: DynamicItems match on custom_id alone.
    async with start_client(tiny_client()):
        message = fake_discord.message_of(callback)
        opened = await fake_discord.interact(fake_discord.click(message, "echo:abc", ALICE))
        assert opened.json["type"] == 9
        assert opened.json["data"]["custom_id"] == "echo-modal:abc"

        submit = fake_discord.submit_modal("echo-modal:abc", {"text": "<@&1> hi"}, ALICE)
        mark = len(fake_discord.requests)
        deferred = await fake_discord.interact(submit)
        assert deferred.json["type"] == 5
        followup = await fake_discord.followup(submit, start=mark)
        assert followup.json["content"] == "you said <@&1> hi"


async def test_429_is_retried(fake_discord: FakeDiscord, start_client: StartClient) -> None:
    fake_discord.rate_limit("POST", rf"/channels/{fake_discord.channel_id}/messages", retry_after=0.05)
    async with start_client(tiny_client()) as client:
        channel = client.get_partial_messageable(fake_discord.channel_id)
        sent = await channel.send("hello")
    attempts = fake_discord.sent("POST", rf"/channels/{fake_discord.channel_id}/messages")
    assert [a.status for a in attempts] == [429, 200]
    assert sent.content == "hello"


async def test_unknown_route_is_a_404(fake_discord: FakeDiscord, start_client: StartClient) -> None:
    async with start_client(tiny_client()) as client:
        try:
            await client.fetch_guild_preview(1)
        except discord.NotFound as error:
            assert error.status == 404
        else:
            raise AssertionError("expected NotFound")
