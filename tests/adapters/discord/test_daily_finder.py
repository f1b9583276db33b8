"""The Discord announcer's `find_question_post` through the real discord.py (`channel.history`) against the
fake Discord's `GET /channels/{id}/messages`, and the take-over it exists for: a process killed after
Discord accepted the day's question but before the message reference was recorded must not make the
channel get it twice."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.daily import STALE_CLAIM
from bot.core.model import DailyPost, DailyPostDraft, DailyStatus
from bot.core.ports import PostFinder
from bot.discord_adapter.announcer import FIND_LIMIT, DiscordAnnouncer, HistoryTooLong
from tests.adapters.discord.conftest import StartClient
from tests.adapters.discord.test_daily import post_now, set_up_daily
from tests.adapters.discord.world import OPEN, World


def channel_ref(world: World, channel_id: int | None = None) -> str:
    return f"discord:{world.fake.guild_id}/{channel_id or world.fake.channel_id}"


def announcer_of(world: World) -> DiscordAnnouncer:
    announcer = world.service.ctx.announcers["discord"]
    assert isinstance(announcer, DiscordAnnouncer) and isinstance(announcer, PostFinder)
    return announcer


def question_posts(world: World) -> list[object]:
    """Successful POSTs of a message with an Answer button in the daily channel."""
    sent = world.fake.sent("POST", rf"/channels/{world.fake.channel_id}/messages")
    return [r for r in sent if r.status == 200 and "iq:daily:" in str(r.json)]


async def claim_and_die(world: World, post_it: bool = True) -> tuple[DailyPost, str | None]:
    """A process claims the day, Discord accepts its post (with `post_it`), and the process dies before
    recording the message reference."""
    ref = channel_ref(world)
    now = world.clock.now()
    async with world.service.ctx.uow_factory() as uow:
        config = await uow.daily_configs.get(ref)
        assert config is not None
        draft = DailyPostDraft(ref, config.team_id, now.date(), OPEN.id, now, now + timedelta(hours=24))
        post = await uow.daily_posts.claim(draft)
        await uow.commit()
    message_ref = await announcer_of(world).post_question(ref, OPEN, post) if post_it else None
    return post, message_ref


@pytest.fixture(autouse=True)
def _clock_near_discord(world: World) -> None:
    """The fake's snowflakes carry the wall-clock time, so history's `after` compares with our claim."""
    world.clock.current = datetime.now(UTC)


async def test_finds_the_question_posted_earlier_and_nothing_elsewhere(
    world: World, start_client: StartClient
) -> None:
    fake = world.fake
    async with start_client(world.client()):
        await set_up_daily(world)
        message = await post_now(world)
        post = await world.service.current_daily(channel_ref(world))
        assert post is not None and post.message_ref is not None
        announcer = announcer_of(world)

        assert await announcer.find_question_post(channel_ref(world), post) == post.message_ref
        assert post.message_ref.endswith(f"/{message['id']}")
        other = channel_ref(world, fake.guild.channel_ids[1] if fake.guild else None)
        assert await announcer.find_question_post(other, post) is None
        here = channel_ref(world)
        assert await announcer.find_question_post(here, dataclasses.replace(post, id=post.id + 1)) is None
        later = dataclasses.replace(post, claimed_at=post.claimed_at + timedelta(hours=1))
        assert await announcer.find_question_post(here, later) is None  # before `after`: not looked at

    reads = fake.sent("GET", rf"/channels/{fake.channel_id}/messages")
    assert reads and all("after" in r.query and int(r.query["limit"]) <= 100 for r in reads)


async def test_a_process_killed_after_discord_accepted_the_post_does_not_post_twice(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        await set_up_daily(world)
        lost, first_ref = await claim_and_die(world)
        assert len(question_posts(world)) == 1

        world.clock.advance(STALE_CLAIM + timedelta(minutes=1))  # the claim is stale now
        post = await world.service.open_daily(channel_ref(world))

        assert len(question_posts(world)) == 1  # still exactly one question message at Discord
        assert (post.id, post.status, post.message_ref) == (lost.id, DailyStatus.POSTED, first_ref)


async def test_a_take_over_of_a_claim_that_never_posted_posts_once(
    world: World, start_client: StartClient
) -> None:
    async with start_client(world.client()):
        await set_up_daily(world)
        lost, _ = await claim_and_die(world, post_it=False)
        world.clock.advance(STALE_CLAIM + timedelta(minutes=1))
        post = await world.service.open_daily(channel_ref(world))
        assert len(question_posts(world)) == 1
        assert post.id == lost.id and post.status == DailyStatus.POSTED and post.question_id == OPEN.id


async def test_a_history_too_busy_to_tell_posts_nothing(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        await set_up_daily(world)
        lost, _ = await claim_and_die(world, post_it=False)
        for n in range(FIND_LIMIT):  # chatter after the claim: the post could be further on
            fake._new_message(fake.channel_id, {"content": f"chatter {n}"}, [])
        world.clock.advance(STALE_CLAIM + timedelta(minutes=1))
        with pytest.raises(HistoryTooLong):
            await world.service.open_daily(channel_ref(world))
        assert question_posts(world) == []
        async with world.service.ctx.uow_factory() as uow:
            kept = await uow.daily_posts.get(lost.id)
        assert kept is not None and kept.status == DailyStatus.CLAIMED
