"""Nothing a user types can ping anyone, and nothing we render exceeds Block Kit's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.checking.grade import Grade, Verdict
from bot.core.model import (
    Attempt,
    AttemptMode,
    DailyAnswerRow,
    DailyPost,
    DailyResults,
    LeaderboardRow,
    Team,
    Window,
)
from bot.core.views import Feedback, Leaderboard, QuestionView
from bot.slack_adapter import blocks, ids, render
from questions.schema import Difficulty, Kind, Option, Question, Topic
from tests.adapters.slack.payloads import text_value
from tests.adapters.slack.world import ALICE, SlackWorld, all_text, buttons

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS01>", "<#C0SECRET>", "<https://evil.test|click>")
INJECTION = "<!channel> <!here> <@U0BOSS01> & <b>bold</b> @here"


def assert_within_limits(message: dict[str, Any], max_blocks: int = blocks.MESSAGE_BLOCKS) -> None:
    assert len(message["blocks"]) <= max_blocks
    for block in message["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= blocks.SECTION_TEXT
        elif block["type"] == "header":
            assert len(block["text"]["text"]) <= blocks.HEADER_TEXT
        elif block["type"] == "actions":
            assert len(block["elements"]) <= blocks.ACTIONS_ELEMENTS
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= blocks.BUTTON_TEXT
                assert len(element["value"]) <= blocks.BUTTON_VALUE
        elif block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10


def assert_no_ping(text: str) -> None:
    for ping in PINGS:
        assert ping not in text


async def test_channel_injection_in_an_answer_is_escaped(world: SlackWorld) -> None:
    question = await world.ask(ALICE, "/quiz", "fundamentals")
    clicked = await world.click(ALICE, ids.QUIZ_ANSWER, buttons(question)[ids.QUIZ_ANSWER])
    modal = await world.opened_view(clicked.trigger_id)
    await world.submit(ALICE, modal, text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, INJECTION))
    feedback = await world.fake.wait_for_response_to(clicked.response_url)
    text = all_text(feedback)
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U0BOSS01&gt; &amp; &lt;b&gt;" in text
    assert "@\u2060here" in text
    assert_no_ping(text)
    for request in world.fake.requests:
        assert b"<!channel>" not in request.raw


def _question(prompt: str = "What?", options: int = 3, code: str | None = None) -> Question:
    return Question(
        id="q-1", prompt=prompt, kind=Kind.CHOICE, reference_answer="ref " * 10, topics=[Topic.CNN],
        difficulty=Difficulty.SENIOR, options=[Option(key=chr(97 + i), text=f"option {i} " * 20)
                                               for i in range(options)],
        correct=["a"], code=code,
    )


def _feedback(answer: str, covered: tuple[str, ...], question: Question) -> Feedback:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    attempt = Attempt(player_id=1, team_id=1, question_id=question.id, topics=("cnn",), difficulty="senior",
                      mode=AttemptMode.QUIZ, answer=answer, score=0.5, verdict=Verdict.PARTIAL, points=3,
                      hints_used=0, counted=True, covered=covered, missed=covered, created_at=now,
                      local_date=now.date(), id=9)
    grade = Grade(0.5, Verdict.PARTIAL, covered, covered, feedback=answer, misconceptions=covered)
    return Feedback(attempt, grade, question, True, 3)


text_st = st.text(min_size=0, max_size=6000) | st.sampled_from(PINGS).map(lambda p: p * 500)


@settings(max_examples=60, deadline=None)
@given(text_st, st.lists(text_st, max_size=8))
def test_feedback_is_escaped_and_within_limits(answer: str, covered: list[str]) -> None:
    message = render.feedback_message(_feedback(answer, tuple(covered), _question(prompt=answer or "?")))
    assert_within_limits(message)
    assert_no_ping(all_text(message))
    assert len(message["text"]) <= blocks.FALLBACK_TEXT


@settings(max_examples=40, deadline=None)
@given(text_st, st.integers(min_value=2, max_value=26), st.none() | text_st)
def test_question_message_within_limits(prompt: str, options: int, code: str | None) -> None:
    view = QuestionView(1, _question(prompt or "?", options, code or None), 1, 5, AttemptMode.QUIZ, 0, 3, 2)
    message = render.question_message(view)
    assert_within_limits(message)
    assert_no_ping(all_text(message))


@settings(max_examples=40, deadline=None)
@given(st.lists(text_st, min_size=0, max_size=30))
def test_leaderboard_and_reveal_escape_names_and_answers(names: list[str]) -> None:
    rows = tuple(LeaderboardRow(i + 1, i, name, 10 - i, 3, 2) for i, name in enumerate(names))
    me = rows[-1] if rows else None
    board = Leaderboard(Team(1, "slack", "T1", "team"), Window.ALL, None, None, rows, me)
    message = render.leaderboard_message(board)
    assert_within_limits(message)
    assert_no_ping(all_text(message))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    post = DailyPost("slack:T1/C1", 1, date(2026, 1, 1), "q-1", now, now, id=1)
    top = tuple(DailyAnswerRow(i, name, 0.5, Verdict.PARTIAL, 2, name) for i, name in enumerate(names[:5]))
    reveal = render.reveal_message(DailyResults(post, "q-1", "ref", "why", len(names), 0, top))
    assert_within_limits(reveal)
    assert_no_ping(all_text(reveal))


def test_truncate_never_splits_an_entity() -> None:
    escaped = blocks.safe("&" * 100, 50)
    assert len(escaped) <= 50
    assert escaped.endswith("…") and escaped[:-1].endswith("&amp;")


def test_too_many_blocks_are_cut_to_fifty() -> None:
    many = [blocks.section(str(i)) for i in range(120)]
    message = blocks.message(many, "x")
    assert len(message["blocks"]) == blocks.MESSAGE_BLOCKS
    assert "shortened" in all_text(message)


def test_metadata_drops_oversized_values_instead_of_breaking_json() -> None:
    packed = blocks.metadata({"q": "slack-relu-range", "r": "http://x/" + "y" * 5000})
    assert len(packed) <= blocks.PRIVATE_METADATA
    assert blocks.read_metadata(packed) == {"q": "slack-relu-range"}
    assert blocks.read_metadata("not json") == {}


def test_reveal_carries_its_post_id_in_a_block_id() -> None:
    """The finder (`SlackAnnouncer.find_reveal_post`) knows our reveal of a post by this block id alone."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    post = DailyPost("slack:T1/C1", 1, date(2026, 1, 1), "q-1", now, now, id=42)
    reveal = render.reveal_message(DailyResults(post, "q-1", "ref", "why", 0, 0))
    assert [b.get("block_id") for b in reveal["blocks"] if b.get("block_id")] == ["reveal|42"]
