"""The daily question in Slack: an admin sets it up and posts it, players answer privately through the
post's Answer button (the first answer counts, a second is refused), the reveal lands in the thread, and a
429 from chat.postMessage is retried."""

from __future__ import annotations

import json

from bot.core.model import DailyStatus
from bot.slack_adapter import ids
from tests.adapters.slack.payloads import CHANNEL_ID, SlackUser
from tests.adapters.slack.world import ALICE, BOB, CAROL, SlackWorld, all_text, buttons


async def _post_daily(world: SlackWorld) -> dict:
    setup = f"set <#{CHANNEL_ID}|general> 09:30 Europe/Paris activation 12h"
    configured = await world.ask(CAROL, "/daily", setup)
    assert "Daily question set" in all_text(configured), all_text(configured)
    posted = await world.ask(CAROL, "/daily", "post-now here")
    assert "Posted today's question" in all_text(posted), all_text(posted)
    return world.fake.messages[-1]


async def _answer(world: SlackWorld, user: SlackUser, post: dict, choice: str) -> dict:
    controls = buttons(post)
    clicked = await world.click(user, ids.DAILY_ANSWER, controls[ids.DAILY_ANSWER],
                                is_ephemeral=False, message_ts=post["ts"])
    modal = await world.opened_view(clicked.trigger_id)
    assert modal["callback_id"] == ids.DAILY_MODAL
    values = {ids.ANSWER_BLOCK: {ids.ANSWER_INPUT: {"type": "radio_buttons",
                                                    "selected_option": {"value": choice}}}}
    ack = await world.submit(user, modal, values)
    assert ack.status == 200
    return await world.fake.wait_for_response_to(clicked.response_url)


async def test_daily_answer_counts_once_and_reveal_goes_in_the_thread(world: SlackWorld) -> None:
    post = await _post_daily(world)
    assert post["channel"] == CHANNEL_ID
    assert "Question of the day" in all_text(post)
    assert ids.DAILY_ANSWER in buttons(post)

    first = await _answer(world, ALICE, post, "b")
    assert first["response_type"] == "ephemeral" and first["replace_original"] is False
    assert "Correct" in all_text(first)
    second = await _answer(world, ALICE, post, "a")
    assert "only your first answer counts" in all_text(second)
    other = await _answer(world, BOB, post, "c")
    assert "Not quite" in all_text(other)

    daily_id = int(buttons(post)[ids.DAILY_ANSWER].split("|")[0])
    results = await world.service.close_daily(daily_id)
    assert results.answers == 2 and results.correct == 1
    assert results.post.status == DailyStatus.CLOSED
    reveal = world.fake.messages[-1]
    assert reveal["thread_ts"] == post["ts"] and reveal["channel"] == CHANNEL_ID
    assert "1/2 correct" in all_text(reveal)
    assert results.post.message_ref == f"{CHANNEL_ID}:{post['ts']}"


async def test_empty_daily_answer_is_refused_inline(world: SlackWorld) -> None:
    post = await _post_daily(world)
    clicked = await world.click(ALICE, ids.DAILY_ANSWER, buttons(post)[ids.DAILY_ANSWER], is_ephemeral=False)
    modal = await world.opened_view(clicked.trigger_id)
    refused = await world.submit(ALICE, modal, {})
    assert refused.body["response_action"] == "errors"
    assert json.loads(modal["private_metadata"])["post"] > 0


async def test_a_429_on_the_daily_post_is_retried(world: SlackWorld) -> None:
    world.fake.fail_next("chat.postMessage", retry_after=1)
    post = await _post_daily(world)
    attempts = world.fake.attempts("chat.postMessage")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 1.0
    assert ids.DAILY_ANSWER in buttons(post)


async def test_daily_off_and_unknown_channel(world: SlackWorld) -> None:
    await _post_daily(world)
    off = await world.ask(CAROL, "/daily", "off")
    assert "switched off" in all_text(off)
    unclear = await world.ask(CAROL, "/daily", "set #elsewhere 09:30 UTC")
    assert "can't tell which channel" in all_text(unclear)
    bad_time = await world.ask(CAROL, "/daily", "set here 25:99 UTC")
    assert "HH:MM" in all_text(bad_time)
