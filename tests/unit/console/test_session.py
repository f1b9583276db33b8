"""The console session, line by line, on the in-memory fakes (the e2e test runs the real command)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console.session import ConsoleSession
from bot.core.scoring import base_points, hint_cost
from tests.unit.core.world import World, player, right_answer


def console(world: World) -> tuple[ConsoleSession, io.StringIO]:
    out = io.StringIO()
    return ConsoleSession(world.service(), player("ann"), out), out


async def said(session: ConsoleSession, out: io.StringIO, line: str) -> str:
    out.seek(0)
    out.truncate()
    assert await session.handle(line)
    return out.getvalue()


async def test_a_quiz_shows_options_and_feedback() -> None:
    world = World()
    session, out = console(world)
    shown = await said(session, out, "quiz cnn fresher 2")  # only one such question
    assert "Question 1/1" in shown and "(a) option a" in shown and "(d) option d" in shown
    assert "Answer with a letter" in shown
    q = world.catalog.get("cnn-fresher-1")
    feedback = await said(session, out, right_answer(q))
    assert f"[correct] score 1.00 · +{base_points('fresher')} points" in feedback
    assert "Reference answer: (b) option b" in feedback and "Why: Because" in feedback
    assert f"Session over: 1 answered, 0 skipped of 1, {base_points('fresher')} points" in feedback


async def test_open_questions_show_covered_and_missed_points_and_hints() -> None:
    world = World()
    session, out = console(world)
    await said(session, out, "quiz rnn")
    hint = await said(session, out, "hint")
    cost = hint_cost("experienced")
    assert hint.startswith(f"Hint 1/3 (-{cost} points): Key point 1 of 3: vanishing gradients")
    feedback = await said(session, out, "vanishing gradients and gates control memory")
    assert "[partly correct]" in feedback
    assert "Covered:\n  - vanishing gradients\n  - gates control memory" in feedback
    assert "Missed:\n  - long range dependencies" in feedback
    assert "Session over: 1 answered" in feedback


async def test_answers_that_start_with_a_command_word_are_answers() -> None:
    world = World()
    session, out = console(world)
    await said(session, out, "quiz rnn")
    feedback = await said(session, out, "skip connections avoid vanishing gradients")
    assert "score" in feedback and "Skipped" not in feedback
    await said(session, out, "quiz rnn")
    assert "score" in await said(session, out, "> stats say vanishing gradients")
    assert "Use `review [count]`" in await said(session, out, "review the gradients")


async def test_commands_and_bad_input_get_clear_messages() -> None:
    world = World()
    session, out = console(world)
    assert "no question waiting" in await said(session, out, "what is a tensor")
    assert "quiz [topic] [difficulty] [count]" in await said(session, out, "help")
    assert "Unknown topic 'astrology'" in await said(session, out, "quiz astrology")
    assert "1 to 50" in await said(session, out, "quiz 500")
    assert "Use `quiz" in await said(session, out, "quiz cnn rnn math")
    assert "Unknown window" in await said(session, out, "leaderboard fortnight")
    assert "no graded answer to appeal" in await said(session, out, "appeal unfair")
    assert "Use `group join NAME`" in await said(session, out, "group")
    assert "nobody has answered" in await said(session, out, "leaderboard week")
    assert "No answers yet" in await said(session, out, "stats")
    assert await said(session, out, "   ") == ""
    assert not await session.handle("quit")


async def test_skip_stop_stats_leaderboard_appeal_and_groups() -> None:
    world = World()
    session, out = console(world)
    await said(session, out, "quiz math")
    assert "Skipped. Answer: 4" in await said(session, out, "skip")
    await said(session, out, "quiz cnn senior")
    await said(session, out, "a")
    stats = await said(session, out, "stats")
    assert "ANN: 0 points (#1), 0/1 correct" in stats and "Weakest topics: cnn" in stats
    assert "1. ANN" in await said(session, out, "leaderboard all cnn")
    assert "Appeal #" in await said(session, out, "appeal option a is also right")
    assert "group 'vision'" in await said(session, out, "group join vision")
    assert "You left group 'vision'" in await said(session, out, "group leave")
    await said(session, out, "quiz")
    assert "Session over: 0 answered" in await said(session, out, "stop")


async def test_chart_writes_a_png(tmp_path: Path) -> None:
    world = World()
    session, out = console(world)
    await said(session, out, "quiz cnn fresher")
    await said(session, out, "b")
    target = tmp_path / "progress"
    assert "Progress chart saved" in await said(session, out, f"chart {target}")
    assert (tmp_path / "progress.png").read_bytes().startswith(b"\x89PNG")
    assert "Cannot write" in await said(session, out, f"chart {tmp_path}/missing/dir/x.png")
    assert "Use `chart FILE`" in await said(session, out, "chart")


async def test_storage_down_shows_the_unsaved_answer() -> None:
    world = World()
    session, out = console(world)
    await said(session, out, "quiz cnn")
    world.db.fail_commit = True
    shown = await said(session, out, "my long careful answer")
    assert "NOT saved" in shown and "Your answer was: my long careful answer" in shown
    assert not world.db.tables.attempts


@pytest.mark.parametrize("interactive", [False, True])
async def test_run_reads_until_end_of_input(interactive: bool) -> None:
    world = World()
    out = io.StringIO()
    session = ConsoleSession(world.service(), player("ann"), out, interactive)
    code = await session.run(io.StringIO("quiz math\n4\nstats\n"))
    text = out.getvalue()
    assert code == 0 and "[correct]" in text and f"ANN: {base_points('fresher')} points" in text
    assert ("> " in text) is interactive  # piped sessions print no prompts
