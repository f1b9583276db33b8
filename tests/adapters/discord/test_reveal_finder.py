"""The Discord announcer's `find_reveal_post` through the real discord.py (`channel.history`) against the
fake Discord, and what it exists for: a reveal whose outcome is unknown (Discord accepted it but the answer
was lost, or the process died before recording it) is found by the retry, never posted twice."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.core.daily import STALE_REVEAL_CLAIM
from bot.core.model import DailyPost, DailyResults
from bot.core.ports import RevealFinder
from bot.discord_adapter.render_reports import reveal_footer
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.payloads import JSON
from tests.adapters.discord.test_daily import post_id_of, post_now, set_up_daily
from tests.adapters.discord.test_daily_finder import announcer_of, channel_ref
from tests.adapters.discord.world import World


@pytest.fixture(autouse=True)
def _clock_near_discord(world: World) -> None:
    """The fake's snowflakes carry the wall-clock time, so history's `after` compares with our close."""
    world.clock.current = datetime.now(UTC)


def reveals(world: World, post_id: int) -> list[JSON]:
    """The reveal messages of the post Discord holds (whatever the bot was told about them)."""
    footer = reveal_footer(post_id)
    return [m for m in world.fake.messages.values()
            if any((e.get("footer") or {}).get("text") == footer for e in m.get("embeds") or [])]


async def closed(world: World) -> tuple[JSON, DailyResults]:
    """Today's question posted (its message) and closed, its reveal not posted yet."""
    await set_up_daily(world)
    message = await post_now(world)
    return message, await world.service.close_daily(post_id_of(message), announce=False)


async def stored(world: World, post_id: int) -> DailyPost:
    async with world.service.ctx.uow_factory() as uow:
        post = await uow.daily_posts.get(post_id)
    assert post is not None
    return post


async def retry(world: World, post_id: int) -> DailyResults:
    return await world.service.daily.reveal(await world.service.daily_results(post_id))


def ref_of(world: World, channel_id: int | str, message: JSON) -> str:
    return f"discord:{world.fake.guild_id}/{channel_id}/{message['id']}"


async def test_finds_the_reveal_in_the_thread_and_nothing_else(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        message, results = await closed(world)
        revealed = await world.service.daily.reveal(results)
        announcer = announcer_of(world)
        assert isinstance(announcer, RevealFinder)
        post, question_ref = revealed.post, results.post.message_ref or ""
        (reveal,) = reveals(world, post.id)
        assert post.reveal_ref == ref_of(world, message["id"], reveal)  # in the thread under the question

        assert await announcer.find_reveal_post(channel_ref(world), question_ref, post) == post.reveal_ref
        other = dataclasses.replace(post, id=post.id + 1)
        assert await announcer.find_reveal_post(channel_ref(world), question_ref, other) is None
        no_thread = world.fake._new_message(world.fake.channel_id, {"content": "no thread here"}, [])
        elsewhere = ref_of(world, world.fake.channel_id, no_thread)
        assert await announcer.find_reveal_post(channel_ref(world), elsewhere, post) is None  # 404: none


async def test_a_reveal_whose_answer_was_lost_is_found_by_the_retry_not_posted_again(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        message, results = await closed(world)
        world.fake.lose_answer("POST", rf"/channels/{message['id']}/messages")
        with pytest.raises(discord.DiscordServerError):
            await world.service.daily.reveal(results)
        assert len(reveals(world, results.post.id)) == 1  # Discord has it
        assert (await stored(world, results.post.id)).reveal_ref is None

        revealed = await retry(world, results.post.id)  # at once: the claim was backdated

        (reveal,) = reveals(world, results.post.id)
        assert revealed.post.reveal_ref == ref_of(world, message["id"], reveal)
        assert (await stored(world, results.post.id)).reveal_ref == revealed.post.reveal_ref


async def test_a_reveal_discord_refused_is_posted_by_the_retry_once(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        message, results = await closed(world)
        world.fake.refuse("POST", rf"/channels/{message['id']}/messages")
        with pytest.raises(discord.Forbidden):
            await world.service.daily.reveal(results)
        assert reveals(world, results.post.id) == []

        revealed = await retry(world, results.post.id)

        (reveal,) = reveals(world, results.post.id)
        assert revealed.post.reveal_ref == ref_of(world, message["id"], reveal)  # the existing thread
        looked = world.fake.sent("GET", rf"/channels/{message['id']}/messages")
        assert len(looked) == 1 and looked[0].status == 200  # the retry looked before posting


async def test_a_reveal_replied_in_the_channel_is_found_after_the_close(
    world: World, start_client: StartClient
) -> None:
    """No thread could be made, so the reveal went to the channel as a reply, and its answer was lost."""
    fake = world.fake
    async with start_client(world.client()):
        message, results = await closed(world)
        fake.refuse("POST", rf"/channels/{fake.channel_id}/messages/{message['id']}/threads")
        fake.lose_answer("POST", rf"/channels/{fake.channel_id}/messages")
        with pytest.raises(discord.DiscordServerError):
            await world.service.daily.reveal(results)
        (reveal,) = reveals(world, results.post.id)
        assert int(reveal["channel_id"]) == fake.channel_id

        revealed = await retry(world, results.post.id)

        assert len(reveals(world, results.post.id)) == 1
        assert revealed.post.reveal_ref == ref_of(world, fake.channel_id, reveal)
        channel_reads = fake.sent("GET", rf"/channels/{fake.channel_id}/messages")
        assert channel_reads and all("after" in r.query for r in channel_reads)


async def test_a_process_that_died_after_discord_accepted_the_reveal_is_found_once_stale(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        message, results = await closed(world)
        async with world.service.ctx.uow_factory() as uow:  # it took the claim, posted, and died
            now = world.clock.now()
            assert await uow.daily_posts.claim_reveal(results.post.id, now, now) is not None
            await uow.commit()
        await announcer_of(world).post_reveal(channel_ref(world), results.post.message_ref or "", results)
        world.clock.advance(STALE_REVEAL_CLAIM + timedelta(minutes=1))

        revealed = await retry(world, results.post.id)

        (reveal,) = reveals(world, results.post.id)
        assert revealed.post.reveal_ref == ref_of(world, message["id"], reveal)


async def test_when_discord_cannot_show_the_history_nothing_is_posted_and_the_claim_kept(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        message, results = await closed(world)
        world.fake.refuse("POST", rf"/channels/{message['id']}/messages")
        with pytest.raises(discord.Forbidden):
            await world.service.daily.reveal(results)
        world.fake.refuse("GET", rf"/channels/{message['id']}/messages")
        with pytest.raises(discord.Forbidden):
            await retry(world, results.post.id)
        kept = await stored(world, results.post.id)
        assert reveals(world, results.post.id) == []
        assert kept.reveal_ref is None and kept.reveal_claimed_at == world.clock.now()  # fresh: kept

        world.clock.advance(STALE_REVEAL_CLAIM + timedelta(minutes=1))
        revealed = await retry(world, results.post.id)
        (reveal,) = reveals(world, results.post.id)
        assert revealed.post.reveal_ref == ref_of(world, message["id"], reveal)
