"""Block Kit rendering of the core's neutral results: questions, feedback, hints, boards, stats, App Home,
the daily post and its reveal, the admins' appeal list.

Every piece of text that came from a user or a pack goes through `blocks.safe`/`escape`, and every message
through `blocks.message`, so nothing pings and nothing exceeds Slack's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.checking.grade import Verdict
from bot.core.model import DailyPost, DailyResults, LeaderboardRow, PlayerStats
from bot.core.views import (
    AppealDetails,
    Feedback,
    HintView,
    Leaderboard,
    QuestionView,
    SessionSummary,
    SkipResult,
)
from bot.slack_adapter import ids
from bot.slack_adapter.blocks import (
    OPTION_TEXT,
    Block,
    actions,
    bullets,
    button,
    code,
    context,
    divider,
    escape,
    header,
    message,
    safe,
    section,
    truncate,
)
from questions.schema import Kind, Question

Message = dict[str, Any]

VERDICT_TITLES = {
    Verdict.CORRECT: "✅ Correct",
    Verdict.PARTIAL: "🟡 Partly correct",
    Verdict.INCORRECT: "❌ Not quite",
}
MODAL_KINDS = (Kind.OPEN, Kind.NUMERIC, Kind.MULTI_CHOICE, Kind.MATCHING)
"""Kinds answered through the Answer modal; choice and true/false answer by buttons."""


def answer_of(question: Question) -> str:
    """The reference answer, with the right option letters spelled out for choice questions."""
    if question.kind in (Kind.CHOICE, Kind.MULTI_CHOICE) and question.correct:
        options = ", ".join(f"({k}) {question.option_text(k) or ''}".strip() for k in question.correct)
        return f"{options} — {question.reference_answer}"
    return question.reference_answer


def question_body(question: Question) -> list[Block]:
    """The prompt, code and listed options: shared by quiz messages, modals and the daily post."""
    body = [section(safe(question.prompt))]
    if question.code:
        body.append(section(code(question.code)))
    if question.options:
        body.append(section("\n".join(f"*{o.key})* {safe(o.text, 500)}" for o in question.options)))
    if question.kind is Kind.MATCHING and question.pairs:
        body.append(section("*Match:* " + safe("; ".join(p.left for p in question.pairs))))
    return body


def about(question: Question) -> str:
    return escape(f"{', '.join(question.topics)} · {question.difficulty} · {question.kind.replace('_', ' ')}")


def answer_buttons(question: Question) -> list[Block]:
    """Buttons that answer (choice, true/false) or open the Answer modal (everything else)."""
    qid = question.id
    if question.kind is Kind.CHOICE and question.options:
        return [
            button(truncate(f"{o.key}) {o.text}", OPTION_TEXT), f"{ids.QUIZ_CHOICE}:{o.key}",
                   f"{qid}|{o.key}")
            for o in question.options
        ]
    if question.kind is Kind.TRUE_FALSE:
        return [button("True", f"{ids.QUIZ_CHOICE}:true", f"{qid}|true"),
                button("False", f"{ids.QUIZ_CHOICE}:false", f"{qid}|false")]
    return [button("Answer", ids.QUIZ_ANSWER, qid, style="primary")]


def question_message(view: QuestionView) -> Message:
    q = view.question
    mode = " · review" if view.mode == "review" else ""
    controls = answer_buttons(q)
    left = view.hints_available - view.hints_used
    if left > 0:
        controls.append(button(f"Hint (-{view.hint_cost} pts, {left} left)", ids.QUIZ_HINT, q.id))
    controls += [button("Skip", ids.QUIZ_SKIP, q.id), button("Stop", ids.QUIZ_STOP, q.id, style="danger")]
    blocks = [
        header(f"Question {view.position}/{view.total}{mode}"),
        context(about(q)),
        *question_body(q),
        actions(controls, block_id=f"q|{q.id}"),
    ]
    return message(blocks, f"Question {view.position}/{view.total}: {q.prompt}")


def feedback_blocks(feedback: Feedback) -> list[Block]:
    grade = feedback.grade
    earned = f"+{feedback.points} points" if feedback.counted else "no points (you answered this one before)"
    blocks: list[Block] = [
        header(VERDICT_TITLES.get(grade.verdict, str(grade.verdict))),
        section(f"*Score* {grade.score:.0%} · {earned}"),
        section("*Your answer*\n" + safe(feedback.attempt.answer, 1000)),
    ]
    if grade.feedback:
        blocks.append(context(safe(grade.feedback, 1500)))
    if grade.covered:
        blocks.append(section("*Covered*\n" + bullets(grade.covered)))
    if grade.missed:
        blocks.append(section("*Missed*\n" + bullets(grade.missed)))
    if grade.misconceptions:
        blocks.append(section("*Misconceptions*\n" + bullets(grade.misconceptions)))
    blocks.append(section("*Reference answer*\n" + safe(answer_of(feedback.question))))
    if feedback.question.explanation:
        blocks.append(section("*Why*\n" + safe(feedback.question.explanation)))
    return blocks


def feedback_message(feedback: Feedback) -> Message:
    blocks = feedback_blocks(feedback)
    controls = []
    if feedback.next_question is not None:
        controls.append(button("Next question ▶", ids.QUIZ_NEXT, feedback.next_question.question.id,
                               style="primary"))
    controls.append(button("Appeal this grade", ids.QUIZ_APPEAL, str(feedback.attempt.id)))
    blocks.append(actions(controls, block_id=f"fb|{feedback.attempt.id}"))
    if feedback.summary is not None:
        blocks.append(section(summary_text(feedback.summary)))
    verdict = VERDICT_TITLES.get(feedback.grade.verdict, "")
    return message(blocks, f"{verdict}: score {feedback.grade.score:.0%}")


def hint_message(hint: HintView) -> Message:
    if hint.hints_used == 0 or hint.text.startswith(("No more", "This question has no")):
        text = safe(hint.text)
    else:
        counter = f"{hint.hints_used}/{hint.hints_available}"
        text = f"💡 *Hint {counter}* (-{hint.cost_each} points): {safe(hint.text)}"
    return message([section(text)], hint.text)


def summary_text(summary: SessionSummary) -> str:
    return (f"*Session over:* {summary.answered} answered, {summary.skipped} skipped of {summary.total}, "
            f"{summary.points} points. `/quiz` or `/review` for more.")


def summary_message(summary: SessionSummary) -> Message:
    return message([section(summary_text(summary))], "Session over")


def skip_message(result: SkipResult) -> Message:
    skipped = result.skipped_question
    note = section("⏭ Skipped." + (f" Answer: {safe(answer_of(skipped), 1500)}" if skipped else ""))
    if result.next_question is not None:
        follow = question_message(result.next_question)
        return message([note, divider(), *follow["blocks"]], "Skipped")
    if result.summary is not None:
        return message([note, section(summary_text(result.summary))], "Skipped")
    return message([note], "Skipped")


def text_message(text: str) -> Message:
    """A one-section message of text we wrote ourselves around escaped user parts."""
    return message([section(text)], text)


def error_message(text: str) -> Message:
    return message([section(f"⚠️ {safe(text)}")], text)


# --- boards and stats ---------------------------------------------------------------------------------


def _row_line(row: LeaderboardRow) -> str:
    return (f"{row.rank}. *{safe(row.display_name, 80)}* — {row.points} pts "
            f"({row.correct}/{row.answers} correct)")


def leaderboard_blocks(board: Leaderboard) -> list[Block]:
    scope = [board.window.value if board.window.value != "all" else "all time"]
    if board.topic:
        scope.append(f"topic {board.topic}")
    if board.group:
        scope.append(f"group {board.group.name}")
    lines = [_row_line(r) for r in board.rows] or ["_Nobody has answered in this window yet._"]
    blocks = [header("Leaderboard · " + ", ".join(scope)), section("\n".join(lines))]
    if board.me is not None and all(r.player_id != board.me.player_id for r in board.rows):
        blocks.append(context("You: " + _row_line(board.me)))
    return blocks


def leaderboard_message(board: Leaderboard) -> Message:
    return message(leaderboard_blocks(board), "Leaderboard")


def stats_blocks(stats: PlayerStats) -> list[Block]:
    rank = f"#{stats.rank}" if stats.rank else "unranked"
    lines = [
        f"*Points* {stats.points} ({rank}) · "
        f"*Accuracy* {stats.accuracy:.0%} ({stats.correct}/{stats.attempts})",
        f"*Streak* {stats.streak} day(s) · *Due reviews* {stats.due_reviews}",
    ]
    blocks = [header(f"Stats of {stats.player.display_name}"), section("\n".join(lines))]
    if stats.by_topic:
        topics = [f"{escape(t.topic)}: {t.correct}/{t.attempts} correct, mean {t.mean_score:.2f}"
                  for t in stats.by_topic]
        blocks.append(section("*By topic*\n" + "\n".join(topics)))
    if stats.weakest_topics:
        weakest = escape(", ".join(stats.weakest_topics))
        blocks.append(context(f"Weakest: {weakest} — try `/quiz <topic>`"))
    if not stats.attempts:
        blocks.append(context("No answers yet: `/quiz` to start."))
    return blocks


def stats_message(stats: PlayerStats, chart_note: str = "") -> Message:
    blocks = stats_blocks(stats)
    if chart_note:
        blocks.append(context(chart_note))
    return message(blocks, "Your stats")


def home_view(stats: PlayerStats | None, board: Leaderboard | None) -> dict[str, Any]:
    """The App Home tab: the player's streak, due reviews and weakest topics, and the team's top 10."""
    blocks: list[Block] = [header("Interview practice")]
    if stats is None:
        blocks.append(section("Start with `/quiz` — your streak and reviews will show here."))
    else:
        weakest = escape(", ".join(stats.weakest_topics)) if stats.weakest_topics else "none yet"
        blocks.append(section(
            f"🔥 *Streak* {stats.streak} day(s)\n📚 *Due reviews* {stats.due_reviews} (`/review`)\n"
            f"🎯 *Weakest topics* {weakest}\n🏅 *Points* {stats.points}"
        ))
    blocks.append(divider())
    if board is not None:
        blocks += leaderboard_blocks(board)
    else:
        blocks.append(section("_No team leaderboard yet._"))
    blocks.append(context("`/quiz [topic] [difficulty] [count]` · `/review` · `/stats` · `/leaderboard`"))
    return {"type": "home", "blocks": blocks[:100]}


# --- daily question -----------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    stamp = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|{fallback}>"


DAILY_BLOCK = "daily|{}"
"""The question's Answer block id, with the daily post id (`SlackAnnouncer.find_question_post` looks for
it)."""


def daily_answer_value(post_id: int, question_id: str) -> str:
    """The Answer button's value: the daily post and its question (the action handler reads both)."""
    return f"{post_id}|{question_id}"


def daily_post_message(question: Question, post: DailyPost) -> Message:
    blocks = [
        header(f"Question of the day · {post.local_date.isoformat()}"),
        context(about(question)),
        *question_body(question),
        actions(
            [button("Answer", ids.DAILY_ANSWER, daily_answer_value(post.id, question.id), style="primary")],
            block_id=DAILY_BLOCK.format(post.id),
        ),
        context(f"Answers are private; only your first answer counts. Reveal {_when(post.reveal_at)}."),
    ]
    return message(blocks, f"Question of the day: {question.prompt}")


REVEAL_BLOCK = "reveal|{}"
"""The reveal's header block id, with the daily post id: how `SlackAnnouncer.find_reveal_post` knows our
reveal of a post in the thread (users cannot set block ids, and it does not show)."""


def reveal_message(results: DailyResults) -> Message:
    share = f"{results.correct}/{results.answers} correct" if results.answers else "no answers"
    blocks: list[Block] = [
        {**header("Answer revealed"), "block_id": REVEAL_BLOCK.format(results.post.id)},
        section("*Reference answer*\n" + safe(results.reference_answer)),
    ]
    if results.explanation:
        blocks.append(section("*Why*\n" + safe(results.explanation)))
    blocks.append(section(f"*Results* {share}"))
    if results.top:
        lines = [f"{i}. *{safe(r.display_name, 80)}* — {r.score:.0%}, {r.points} pts: {safe(r.answer, 200)}"
                 for i, r in enumerate(results.top, 1)]
        blocks.append(section("*Best answers*\n" + "\n".join(lines)))
    return message(blocks, f"Answer revealed: {share}")


# --- admin ------------------------------------------------------------------------------------------


def appeals_message(items: Sequence[AppealDetails]) -> Message:
    if not items:
        return text_message("No open appeals.")
    blocks: list[Block] = [header(f"Open appeals ({len(items)})")]
    for details in items[:15]:
        a, attempt = details.appeal, details.attempt
        what = "_the answer was deleted_"
        if attempt is not None:
            what = (f"`{escape(attempt.question_id)}` scored {attempt.score:.0%}\n"
                    f"*Answer:* {safe(attempt.answer, 600)}")
        who = safe(details.player_name, 80)
        blocks.append(section(f"*#{a.id}* by {who}: {what}\n*Reason:* {safe(a.reason, 800)}"))
        blocks.append(actions([
            button("Accept", ids.APPEAL_ACCEPT, str(a.id), style="primary"),
            button("Reject", ids.APPEAL_REJECT, str(a.id), style="danger"),
        ], block_id=f"appeal|{a.id}"))
    if len(items) > 15:
        blocks.append(context(f"…and {len(items) - 15} more; resolve these first."))
    return message(blocks, f"{len(items)} open appeal(s)")
