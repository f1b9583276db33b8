"""The Slack announcer's `find_question_post` through the real slack_sdk against the fake Slack's
`conversations.history`, and the take-over it exists for: a process killed after Slack accepted the day's
question but before the message reference was recorded must not make the channel get it twice."""

from __future__ import annotations

import contextlib
import dataclasses
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from bot.core.checking import check
from bot.core.daily import STALE_CLAIM
from bot.core.model import DailyPost, DailyPostDraft, DailyStatus, TeamRef
from bot.core.ports import PostFinder
from bot.core.service import PracticeService
from bot.slack_adapter import ids
from bot.slack_adapter.announcer import FIND_PAGE, FIND_PAGES, HistoryTooLong, SlackAnnouncer
from bot.slack_adapter.app import build_slack_app
from questions.store import QuestionStore
from storage.database import open_database
from tests.adapters.slack.conftest import slack_settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.payloads import CHANNEL_ID
from tests.unit.core.fakes import FixedClock

TEAM_ID = "T0FAKE01"
REF = ids.channel_ref(TEAM_ID, CHANNEL_ID)
OTHER_REF = ids.channel_ref(TEAM_ID, "C0RANDOM")


@dataclasses.dataclass
class Stack:
    fake: FakeSlack
    service: PracticeService
    clock: FixedClock
    announcer: SlackAnnouncer

    def question_posts(self) -> list[dict[str, object]]:
        """chat.postMessage calls that carried a daily question (its Answer button)."""
        return [c for c in self.fake.calls("chat.postMessage") if ids.DAILY_ANSWER in str(c.get("blocks"))]


@pytest.fixture
async def stack(tmp_path: Path, fake_slack: FakeSlack, question_store: QuestionStore) -> AsyncIterator[Stack]:
    async with open_stack(tmp_path, fake_slack, question_store) as opened:
        yield opened


@contextlib.asynccontextmanager
async def open_stack(
    tmp_path: Path, fake_slack: FakeSlack, question_store: QuestionStore
) -> AsyncIterator[Stack]:
    """The real Slack app's announcer over the real service and SQLite, on a clock the test moves; the
    fake stamps messages with the same clock, so history's `oldest` means what it means on Slack."""
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    fake_slack.clock = lambda: clock.now().timestamp()
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'finder.sqlite3'}")
    service = PracticeService(database.uow_factory, question_store, check, clock, rng=random.Random(7))
    build_slack_app(service, slack_settings(fake_slack), chart=False)
    announcer = service.ctx.announcers["slack"]
    assert isinstance(announcer, SlackAnnouncer) and isinstance(announcer, PostFinder)
    await service.configure_daily(REF, TeamRef("slack", TEAM_ID), "09:00")
    try:
        yield Stack(fake_slack, service, clock, announcer)
    finally:
        await database.close()


async def claim_and_die(stack: Stack, post_it: bool = True) -> tuple[DailyPost, str | None]:
    """A process claims the day, Slack accepts its post (with `post_it`), and the process dies before
    recording the message reference."""
    now = stack.clock.now()
    async with stack.service.ctx.uow_factory() as uow:
        config = await uow.daily_configs.get(REF)
        assert config is not None
        question = stack.service.ctx.catalog.all()[0]
        draft = DailyPostDraft(REF, config.team_id, now.date(), question.id, now, now + timedelta(hours=24))
        post = await uow.daily_posts.claim(draft)
        await uow.commit()
    ref = await stack.announcer.post_question(REF, question, post) if post_it else None
    return post, ref


async def test_finds_the_question_posted_earlier_and_nothing_elsewhere(stack: Stack) -> None:
    post = await stack.service.open_daily(REF)
    stack.clock.advance(seconds=30)
    stack.fake.add_message(CHANNEL_ID, "good morning", user="UALICE01")

    assert post.message_ref is not None
    assert await stack.announcer.find_question_post(REF, post) == post.message_ref
    assert await stack.announcer.find_question_post(OTHER_REF, post) is None
    assert await stack.announcer.find_question_post(REF, dataclasses.replace(post, id=post.id + 1)) is None
    other_question = dataclasses.replace(post, question_id="slack-not-this-one")
    assert await stack.announcer.find_question_post(REF, other_question) is None
    later = dataclasses.replace(post, claimed_at=post.claimed_at + timedelta(hours=1))
    assert await stack.announcer.find_question_post(REF, later) is None  # before `oldest`: not looked at

    call = stack.fake.calls("conversations.history")[0]
    assert call["channel"] == CHANNEL_ID
    assert float(call["oldest"]) < post.claimed_at.timestamp()


async def test_reads_page_after_page_down_to_the_claim(stack: Stack) -> None:
    post = await stack.service.open_daily(REF)
    for n in range(2 * FIND_PAGE + 10):
        stack.fake.add_message(CHANNEL_ID, f"chatter {n}", user="UBOB0001")
    assert await stack.announcer.find_question_post(REF, post) == post.message_ref
    assert len(stack.fake.calls("conversations.history")) == 3


async def test_a_history_too_long_to_read_is_an_error_not_a_none(stack: Stack) -> None:
    post = await stack.service.open_daily(REF)
    for n in range(FIND_PAGE * FIND_PAGES + 1):
        stack.fake.add_message(CHANNEL_ID, f"chatter {n}", user="UBOB0001")
    with pytest.raises(HistoryTooLong):
        await stack.announcer.find_question_post(REF, post)


async def test_a_process_killed_after_slack_accepted_the_post_does_not_post_twice(stack: Stack) -> None:
    lost, first_ref = await claim_and_die(stack)
    assert len(stack.question_posts()) == 1

    stack.clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)  # the claim is stale now
    post = await stack.service.open_daily(REF)

    assert len(stack.question_posts()) == 1  # still exactly one question message at Slack
    assert (post.id, post.status, post.message_ref) == (lost.id, DailyStatus.POSTED, first_ref)
    assert len(stack.fake.calls("conversations.history")) == 1


async def test_a_take_over_of_a_claim_that_never_posted_posts_once(stack: Stack) -> None:
    lost, _ = await claim_and_die(stack, post_it=False)
    stack.clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    post = await stack.service.open_daily(REF)
    assert len(stack.question_posts()) == 1
    assert post.id == lost.id and post.status == DailyStatus.POSTED
    assert post.message_ref == f"{CHANNEL_ID}:{stack.fake.messages[-1]['ts']}"


async def test_a_post_slack_accepted_whose_answer_was_lost_is_found_by_the_retry(stack: Stack) -> None:
    """The failure is ambiguous (the message may be there): the claim is backdated, not deleted, and the
    retry, a take-over, finds the message instead of posting the question again."""
    stack.fake.lose_answer("chat.postMessage")
    with pytest.raises(SlackApiError):
        await stack.service.open_daily(REF)
    assert len(stack.question_posts()) == 1  # Slack has it
    async with stack.service.ctx.uow_factory() as uow:
        given_back = await uow.daily_posts.for_date(REF, stack.clock.now().date())
    assert given_back is not None and given_back.status == DailyStatus.CLAIMED and given_back.taken_over

    post = await stack.service.open_daily(REF)  # the scheduler's retry, without waiting for staleness
    assert len(stack.question_posts()) == 1
    assert post.id == given_back.id and post.status == DailyStatus.POSTED
    assert post.message_ref == f"{CHANNEL_ID}:{stack.fake.messages[-1]['ts']}"
    assert len(stack.fake.calls("conversations.history")) == 1


async def test_a_post_slack_refused_is_posted_by_the_retry_once(stack: Stack) -> None:
    def delivered() -> list[dict[str, object]]:
        return [m for m in stack.fake.messages if ids.DAILY_ANSWER in str(m.get("blocks"))]

    stack.fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        await stack.service.open_daily(REF)
    assert delivered() == []
    post = await stack.service.open_daily(REF)
    assert post.status == DailyStatus.POSTED
    assert len(delivered()) == 1 and post.message_ref == f"{CHANNEL_ID}:{delivered()[0]['ts']}"
    assert len(stack.fake.calls("conversations.history")) == 1  # the retry looked before posting


async def test_when_slack_cannot_show_the_history_nothing_is_posted(stack: Stack) -> None:
    lost, first_ref = await claim_and_die(stack)
    stack.clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    stack.fake.fail_next("conversations.history", status=500)
    with pytest.raises(SlackApiError):
        await stack.service.open_daily(REF)
    assert len(stack.question_posts()) == 1
    async with stack.service.ctx.uow_factory() as uow:
        kept = await uow.daily_posts.get(lost.id)
    assert kept is not None and kept.status == DailyStatus.CLAIMED  # kept: it goes stale again

    stack.clock.advance(seconds=STALE_CLAIM.total_seconds() + 60)
    post = await stack.service.open_daily(REF)
    assert post.message_ref == first_ref and len(stack.question_posts()) == 1
