"""Failures end in a clear private message, never silence: database down (the answer is shown back),
an unexpected bug (logged with context, the user gets a reference), bad custom ids, sharding, a 429 on a
follow-up, and the 3 s deadline (the first response is a defer)."""

from __future__ import annotations

import logging
import random
from types import TracebackType

import pytest

from bot.core.checking.grade import Grade
from bot.core.errors import StorageUnavailable
from bot.core.ports import UnitOfWork
from bot.core.service import PracticeService
from questions.schema import Question
from tests.adapters.discord.conftest import ALICE, StartClient
from tests.adapters.discord.driving import click, modal_id, slash, submit
from tests.adapters.discord.world import OPEN, World


class DownDatabase:
    """A unit-of-work factory whose database is unreachable."""

    def __call__(self) -> UnitOfWork:
        return self  # type: ignore[return-value]

    async def __aenter__(self) -> UnitOfWork:
        raise StorageUnavailable()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


def broken_grader(question: Question, answer: str) -> Grade:
    raise RuntimeError("grader exploded")


async def open_answer_modal(world: World) -> str:
    first = await slash(world.fake, "quiz", ALICE, {"topic": "rnn-lstm", "count": 1})
    opened = await click(world.fake, first, first.button(f"iq:ans:{ALICE.id}:{OPEN.id}"), ALICE)
    return modal_id(opened)


async def test_database_down_shows_the_unsaved_answer(world: World, start_client: StartClient) -> None:
    async with start_client(world.client()):
        modal = await open_answer_modal(world)
        world.service.ctx.uow_factory = DownDatabase()
        seen = await submit(world.fake, modal, {"answer": "gates **keep** memory"}, ALICE)
        assert "NOT saved" in seen.text or "unreachable" in seen.text
        assert "gates **keep** memory" in seen.text or "gates \\*\\*keep\\*\\* memory" in seen.text
        assert seen.ephemeral


async def test_unexpected_error_is_logged_and_told(
    world: World, start_client: StartClient, caplog: pytest.LogCaptureFixture
) -> None:
    world.service = PracticeService(
        world.database.uow_factory, world.store, broken_grader, world.clock, rng=random.Random(1)
    )
    caplog.set_level(logging.ERROR, logger="bot.discord_adapter")
    async with start_client(world.client()):
        modal = await open_answer_modal(world)
        seen = await submit(world.fake, modal, {"answer": "anything"}, ALICE)
    assert "Something went wrong on our side (reference `" in seen.text
    reference = seen.text.split("reference `")[1].split("`")[0]
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert f"user={ALICE.id}" in logged[0].getMessage() and modal in logged[0].getMessage()


@pytest.mark.parametrize("custom_id", ["iq:bogus:1", "iq:pick", "iq:daily:notanumber:x", "iq:appeal:1:2:3"])
async def test_damaged_custom_ids_get_a_message(
    world: World, start_client: StartClient, custom_id: str
) -> None:
    async with start_client(world.client()):
        first = await slash(world.fake, "quiz", ALICE, {"topic": "cnn", "count": 1})
        message = dict(first.message or {})
        message["components"] = [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": custom_id}]}
        ]
        seen = await click(world.fake, message, custom_id, ALICE)
        assert seen.ephemeral and seen.text.strip()


async def test_followup_429_is_retried(world: World, start_client: StartClient) -> None:
    fake = world.fake
    async with start_client(world.client()):
        fake.rate_limit("POST", rf"/webhooks/{fake.application_id}/.+", retry_after=0.1)
        seen = await slash(fake, "quiz", ALICE, {"topic": "cnn", "count": 1})
        assert "Question 1/1" in seen.text
    followups = fake.sent("POST", rf"/webhooks/{fake.application_id}/.+")
    assert [r.status for r in followups] == [429, 200]


async def test_sharded_client_serves_commands(world: World, start_client: StartClient) -> None:
    async with start_client(world.client(sharded=True)):
        seen = await slash(world.fake, "quiz", ALICE, {"topic": "cnn", "count": 1})
        assert "Question 1/1" in seen.text
    assert world.fake.identifies[0]["shard"] == [0, 1]
    assert world.fake.sent("GET", "/gateway/bot")
    assert world.fake.identifies[0]["intents"] == 1  # guilds only: no message content, no members
