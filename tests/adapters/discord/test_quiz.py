"""A quiz end to end: slash command → question → button or modal → feedback embed → next → summary."""

from __future__ import annotations

from bot.core.checking import check
from bot.discord_adapter.render import EMBED_TOTAL, FIELD_LIMIT, MESSAGE_LIMIT
from questions.schema import Kind, Question
from tests.adapters.discord.conftest import ALICE, BOB, StartClient
from tests.adapters.discord.driving import Seen, click, modal_id, slash, submit
from tests.adapters.discord.world import GOOD_OPEN_ANSWER, World


def question_of(world: World, seen: Seen) -> Question:
    """The question a message shows, from its footer (`<id> · ...`)."""
    footer = seen.embeds[-1]["footer"]["text"]
    return world.store.get(footer.split(" · ")[0])


async def answer(world: World, seen: Seen, question: Question, text: str) -> Seen:
    """Answer the way the UI offers: an option button for choices, the Answer button and its modal else."""
    if question.kind == Kind.CHOICE:
        return await click(world.fake, seen, seen.button(f"iq:pick:{ALICE.id}:{question.id}:{text}"), ALICE)
    opened = await click(world.fake, seen, seen.button(f"iq:ans:{ALICE.id}:"), ALICE)
    return await submit(world.fake, modal_id(opened), {"answer": text}, ALICE)


def right_answer(question: Question) -> str:
    return (question.correct or ["?"])[0] if question.kind == Kind.CHOICE else GOOD_OPEN_ANSWER


async def test_full_quiz(world: World, start_client: StartClient) -> None:
    async with start_client(world.client()):
        first = await slash(world.fake, "quiz", ALICE, {"topic": "cnn", "count": 2})
        assert first.callback.json["type"] == 5  # deferred before touching the database
        assert first.ephemeral
        assert "Question 1/2" in first.text
        assert first.sent is not None and first.sent.json["allowed_mentions"]["parse"] == []

        seen = first
        for position in (1, 2):
            question = question_of(world, seen)
            text = right_answer(question)
            feedback = await answer(world, seen, question, text)
            expected = check(question, text)
            assert feedback.callback.json["type"] == 5
            assert f"score {round(expected.score * 100)}%" in feedback.text
            fields = {f["name"]: f["value"] for f in feedback.embeds[0]["fields"]}
            assert question.reference_answer in fields["Reference answer"]
            assert fields["Explanation"] == question.explanation
            for point in expected.covered:
                assert point in fields["Covered"]
            assert any(c.startswith(f"iq:appeal:{ALICE.id}:") for c in feedback.custom_ids())
            if position == 1:
                seen = await click(world.fake, feedback, feedback.button(f"iq:next:{ALICE.id}"), ALICE)
                assert "Question 2/2" in seen.text
            else:
                assert "Session summary" in feedback.text
                assert not any(c.startswith("iq:next") for c in feedback.custom_ids())

        stats = await world.service.stats(world.player(ALICE))
        assert stats.attempts == 2


async def test_hint_skip_and_stale_buttons(world: World, start_client: StartClient) -> None:
    async with start_client(world.client()):
        first = await slash(world.fake, "quiz", ALICE, {"topic": "cnn", "count": 2})
        question = question_of(world, first)
        hint = await click(world.fake, first, first.button(f"iq:hint:{ALICE.id}:{question.id}"), ALICE)
        assert "Hint 1/" in hint.text

        skipped = await click(world.fake, first, first.button(f"iq:skip:{ALICE.id}:{question.id}"), ALICE)
        assert f"Skipped `{question.id}`" in skipped.text
        assert "Question 2/2" in skipped.text

        # The first question's buttons are stale now: refused with a clear message, nothing recorded.
        stale = await click(world.fake, first, first.button(f"iq:skip:{ALICE.id}:{question.id}"), ALICE)
        assert "no longer waiting" in stale.text
        assert stale.ephemeral

        # Somebody else's buttons are refused too.
        foreign = await click(world.fake, skipped, skipped.button(f"iq:skip:{ALICE.id}:"), BOB)
        assert "belong to someone else" in foreign.text

        stopped = await click(world.fake, skipped, skipped.button(f"iq:stop:{ALICE.id}"), ALICE)
        assert "Quiz stopped" in stopped.text
        assert (await world.service.stats(world.player(ALICE))).attempts == 0


async def test_long_answer_and_injection_are_inert(world: World, start_client: StartClient) -> None:
    hostile = "@everyone @here <@123456789012345678> <@&987654321098765432> "
    hostile += "**bold** `tick` ||spoiler|| [x](http://e.x) "
    long_answer = (hostile + GOOD_OPEN_ANSWER + " ") * 40
    long_answer = long_answer[:4000]
    async with start_client(world.client()):
        first = await slash(world.fake, "quiz", ALICE, {"topic": "rnn-lstm", "count": 1})
        opened = await click(world.fake, first, first.button(f"iq:ans:{ALICE.id}:"), ALICE)
        text_input = opened.callback.json["data"]["components"][0]["components"][0]
        assert text_input["max_length"] == 4000
        feedback = await submit(world.fake, modal_id(opened), {"answer": long_answer}, ALICE)

        assert feedback.sent is not None
        body = feedback.body
        assert body["allowed_mentions"]["parse"] == []
        assert not body["allowed_mentions"].get("users") and not body["allowed_mentions"].get("roles")
        embed = feedback.embeds[0]
        assert all(len(f["value"]) <= FIELD_LIMIT for f in embed["fields"])
        assert len(body.get("content") or "") <= MESSAGE_LIMIT
        assert (
            sum(len(embed.get(k) or "") for k in ("title", "description"))
            + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
            + len(embed["footer"]["text"])
            <= EMBED_TOTAL
        )
        echoed = {f["name"]: f["value"] for f in embed["fields"]}["Your answer"]
        assert echoed.endswith("…")
        assert "@everyone" not in echoed and "@here" not in echoed
        assert "<@123456789012345678>" not in echoed and "<@&987654321098765432>" not in echoed
        assert "\\*\\*bold\\*\\*" in echoed and "\\|\\|spoiler\\|\\|" in echoed
        # the whole 4,000 characters were graded and stored, not the shown excerpt
        stats = await world.service.stats(world.player(ALICE))
        assert stats.attempts == 1


async def test_review_serves_unanswered_questions(world: World, start_client: StartClient) -> None:
    async with start_client(world.client()):
        seen = await slash(world.fake, "review", ALICE, {"count": 2})
        assert "Question 1/2" in seen.text
        assert world.store.get(question_of(world, seen).id) is not None
