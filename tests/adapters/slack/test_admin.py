"""Admin commands: refused to ordinary members, allowed to workspace admins (users.info) and to the
configured admin list; appeals resolved by buttons; packs uploaded through a modal with inline errors, for
the uploading workspace only."""

from __future__ import annotations

import aiohttp
import pytest

from bot.core.errors import UnknownQuestion
from bot.core.service import PracticeService
from bot.slack_adapter import ids
from bot.slack_adapter.app import build_slack_app
from questions.store import QuestionStore
from tests.adapters.slack.conftest import slack_settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import HttpDriver, HttpServer
from tests.adapters.slack.payloads import SlackUser, text_value
from tests.adapters.slack.world import ALICE, BOB, CAROL, SlackWorld, all_text, buttons, player

VALID_PACK = """\
pack: uploaded
title: Uploaded pack
questions:
  - id: uploaded-sigmoid-range
    prompt: Which range does the sigmoid output?
    kind: choice
    reference_answer: "(0, 1)"
    topics: [activation-functions]
    difficulty: fresher
    options:
      - {key: a, text: "(0, 1)"}
      - {key: b, text: "(-1, 1)"}
    correct: [a]
"""


async def test_members_cannot_run_admin_commands(world: SlackWorld) -> None:
    world.fake.add_user(BOB.id, BOB.name)
    for command, text in (("/daily", "set here 09:00 UTC"), ("/daily", "post-now"), ("/appeals", ""),
                          ("/packs", "upload"), ("/packs", "disable slack-test")):
        reply = await world.ask(BOB, command, text)
        assert "Only workspace admins" in all_text(reply), (command, all_text(reply))
    assert world.fake.calls("views.open") == []
    assert world.fake.calls("chat.postMessage") == []
    assert await enabled_packs(world, BOB) == {"slack-test"}
    assert {c["user"] for c in world.fake.calls("users.info")} == {BOB.id}


async def test_the_configured_admin_list_is_enough(fake_slack: FakeSlack, service: PracticeService,
                                                   question_store: QuestionStore,
                                                   http_session: aiohttp.ClientSession) -> None:
    app = build_slack_app(service, slack_settings(fake_slack, admin_user_ids=(BOB.id,)))
    server = await HttpServer(app).start()
    try:
        world = SlackWorld(fake_slack, HttpDriver(server.url, http_session), service, question_store, app)
        reply = await world.ask(BOB, "/packs", "list")
        assert "slack-test" in all_text(reply)
        assert fake_slack.calls("users.info") == []
    finally:
        await server.stop()


async def test_appeals_are_listed_and_resolved_by_an_admin(world: SlackWorld) -> None:
    await world.ask(ALICE, "/quiz", "choice")
    feedback = await world.press(ALICE, f"{ids.QUIZ_CHOICE}:a", "slack-relu-range|a")
    attempt_id = int(buttons(feedback)[ids.QUIZ_APPEAL])
    await world.service.appeal(player(ALICE), "<!channel> please", attempt_id)
    listed = await world.ask(CAROL, "/appeals")
    assert "&lt;!channel&gt; please" in all_text(listed)
    appeal_id = buttons(listed)[ids.APPEAL_ACCEPT]
    world.fake.add_user(BOB.id, BOB.name)
    refused = await world.press(BOB, ids.APPEAL_ACCEPT, appeal_id)
    assert "Only workspace admins" in all_text(refused)
    done = await world.press(CAROL, ids.APPEAL_ACCEPT, appeal_id)
    assert f"Appeal #{appeal_id} accepted" in all_text(done)
    assert "No open appeals" in all_text(await world.ask(CAROL, "/appeals"))


async def test_pack_upload_lists_problems_inline_then_adds_the_pack(world: SlackWorld) -> None:
    ack, _url = await world.command(CAROL, "/packs", "upload")
    assert ack.status == 200
    await world.fake.wait_for_calls("views.open")
    modal = world.fake.calls("views.open")[0]["view"]
    assert modal["callback_id"] == ids.PACK_MODAL

    broken = VALID_PACK.replace("difficulty: fresher", "difficulty: wizard")
    broken = broken.replace("correct: [a]", "correct: [z]")
    refused = await world.submit(CAROL, modal, text_value(ids.PACK_BLOCK, ids.PACK_INPUT, broken))
    assert refused.body["response_action"] == "errors"
    problems = refused.body["errors"][ids.PACK_BLOCK]
    assert "upload.yaml:" in problems and "wizard" in problems
    assert "uploaded" not in await enabled_packs(world, CAROL)

    not_yaml = await world.submit(CAROL, modal, text_value(ids.PACK_BLOCK, ids.PACK_INPUT, "pack: [unclosed"))
    assert not_yaml.body["response_action"] == "errors"

    added = await world.submit(CAROL, modal, text_value(ids.PACK_BLOCK, ids.PACK_INPUT, VALID_PACK))
    assert added.body["response_action"] == "update"
    assert await enabled_packs(world, CAROL) == {"slack-test", "uploaded"}
    disabled = await world.ask(CAROL, "/packs", "disable uploaded")
    assert "disabled" in all_text(disabled) and await enabled_packs(world, CAROL) == {"slack-test"}
    missing = await world.ask(CAROL, "/packs", "enable nope")
    assert "There is no pack" in all_text(missing)


async def enabled_packs(world: SlackWorld, user: SlackUser) -> set[str]:
    return {p.name for p in await world.service.list_packs(player(user)) if p.enabled}


async def test_an_upload_in_one_workspace_is_not_offered_in_another(world: SlackWorld) -> None:
    dave = SlackUser("UDAVE001", "dave", team_id="T0OTHER1")  # an admin of another workspace
    world.fake.add_user(dave.id, dave.name, is_admin=True)
    await world.command(CAROL, "/packs", "upload")
    await world.fake.wait_for_calls("views.open")
    modal = world.fake.calls("views.open")[0]["view"]
    added = await world.submit(CAROL, modal, text_value(ids.PACK_BLOCK, ids.PACK_INPUT, VALID_PACK))
    assert added.body["response_action"] == "update"
    here = await world.ask(ALICE, "/quiz", "activation 5")
    assert "Question 1/2" in all_text(here)  # the shipped ReLU question and the uploaded sigmoid one

    there = await world.ask(dave, "/quiz", "activation 5")
    assert "Question 1/1" in all_text(there) and "sigmoid" not in all_text(there)
    listed = all_text(await world.ask(dave, "/packs", "list"))
    assert "slack-test" in listed and "uploaded" not in listed
    assert "There is no pack" in all_text(await world.ask(dave, "/packs", "disable uploaded"))
    assert "disabled" in all_text(await world.ask(dave, "/packs", "disable slack-test"))
    assert await enabled_packs(world, dave) == set()
    assert await enabled_packs(world, CAROL) == {"slack-test", "uploaded"}
    with pytest.raises(UnknownQuestion):
        await world.service.team_question(player(dave), "uploaded-sigmoid-range")

