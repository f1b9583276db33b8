"""Boards and stats (the chart arrives as an attachment), groups, admin-only commands, pack uploads (per
server), appeals, and command sync only when the command set changed."""

from __future__ import annotations

from questions.loader import load_pack_bytes
from tests.adapters.discord.conftest import ADMIN, ALICE, BOB, StartClient
from tests.adapters.discord.driving import click, modal_id, slash, submit
from tests.adapters.discord.payloads import ChannelOption, FakeGuild, FakeUser, snowflake
from tests.adapters.discord.world import CHOICE, World

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VALID_PACK = b"""pack: uploaded
title: Uploaded pack
questions:
  - id: up-one
    prompt: What does ReLU output for negative inputs?
    kind: open
    reference_answer: Zero.
    topics: [activation-functions]
    difficulty: fresher
"""
BROKEN_PACK = b"""pack: broken
title: Broken pack
questions:
  - id: Bad Id
    prompt: What?
    kind: riddle
    reference_answer: yes
    topics: [astrology]
    difficulty: fresher
"""


async def answer_choice_quiz(world: World, user: FakeUser) -> None:
    first = await slash(world.fake, "quiz", user, {"topic": "cnn", "difficulty": "fresher", "count": 1})
    await click(world.fake, first, first.button(f"iq:pick:{user.id}:{CHOICE.id}:b"), user)


async def test_leaderboard_and_stats_with_chart(world: World, start_client: StartClient) -> None:
    sneaky = FakeUser(snowflake(), "sneaky", display="@everyone **boss**")
    async with start_client(world.client()):
        await answer_choice_quiz(world, ALICE)
        await answer_choice_quiz(world, sneaky)
        board = await slash(world.fake, "leaderboard", BOB, {"window": "all"})
        assert not board.ephemeral  # the team's board is public...
        assert board.body["allowed_mentions"]["parse"] == []  # ...and pings nobody
        assert "Alice" in board.text
        assert "@\u200beveryone \\*\\*boss\\*\\*" in board.text

        stats = await slash(world.fake, "stats", ALICE)
        assert stats.sent is not None
        assert [f.filename for f in stats.sent.files] == ["progress.png"]
        assert stats.sent.files[0].data.startswith(PNG_MAGIC)
        assert stats.embeds[0]["image"]["url"] == "attachment://progress.png"
        assert "1/1 correct" in stats.text

        other = await slash(world.fake, "stats", BOB, {"user": ALICE})
        assert "Stats of Alice" in other.text
        nobody = await slash(world.fake, "stats", ALICE, {"user": BOB})
        assert "There is no player" in nobody.text


async def test_groups_and_group_board(world: World, start_client: StartClient) -> None:
    async with start_client(world.client()):
        joined = await slash(world.fake, "group join", ALICE, {"name": "vision"})
        assert "group **vision**" in joined.text
        await answer_choice_quiz(world, ALICE)
        await answer_choice_quiz(world, BOB)
        board = await slash(world.fake, "leaderboard", BOB, {"group": "vision"})
        assert "Alice" in board.text and "Bob" not in board.text
        left = await slash(world.fake, "group leave", ALICE)
        assert "You left group" in left.text
        again = await slash(world.fake, "group leave", ALICE)
        assert "not in a group" in again.text


async def test_non_admin_is_refused_admin_commands(world: World, start_client: StartClient) -> None:
    fake = world.fake
    upload = fake.add_attachment("pack.yaml", VALID_PACK)
    attempts: list[tuple[str, dict[str, object] | None]] = [
        ("daily set", {"channel": ChannelOption(fake.channel_id), "time": "09:00"}),
        ("daily off", None),
        ("daily post-now", None),
        ("appeals list", None),
        ("appeals resolve", {"appeal": 1, "accept": True}),
        ("pack upload", {"file": upload}),
        ("pack disable", {"name": "discord-tests"}),
    ]
    async with start_client(world.client()):
        for command, options in attempts:
            seen = await slash(fake, command, BOB, options)
            assert "Manage Server" in seen.text, command
            assert seen.ephemeral
    assert await world.service.daily.config(f"discord:{fake.guild_id}/{fake.channel_id}") is None
    assert not fake.sent("POST", rf"/channels/{fake.channel_id}/messages")
    packs = {p.name: p for p in await world.service.list_packs(world.player(BOB))}
    assert "uploaded" not in packs and packs["discord-tests"].enabled
    admin_groups = [c for c in fake.commands if c["name"] in ("daily", "appeals", "pack")]
    assert {int(c["default_member_permissions"]) for c in admin_groups} == {1 << 5}


async def test_pack_upload_lists_errors_then_loads(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        broken = await slash(
            fake, "pack upload", ADMIN, {"file": fake.add_attachment("broken.yaml", BROKEN_PACK)}
        )
        assert "broken.yaml** was not loaded" in broken.text
        problems = load_pack_bytes(BROKEN_PACK, "broken.yaml").problems
        assert len(problems) > 1 and f"{len(problems)} problem(s)" in broken.text
        for problem in problems:  # every problem is listed with its FILE:LINE
            assert f"broken.yaml:{problem.line}: " in broken.text
        assert "broken" not in [p.name for p in await world.service.list_packs(world.player(ADMIN))]

        binary = await slash(fake, "pack upload", ADMIN, {"file": fake.add_attachment("x.yaml", b"\x00\x01")})
        assert "binary file" in binary.text
        wrong = await slash(fake, "pack upload", ADMIN, {"file": fake.add_attachment("notes.txt", b"hi")})
        assert "is a .yaml file" in wrong.text

        loaded = await slash(fake, "pack upload", ADMIN, {"file": fake.add_attachment("up.yaml", VALID_PACK)})
        assert "Pack **uploaded** loaded: 1 question(s)" in loaded.text
        assert await enabled_packs(world, ADMIN) == {"discord-tests", "uploaded"}
        off = await slash(fake, "pack disable", ADMIN, {"name": "uploaded"})
        assert "disabled" in off.text and await enabled_packs(world, ADMIN) == {"discord-tests"}
        unknown = await slash(fake, "pack enable", ADMIN, {"name": "nope"})
        assert "There is no pack" in unknown.text
        listed = await slash(fake, "pack list", ADMIN)
        assert "uploaded" in listed.text and "discord-tests" in listed.text


async def enabled_packs(world: World, user: FakeUser) -> set[str]:
    return {p.name for p in await world.service.list_packs(world.player(user)) if p.enabled}


async def test_an_upload_in_one_server_is_not_offered_in_another(
    world: World, start_client: StartClient
) -> None:
    fake = world.fake
    home = fake.guild
    assert home is not None
    other = FakeGuild(snowflake(), "Another club", ADMIN.id, (snowflake(),), (ALICE, BOB, ADMIN))
    async with start_client(world.client()):
        loaded = await slash(fake, "pack upload", ADMIN, {"file": fake.add_attachment("up.yaml", VALID_PACK)})
        assert "Pack **uploaded** loaded" in loaded.text
        offered = await slash(fake, "quiz", ALICE, {"topic": "activation-functions"})
        assert "What does ReLU output" in offered.text

        fake.guild = other  # the same people, now acting in another server
        elsewhere = await slash(fake, "quiz", ALICE, {"topic": "activation-functions"})
        assert "No question matches" in elsewhere.text and "ReLU" not in elsewhere.text
        listed = await slash(fake, "pack list", ADMIN)
        assert "discord-tests" in listed.text and "uploaded" not in listed.text
        off = await slash(fake, "pack disable", ADMIN, {"name": "discord-tests"})
        assert "disabled" in off.text
        refused = await slash(fake, "pack disable", ADMIN, {"name": "uploaded"})
        assert "There is no pack" in refused.text

        fake.guild = home  # the other server's switch did not touch this one
        again = await slash(fake, "quiz", BOB, {"topic": "cnn", "difficulty": "fresher", "count": 1})
        assert CHOICE.prompt in again.text


async def test_appeal_and_resolution(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        first = await slash(fake, "quiz", ALICE, {"topic": "cnn", "difficulty": "fresher", "count": 1})
        feedback = await click(fake, first, first.button(f"iq:pick:{ALICE.id}:{CHOICE.id}:a"), ALICE)
        opened = await click(fake, feedback, feedback.button(f"iq:appeal:{ALICE.id}:"), ALICE)
        recorded = await submit(
            fake, modal_id(opened), {"reason": "Dense <@&987654321098765432> shares too"}, ALICE
        )
        assert "Appeal #" in recorded.text

        listed = await slash(fake, "appeals list", ADMIN)
        assert "Dense <@\u200b&987654321098765432> shares too" in listed.text
        appeal_id = int(recorded.text.split("#")[1].split()[0])
        resolved = await slash(fake, "appeals resolve", ADMIN, {"appeal": appeal_id, "accept": True})
        assert f"Appeal #{appeal_id}" in resolved.text and "accepted" in resolved.text
        twice = await slash(fake, "appeals resolve", ADMIN, {"appeal": appeal_id, "accept": False})
        assert "already accepted" in twice.text


async def test_commands_sync_only_when_changed(world: World, start_client: StartClient) -> None:
    put = rf"/applications/{world.fake.application_id}/commands"
    async with start_client(world.client()):
        pass
    async with start_client(world.client()):
        pass
    assert len(world.fake.sent("PUT", put)) == 1
    names = {c["name"] for c in world.fake.sent("PUT", put)[0].json}
    assert names == {"quiz", "review", "stats", "leaderboard", "group", "daily", "appeals", "pack"}
    (next(world.state_dir.glob("discord-commands-*.sha256"))).write_text("stale\n")
    async with start_client(world.client()):
        pass
    assert len(world.fake.sent("PUT", put)) == 2
