"""The daily question: admin set-up, the public post with its Answer button, private answers (the second
refused), a restart between the post and the click, and the reveal in a thread under the question."""

from __future__ import annotations

import re

from tests.adapters.discord.conftest import ADMIN, ALICE, BOB, StartClient
from tests.adapters.discord.driving import click, modal_id, slash, submit
from tests.adapters.discord.payloads import JSON, ChannelOption
from tests.adapters.discord.world import GOOD_OPEN_ANSWER, OPEN, TRUE_FALSE, World


async def set_up_daily(world: World) -> None:
    fake = world.fake
    seen = await slash(
        fake,
        "daily set",
        ADMIN,
        {
            "channel": ChannelOption(fake.channel_id),
            "time": "09:00",
            "timezone": "Europe/Paris",
            "topics": "rnn-lstm",
        },
    )
    assert "Daily question at 09:00 (Europe/Paris)" in seen.text, seen.text


async def post_now(world: World) -> JSON:
    fake = world.fake
    mark = len(fake.requests)
    seen = await slash(fake, "daily post-now", ADMIN)
    assert f"Posted today's question (`{OPEN.id}`)" in seen.text, seen.text
    posted = await fake.wait_for(
        lambda r: r.method == "POST" and r.path == f"/channels/{fake.channel_id}/messages", start=mark
    )
    assert posted.json["allowed_mentions"]["parse"] == []
    return fake.message_of(posted)


def post_id_of(message: JSON) -> int:
    custom_id = message["components"][0]["components"][0]["custom_id"]
    match = re.fullmatch(r"iq:daily:(\d+):(.+)", custom_id)
    assert match, custom_id
    return int(match[1])


async def test_daily_answer_once_then_reveal_in_thread(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        await set_up_daily(world)
        message = await post_now(world)
        assert OPEN.prompt in message["embeds"][0]["description"]
        answer_button = message["components"][0]["components"][0]["custom_id"]

        opened = await click(fake, message, answer_button, ALICE)
        assert modal_id(opened) == f"iqm:daily:{ALICE.id}:{post_id_of(message)}"
        feedback = await submit(fake, modal_id(opened), {"answer": GOOD_OPEN_ANSWER}, ALICE)
        assert feedback.ephemeral
        assert "score" in feedback.embeds[0]["title"]
        assert OPEN.reference_answer not in feedback.text  # kept for the reveal

        again = await click(fake, message, answer_button, ALICE)
        refused = await submit(fake, modal_id(again), {"answer": "a second try"}, ALICE)
        assert "already answered" in refused.text
        assert refused.ephemeral

        bob = await click(fake, message, answer_button, BOB)
        await submit(fake, modal_id(bob), {"answer": "no idea"}, BOB)

        mark = len(fake.requests)
        results = await world.service.close_daily(post_id_of(message))
        assert results.answers == 2
        thread = fake.sent("POST", rf"/channels/{fake.channel_id}/messages/{message['id']}/threads")
        assert len(thread) == 1
        reveal = await fake.wait_for(
            lambda r: r.method == "POST" and r.path == f"/channels/{message['id']}/messages", start=mark
        )
        embed = reveal.json["embeds"][0]
        assert OPEN.reference_answer in embed["description"]
        assert "2 answer(s)" in str(embed["fields"])
        assert reveal.json["allowed_mentions"]["parse"] == []
        closed = fake.sent("PATCH", rf"/channels/{fake.channel_id}/messages/{message['id']}")
        assert closed and closed[0].json["components"][0]["components"][0]["disabled"] is True

        late = await click(fake, message, answer_button, BOB)
        refused_late = await submit(fake, modal_id(late), {"answer": "late"}, BOB)
        assert "closed" in refused_late.text


async def test_restart_between_post_and_click(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        await set_up_daily(world)
        message = await post_now(world)
    answer_button = message["components"][0]["components"][0]["custom_id"]

    async with start_client(world.client()):  # a new process: nothing in memory survives
        opened = await click(fake, message, answer_button, ALICE)
        feedback = await submit(fake, modal_id(opened), {"answer": GOOD_OPEN_ANSWER}, ALICE)
        assert "score" in feedback.embeds[0]["title"]
        await world.service.close_daily(post_id_of(message))
        assert fake.sent("POST", rf"/channels/{message['id']}/messages")


async def test_modal_opened_before_restart_is_answered_after(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        await set_up_daily(world)
        message = await post_now(world)
        opened = await click(fake, message, message["components"][0]["components"][0]["custom_id"], ALICE)
    async with start_client(world.client()):
        feedback = await submit(fake, modal_id(opened), {"answer": GOOD_OPEN_ANSWER}, ALICE)
        assert "score" in feedback.embeds[0]["title"]


async def test_post_survives_a_429(world: World, start_client: StartClient) -> None:
    fake = world.fake
    fake.rate_limit("POST", rf"/channels/{fake.channel_id}/messages", retry_after=0.1)
    async with start_client(world.client()):
        await set_up_daily(world)
        await post_now(world)
    statuses = [r.status for r in fake.sent("POST", rf"/channels/{fake.channel_id}/messages")]
    assert statuses == [429, 200]


async def test_daily_choice_question_answers_by_private_buttons(
    world: World, start_client: StartClient
) -> None:
    fake = world.fake
    async with start_client(world.client()):
        seen = await slash(
            fake,
            "daily set",
            ADMIN,
            {"channel": ChannelOption(fake.channel_id), "time": "07:30", "topics": "regularization"},
        )
        assert "07:30 (UTC)" in seen.text
        mark = len(fake.requests)
        await slash(fake, "daily post-now", ADMIN)
        posted = await fake.wait_for(
            lambda r: r.method == "POST" and r.path == f"/channels/{fake.channel_id}/messages", start=mark
        )
        message = fake.message_of(posted)
        assert TRUE_FALSE.prompt in message["embeds"][0]["description"]
        answer_button = message["components"][0]["components"][0]["custom_id"]

        choices = await click(fake, message, answer_button, BOB)
        assert choices.callback.json["type"] == 4 and choices.ephemeral  # no database before this answer
        post_id = post_id_of(message)
        feedback = await click(fake, choices, choices.button(f"iq:dpick:{BOB.id}:{post_id}:true"), BOB)
        assert "Correct" in feedback.embeds[0]["title"]
        again = await click(fake, choices, choices.button(f"iq:dpick:{BOB.id}:{post_id}:false"), BOB)
        assert "already answered" in again.text
        stolen = await click(fake, choices, choices.button(f"iq:dpick:{BOB.id}:{post_id}:false"), ALICE)
        assert "belong to someone else" in stolen.text
