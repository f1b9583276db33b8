"""The Slack announcer's `find_reveal_post` through the real slack_sdk against the fake Slack's
`conversations.replies`, and what it exists for: a reveal whose outcome is unknown (Slack accepted it but
the answer was lost, or the process died before recording it) is found by the retry, never posted twice."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from bot.core.daily import STALE_REVEAL_CLAIM
from bot.core.model import DailyPost, DailyResults
from bot.core.ports import RevealFinder
from questions.store import QuestionStore
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.payloads import CHANNEL_ID
from tests.adapters.slack.test_daily_finder import REF, Stack, open_stack


@pytest.fixture
async def stack(tmp_path: Path, fake_slack: FakeSlack, question_store: QuestionStore) -> AsyncIterator[Stack]:
    async with open_stack(tmp_path, fake_slack, question_store) as opened:
        assert isinstance(opened.announcer, RevealFinder)
        yield opened


def reveals(stack: Stack) -> list[dict[str, object]]:
    """The reveal messages Slack holds (whatever the bot was told about them)."""
    return [m for m in stack.fake.messages if "reveal|" in str(m.get("blocks"))]


async def closed(stack: Stack) -> DailyResults:
    """Today's question posted and closed, its reveal not posted yet."""
    post = await stack.service.open_daily(REF)
    stack.clock.advance(hours=24)
    return await stack.service.close_daily(post.id, announce=False)


async def stored(stack: Stack, post_id: int) -> DailyPost:
    async with stack.service.ctx.uow_factory() as uow:
        post = await uow.daily_posts.get(post_id)
    assert post is not None
    return post


async def retry(stack: Stack, post_id: int) -> DailyResults:
    return await stack.service.daily.reveal(await stack.service.daily_results(post_id))


async def test_finds_the_reveal_in_the_question_thread_and_nothing_else(stack: Stack) -> None:
    results = await closed(stack)
    revealed = await stack.service.daily.reveal(results)
    post, question_ref = revealed.post, results.post.message_ref
    assert question_ref is not None and post.reveal_ref is not None
    stack.fake.add_message(CHANNEL_ID, "nice one", user="UALICE01", thread_ts=question_ref.split(":")[1])

    assert await stack.announcer.find_reveal_post(REF, question_ref, post) == post.reveal_ref
    other = dataclasses.replace(post, id=post.id + 1)
    assert await stack.announcer.find_reveal_post(REF, question_ref, other) is None
    gone = f"{CHANNEL_ID}:1.000001"  # a question message Slack does not have: no thread, no reveal in it
    assert await stack.announcer.find_reveal_post(REF, gone, post) is None
    call = stack.fake.calls("conversations.replies")[0]
    assert (call["channel"], call["ts"]) == (CHANNEL_ID, question_ref.split(":")[1])


async def test_a_reveal_whose_answer_was_lost_is_found_by_the_retry_not_posted_again(stack: Stack) -> None:
    results = await closed(stack)
    stack.fake.lose_answer("chat.postMessage")
    with pytest.raises(SlackApiError):
        await stack.service.daily.reveal(results)
    assert len(reveals(stack)) == 1  # Slack has it
    backdated = await stored(stack, results.post.id)
    assert backdated.reveal_ref is None and backdated.reveal_claimed_at is not None

    revealed = await retry(stack, results.post.id)  # at once: the claim was backdated

    assert len(reveals(stack)) == 1
    assert revealed.post.reveal_ref == f"{CHANNEL_ID}:{reveals(stack)[0]['ts']}"
    assert (await stored(stack, results.post.id)).reveal_ref == revealed.post.reveal_ref
    assert len(stack.fake.calls("conversations.replies")) == 1


async def test_a_reveal_slack_refused_is_posted_by_the_retry_once(stack: Stack) -> None:
    results = await closed(stack)
    stack.fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        await stack.service.daily.reveal(results)
    assert reveals(stack) == []

    revealed = await retry(stack, results.post.id)

    assert len(reveals(stack)) == 1
    assert reveals(stack)[0]["thread_ts"] == (results.post.message_ref or "").split(":")[1]
    assert revealed.post.reveal_ref == f"{CHANNEL_ID}:{reveals(stack)[0]['ts']}"
    assert len(stack.fake.calls("conversations.replies")) == 1  # the retry looked before posting


async def test_a_process_that_died_after_slack_accepted_the_reveal_is_found_once_stale(stack: Stack) -> None:
    results = await closed(stack)
    async with stack.service.ctx.uow_factory() as uow:  # it took the claim, posted, and died
        claim = await uow.daily_posts.claim_reveal(results.post.id, stack.clock.now(), stack.clock.now())
        assert claim is not None
        await uow.commit()
    await stack.announcer.post_reveal(REF, results.post.message_ref or "", results)
    stack.clock.advance(seconds=STALE_REVEAL_CLAIM.total_seconds() + 60)

    revealed = await retry(stack, results.post.id)

    assert len(reveals(stack)) == 1
    assert revealed.post.reveal_ref == f"{CHANNEL_ID}:{reveals(stack)[0]['ts']}"


async def test_when_slack_cannot_show_the_thread_nothing_is_posted_and_the_claim_kept(stack: Stack) -> None:
    results = await closed(stack)
    stack.fake.lose_answer("chat.postMessage")
    with pytest.raises(SlackApiError):
        await stack.service.daily.reveal(results)
    stack.fake.fail_next("conversations.replies", status=500)
    with pytest.raises(SlackApiError):
        await retry(stack, results.post.id)
    kept = await stored(stack, results.post.id)
    assert len(reveals(stack)) == 1
    assert kept.reveal_ref is None and kept.reveal_claimed_at == stack.clock.now()  # fresh: kept

    stack.clock.advance(seconds=STALE_REVEAL_CLAIM.total_seconds() + 60)
    revealed = await retry(stack, results.post.id)
    assert len(reveals(stack)) == 1
    assert revealed.post.reveal_ref == f"{CHANNEL_ID}:{reveals(stack)[0]['ts']}"
