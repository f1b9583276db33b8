"""What adapters asked of the service: stale-button guards, daily post lookups, redelivery de-duplication
and pack administration (upload, enable, disable, restore)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.errors import InvalidInput, NoActiveQuestion, NotFound, StaleQuestion, StorageUnavailable
from bot.core.model import TeamRef
from bot.core.packs import ArchivedPack, InvalidPack, MemoryPackArchive
from bot.core.service import PracticeService
from questions.store import QuestionStore

from .fakes import MemoryDatabase
from .world import World, fake_grade, player, right_answer

PACK = b"""pack: club-extra
title: Club extras
questions:
  - id: club-q1
    prompt: "Is dropout used at inference?"
    kind: true_false
    reference_answer: "No: dropout is switched off at inference."
    topics: [regularization]
    difficulty: fresher
    truth: false
"""


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


# --- packs ----------------------------------------------------------------------------------------


def pack_service(archive: MemoryPackArchive | None = None) -> tuple[PracticeService, QuestionStore]:
    store = QuestionStore()
    world = World()
    return PracticeService(MemoryDatabase().uow, store, fake_grade, world.clock, packs=store,
                           pack_archive=archive or MemoryPackArchive()), store


async def test_upload_enable_disable_and_list() -> None:
    archive = MemoryPackArchive()
    service, store = pack_service(archive)
    result = await service.upload_pack(PACK, "extra.yaml")
    assert (result.name, result.questions, result.replaced) == ("club-extra", 1, False)
    assert store.get("club-q1").truth is False and archive.saved["club-extra"].data == PACK
    view = await service.start_quiz(player(), topic="regularization")
    assert view.question.id == "club-q1"
    info = await service.disable_pack("club-extra")
    assert not info.enabled and "club-extra" in archive.off and store.all() == []
    with pytest.raises(NotFound, match="no pack"):
        await service.enable_pack("nope")
    assert (await service.enable_pack("club-extra")).enabled
    assert [p.name for p in service.list_packs()] == ["club-extra"]
    again = await service.upload_pack(PACK.replace(b"Club extras", b"Club extras v2"), "extra.yaml")
    assert again.replaced and store.packs["club-extra"].title == "Club extras v2"
    with pytest.raises(InvalidInput, match="already exists"):
        await service.upload_pack(PACK, "extra.yaml", replace=False)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01binary", b"pack: [unclosed", "pack: x\ntitle: ü\nquestions: []\n".encode(),
     PACK.replace(b"fresher", b"godlike"), PACK.replace(b"regularization", b"astrology"), b"x" * 3_000_000],
)
async def test_broken_uploads_list_their_problems_and_change_nothing(data: bytes) -> None:
    archive = MemoryPackArchive()
    service, store = pack_service(archive)
    with pytest.raises(InvalidPack) as caught:
        await service.upload_pack(data, "bad.yaml")
    assert caught.value.problems and all(p.startswith("bad.yaml:") for p in caught.value.problems)
    assert "bad.yaml:" in caught.value.message
    assert not store.packs and not archive.saved


async def test_an_upload_that_cannot_be_kept_is_not_added() -> None:
    class BrokenArchive(MemoryPackArchive):
        async def save(self, name: str, file_name: str, data: bytes) -> None:
            raise OSError("disk full")

    service, store = pack_service(BrokenArchive())
    with pytest.raises(StorageUnavailable, match="disk full"):
        await service.upload_pack(PACK, "extra.yaml")
    assert not store.packs


async def test_restore_reapplies_uploads_and_switches_and_skips_broken_ones() -> None:
    archive = MemoryPackArchive()
    archive.saved["club-extra"] = ArchivedPack("club-extra", "extra.yaml", PACK)
    archive.saved["bad"] = ArchivedPack("bad", "bad.yaml", b"pack: [")
    archive.off.add("club-extra")
    service, store = pack_service(archive)
    assert service.packs is not None
    problems = await service.packs.restore()
    assert problems == ["bad.yaml: no longer valid, skipped"]
    assert "club-extra" in store.packs and not store.is_enabled("club-extra")


async def test_pack_administration_without_a_store_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="not available"):
        await World().service().upload_pack(PACK, "x.yaml")


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
