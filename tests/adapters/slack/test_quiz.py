"""A full quiz through Slack, over HTTP and over Socket Mode: slash command, buttons, the Answer modal with
inline validation, feedback in Block Kit, hint, skip, next, stop, appeal."""

from __future__ import annotations

import json

from bot.slack_adapter import ids
from tests.adapters.slack.payloads import text_value
from tests.adapters.slack.world import ALICE, SlackWorld, all_text, buttons, player


async def test_open_question_through_the_answer_modal(any_world: SlackWorld) -> None:
    world = any_world
    question = await world.ask(ALICE, "/quiz", "fundamentals")
    assert question["response_type"] == "ephemeral"
    assert "What is deep learning?" in all_text(question)
    controls = buttons(question)
    assert controls[ids.QUIZ_ANSWER] == "slack-what-is-dl"
    assert {ids.QUIZ_SKIP, ids.QUIZ_STOP, ids.QUIZ_HINT} <= set(controls)

    clicked = await world.click(ALICE, ids.QUIZ_ANSWER, controls[ids.QUIZ_ANSWER])
    assert clicked.ack.status == 200
    modal = await world.opened_view(clicked.trigger_id)
    assert modal["callback_id"] == ids.QUIZ_MODAL
    assert json.loads(modal["private_metadata"])["r"] == clicked.response_url

    refused = await world.submit(ALICE, modal, text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, "   "))
    assert refused.body["response_action"] == "errors"
    assert ids.ANSWER_BLOCK in refused.body["errors"]

    answer = "Neural networks with many layers that learn representations from raw data."
    accepted = await world.submit(ALICE, modal, text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, answer))
    assert accepted.status == 200 and not accepted.body
    feedback = await world.fake.wait_for_response_to(clicked.response_url)
    text = all_text(feedback)
    assert feedback["replace_original"] is True
    for part in ("Score", "Your answer", "Reference answer", "Why", "Session over"):
        assert part in text
    assert "Covered" in text or "Missed" in text
    assert ids.QUIZ_APPEAL in buttons(feedback)
    stats = await world.service.stats(player(ALICE))
    assert stats.attempts == 1


async def test_choice_by_button_then_next_question(any_world: SlackWorld) -> None:
    world = any_world
    first = await world.ask(ALICE, "/quiz", "fresher 3")
    seen = set()
    message = first
    for _ in range(3):
        controls = buttons(message)
        if f"{ids.QUIZ_CHOICE}:b" in controls:
            reply = await world.press(ALICE, f"{ids.QUIZ_CHOICE}:b", controls[f"{ids.QUIZ_CHOICE}:b"])
            assert "Correct" in all_text(reply)
            seen.add("choice")
        elif f"{ids.QUIZ_CHOICE}:true" in controls:
            reply = await world.press(ALICE, f"{ids.QUIZ_CHOICE}:true", controls[f"{ids.QUIZ_CHOICE}:true"])
            assert "Correct" in all_text(reply)
            seen.add("true_false")
        else:
            reply = await world.press(ALICE, ids.QUIZ_SKIP, controls[ids.QUIZ_SKIP])
            assert "Skipped" in all_text(reply)
            seen.add("skip")
            message = reply
            continue
        next_id = buttons(reply).get(ids.QUIZ_NEXT)
        if next_id is None:
            assert "Session over" in all_text(reply)
            break
        message = await world.press(ALICE, ids.QUIZ_NEXT, next_id)
    assert {"choice", "true_false"} <= seen


async def test_a_button_from_an_old_message_is_refused(world: SlackWorld) -> None:
    await world.ask(ALICE, "/quiz", "choice")
    await world.ask(ALICE, "/quiz", "fundamentals")
    stale = await world.press(ALICE, f"{ids.QUIZ_CHOICE}:b", "slack-relu-range|b")
    assert "no longer waiting" in all_text(stale)
    assert (await world.service.stats(player(ALICE))).attempts == 0


async def test_hint_and_stop(world: SlackWorld) -> None:
    question = await world.ask(ALICE, "/quiz", "fundamentals")
    hint = await world.press(ALICE, ids.QUIZ_HINT, buttons(question)[ids.QUIZ_HINT])
    assert "Hint 1/" in all_text(hint)
    stopped = await world.press(ALICE, ids.QUIZ_STOP, buttons(question)[ids.QUIZ_STOP])
    assert "Session over" in all_text(stopped)


async def test_appeal_from_the_feedback(world: SlackWorld) -> None:
    await world.ask(ALICE, "/quiz", "choice")
    feedback = await world.press(ALICE, f"{ids.QUIZ_CHOICE}:a", "slack-relu-range|a")
    clicked = await world.click(ALICE, ids.QUIZ_APPEAL, buttons(feedback)[ids.QUIZ_APPEAL])
    modal = await world.opened_view(clicked.trigger_id)
    assert modal["callback_id"] == ids.APPEAL_MODAL
    empty = await world.submit(ALICE, modal, text_value(ids.REASON_BLOCK, ids.REASON_INPUT, ""))
    assert empty.body["response_action"] == "errors"
    await world.submit(ALICE, modal, text_value(ids.REASON_BLOCK, ids.REASON_INPUT, "(a) is right for tanh"))
    confirmation = await world.fake.wait_for_response_to(clicked.response_url)
    assert "Appeal #" in all_text(confirmation)


async def test_core_errors_become_a_clear_ephemeral_message(world: SlackWorld) -> None:
    unknown = await world.ask(ALICE, "/quiz", "astrology")
    assert "Unknown topic" in all_text(unknown) and unknown["response_type"] == "ephemeral"
    nothing = await world.press(ALICE, ids.QUIZ_HINT, "slack-relu-range")
    assert "waiting for an answer" in all_text(nothing)

