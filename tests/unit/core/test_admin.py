"""What adapters asked of the service: stale-button guards, daily post lookups, redelivery de-duplication
and the scheduler's hooks (pack administration: test_packs.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.errors import InvalidInput, NoActiveQuestion, NotFound, StaleQuestion, StorageUnavailable
from bot.core.model import TeamRef

from .world import World, player, right_answer

# --- stale buttons --------------------------------------------------------------------------------


async def test_buttons_naming_an_old_question_are_refused_in_the_same_transaction() -> None:
    world = World()
    service = world.service()
    me = player()
    first = await service.start_quiz(me, count=2)
    feedback = await service.submit(me, right_answer(first.question), question_id=first.question.id)
    assert feedback.next_question is not None
    for call in (service.submit(me, "b", question_id=first.question.id),
                 service.hint(me, question_id=first.question.id),
                 service.skip(me, question_id=first.question.id)):
        with pytest.raises(StaleQuestion, match="no longer waiting"):
            await call
    assert len(world.db.tables.attempts) == 1
    await service.skip(me, question_id=feedback.next_question.question.id)
    with pytest.raises(NoActiveQuestion):  # StaleQuestion is a NoActiveQuestion for older handlers
        await service.submit(me, "b", question_id=feedback.next_question.question.id)


# --- daily lookups and redeliveries ---------------------------------------------------------------


async def test_daily_post_lookup_and_listing_for_the_scheduler() -> None:
    world = World()
    service = world.service()
    with pytest.raises(NotFound):
        await service.daily_post(1)
    await service.configure_daily("discord:g1/c1", TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily("discord:g1/c1")
    assert await service.daily_post(post.id) == post
    assert await service.current_daily("discord:g1/c1") == post
    assert [c.channel_ref for c in await service.enabled_daily_configs()] == ["discord:g1/c1"]
    assert await service.open_daily_posts() == [post]
    assert (await service.daily_results(post.id)).answers == 0


async def test_redeliveries_are_claimed_once_until_they_expire() -> None:
    world = World()
    service = world.service()
    assert await service.claim_delivery("slack:Ev1")
    assert not await service.claim_delivery("slack:Ev1")
    assert await service.claim_delivery("slack:Ev2")
    world.clock.advance(minutes=16)
    assert await service.claim_delivery("slack:Ev1", ttl=timedelta(minutes=15))


# --- scheduler hooks ------------------------------------------------------------------------------


async def test_daily_listeners_hear_committed_changes_only_and_cannot_break_them() -> None:
    world = World()
    service = world.service()
    heard: list[str] = []

    async def listener(channel_ref: str) -> None:
        heard.append(channel_ref)

    async def broken(channel_ref: str) -> None:
        raise RuntimeError("scheduler hiccup")

    service.add_daily_listener(broken)
    service.add_daily_listener(listener)
    await service.configure_daily("discord:g1/c1", TeamRef("discord", "g1"), "09:00")
    await service.disable_daily("discord:g1/c1")
    with pytest.raises(InvalidInput):
        await service.configure_daily("discord:g1/c1", TeamRef("discord", "g1"), "99:00")
    world.db.fail_commit = True
    with pytest.raises(StorageUnavailable):
        await service.configure_daily("discord:g1/c1", TeamRef("discord", "g1"), "10:00")
    assert heard == ["discord:g1/c1", "discord:g1/c1"]


async def test_closed_posts_whose_reveal_failed_are_listed_for_a_retry() -> None:
    world = World()
    service = world.service()
    await service.configure_daily("discord:g1/c1", TeamRef("discord", "g1"), "09:00")
    post = await service.open_daily("discord:g1/c1")
    results = await service.close_daily(post.id, announce=False)
    assert [p.id for p in await service.unrevealed_daily_posts()] == [post.id]
    await service.daily.reveal(results)
    assert await service.unrevealed_daily_posts() == []
    assert world.announcer.reveals[0][2].post.id == post.id
