"""The daily question lifecycle: configure, open exactly once, first answer counts, close with results."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.core.daily import STALE_CLAIM
from bot.core.errors import (
    AlreadyAnswered,
    DailyClosed,
    DuplicateClaim,
    InvalidInput,
    NoQuestions,
    NotFound,
    StorageUnavailable,
)
from bot.core.model import AttemptMode, DailyPostDraft, DailyStatus, TeamRef
from bot.core.service import PracticeService

from .world import World, player, right_answer, wrong_answer

CHANNEL = "discord:g1/c1"
TEAM = TeamRef("discord", "g1", "Guild")


async def configured(world: World, **kwargs: object) -> PracticeService:
    service = world.service()
    settings: dict[str, object] = {"post_time": "09:00", "timezone": "Europe/Berlin"} | kwargs
    await service.configure_daily(CHANNEL, TEAM, **settings)  # type: ignore[arg-type]
    return service


async def test_configure_parses_and_stores_the_channel_settings() -> None:
    world = World()
    service = world.service()
    config = await service.configure_daily(
        CHANNEL, TEAM, "18:30", "Asia/Kolkata", "mon-fri", "cnn,optim", "senior", "12h"
    )
    assert config.post_time == time(18, 30) and config.weekdays == (0, 1, 2, 3, 4)
    assert config.topics == ("cnn", "optimization") and config.difficulty == "senior"
    assert config.reveal_after == timedelta(hours=12) and config.platform == "discord"
    assert world.db.tables.configs[CHANNEL] == config
    off = await service.disable_daily(CHANNEL)
    assert not off.enabled and not world.db.tables.configs[CHANNEL].enabled


@pytest.mark.parametrize(
    "kwargs",
    [{"timezone": "Nowhere/City"}, {"post_time": "7pm"}, {"topics": "astrology"}, {"weekdays": "someday"},
     {"reveal_after": "0m"}, {"difficulty": "godlike"}],
)
async def test_bad_daily_settings_are_refused_and_nothing_is_stored(kwargs: dict[str, object]) -> None:
    world = World()
    with pytest.raises(InvalidInput):
        await configured(world, **kwargs)
    assert not world.db.tables.configs


async def test_open_claims_posts_and_records_the_message_once_per_local_day() -> None:
    world = World()
    service = await configured(world, topics="cnn", difficulty="senior")
    post = await service.open_daily(CHANNEL)
    assert post.status == DailyStatus.POSTED and post.message_ref == "msg-1"
    assert post.local_date == date(2025, 3, 12) and post.question_id == "cnn-senior-1"
    assert post.reveal_at == world.now() + timedelta(hours=24)
    channel, question, announced = world.announcer.questions[0]
    assert (channel, question.id, announced.id) == (CHANNEL, post.question_id, post.id)
    with pytest.raises(DuplicateClaim):
        await service.open_daily(CHANNEL)
    with pytest.raises(DuplicateClaim):
        await world.service().open_daily(CHANNEL, force=True)  # another process, same day
    assert len(world.announcer.questions) == 1


async def test_a_failed_post_gives_the_claim_back_so_a_retry_posts_the_same_question() -> None:
    world = World()
    service = await configured(world)
    world.announcer.fail_next = True
    with pytest.raises(ConnectionError):
        await service.open_daily(CHANNEL)
    [given_back] = world.db.tables.posts.values()  # kept, backdated: taken over at once by the retry
    assert given_back.status == DailyStatus.CLAIMED and given_back.taken_over
    assert given_back.claimed_at < world.now() - STALE_CLAIM
    post = await service.open_daily(CHANNEL)
    assert post.status == DailyStatus.POSTED and len(world.announcer.questions) == 1
    assert post.id == given_back.id and post.question_id == given_back.question_id


async def test_a_stale_claim_from_a_dead_process_is_taken_over() -> None:
    world = World()
    service = await configured(world)
    # A process claimed today's row and died before posting: the row stays CLAIMED.
    async with world.db.uow() as uow:
        config = await uow.daily_configs.get(CHANNEL)
        assert config is not None
        now = world.now()
        draft = DailyPostDraft(CHANNEL, config.team_id, date(2025, 3, 12), "opt-exp-1", now, now)
        stuck = await uow.daily_posts.claim(draft)
        await uow.commit()
    with pytest.raises(DuplicateClaim):
        await service.open_daily(CHANNEL)  # still fresh: it may be in flight in another process
    world.clock.advance(minutes=11)
    post = await world.service().open_daily(CHANNEL)
    assert post.id == stuck.id and post.status == DailyStatus.POSTED
    assert post.reveal_at > world.now() and len(world.announcer.questions) == 1


async def test_open_refuses_disabled_channels_and_off_days_unless_forced() -> None:
    world = World()  # 2025-03-12 is a Wednesday
    service = await configured(world, weekdays="mon,tue")
    with pytest.raises(InvalidInput, match="not a daily-question day"):
        await service.open_daily(CHANNEL)
    await service.disable_daily(CHANNEL)
    with pytest.raises(InvalidInput, match="switched off"):
        await service.open_daily(CHANNEL)
    assert (await service.open_daily(CHANNEL, force=True)).status == DailyStatus.POSTED


async def test_open_without_config_or_announcer_claims_nothing() -> None:
    world = World()
    service = world.service()
    with pytest.raises(NotFound):
        await service.open_daily(CHANNEL)
    await service.configure_daily("slack:T1/C1", TeamRef("slack", "T1"), "09:00")
    with pytest.raises(InvalidInput, match="announcer"):
        await service.open_daily("slack:T1/C1")
    assert not world.db.tables.posts


async def test_open_with_no_matching_question_says_so() -> None:
    world = World()
    service = await configured(world, topics="autoencoders")
    with pytest.raises(NoQuestions):
        await service.open_daily(CHANNEL)
    assert not world.db.tables.posts


async def test_questions_asked_recently_in_the_team_are_not_repeated() -> None:
    world = World()
    service = await configured(world, topics="optimization")
    asked = []
    for _ in range(2):
        asked.append((await service.open_daily(CHANNEL)).question_id)
        world.clock.advance(days=1)
    assert sorted(asked) == ["opt-exp-1", "opt-exp-2"]
    # Both used up: the bank is reused rather than failing.
    assert (await service.open_daily(CHANNEL)).question_id in asked


async def test_first_answer_counts_and_later_ones_are_refused() -> None:
    world = World()
    service = await configured(world, topics="math")
    post = await service.open_daily(CHANNEL)
    question = service.question(post.question_id)
    me = player()
    feedback = await service.submit_daily(me, post.id, right_answer(question))
    assert feedback.attempt.mode == AttemptMode.DAILY and feedback.attempt.daily_post_id == post.id
    assert feedback.points > 0
    with pytest.raises(AlreadyAnswered, match="first answer counts"):
        await service.submit_daily(me, post.id, wrong_answer(question))
    assert len(world.db.tables.attempts) == 1


async def test_daily_answers_after_the_reveal_time_or_close_are_refused() -> None:
    world = World()
    service = await configured(world, reveal_after="1h")
    post = await service.open_daily(CHANNEL)
    world.clock.advance(minutes=61)
    with pytest.raises(DailyClosed):
        await service.submit_daily(player(), post.id, "b")
    await service.close_daily(post.id)
    with pytest.raises(DailyClosed):
        await service.submit_daily(player("late"), post.id, "b")
    with pytest.raises(NotFound):
        await service.submit_daily(player(), 999_999, "b")


async def test_close_reveals_results_once() -> None:
    world = World()
    service = await configured(world, topics="cnn", difficulty="fresher")
    post = await service.open_daily(CHANNEL)
    question = service.question(post.question_id)
    answers = {"ann": right_answer(question), "bob": wrong_answer(question), "cid": right_answer(question)}
    for user, text in answers.items():
        await service.submit_daily(player(user), post.id, text)
        world.clock.advance(minutes=1)
    results = await service.close_daily(post.id)
    assert (results.answers, results.correct) == (3, 2)
    assert results.share_correct == pytest.approx(2 / 3)
    assert [row.display_name for row in results.top] == ["ANN", "CID", "BOB"]  # best, then earliest
    assert results.reference_answer == question.reference_answer
    assert results.post.status == DailyStatus.CLOSED and results.post.reveal_ref == "reveal-1"
    assert world.announcer.reveals[0][:2] == (CHANNEL, post.message_ref)
    with pytest.raises(DailyClosed):
        await world.service().close_daily(post.id)  # a second process: no second reveal
    assert len(world.announcer.reveals) == 1


async def test_storage_down_while_answering_a_daily_loses_nothing_silently() -> None:
    world = World()
    service = await configured(world)
    post = await service.open_daily(CHANNEL)
    world.db.fail_commit = True
    with pytest.raises(StorageUnavailable) as caught:
        await service.submit_daily(player(), post.id, "my careful answer")
    assert caught.value.unsaved_answer == "my careful answer"
    assert not world.db.tables.attempts
    world.db.fail_commit = False
    assert (await service.submit_daily(player(), post.id, "my careful answer")).attempt.id
