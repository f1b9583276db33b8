"""Plain-text rendering of the core's results for a terminal (and for piped output: no colours, no
control sequences, ASCII markers)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from bot.core.checking.grade import Verdict
from bot.core.model import Appeal, PlayerStats
from bot.core.views import AppealDetails, Feedback, HintView, Leaderboard, QuestionView, SessionSummary
from questions.schema import Kind, Question

WIDTH = 100
MARKS = {Verdict.CORRECT: "[correct]", Verdict.PARTIAL: "[partly correct]", Verdict.INCORRECT: "[incorrect]"}
HOW_TO_ANSWER = {
    Kind.CHOICE: "Answer with a letter.",
    Kind.MULTI_CHOICE: "Answer with every right letter, e.g. `a, c`.",
    Kind.TRUE_FALSE: "Answer true or false.",
    Kind.NUMERIC: "Answer with a number (units and shapes like 10x10 are fine).",
    Kind.MATCHING: "Answer with pairs, one `left - right` per comma.",
    Kind.OPEN: "Answer in a sentence or two, on one line.",
}


def wrap(text: str, indent: str = "") -> str:
    lines = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent)
        lines.extend(wrapped or [indent.rstrip()])
    return "\n".join(lines)


def question_text(view: QuestionView) -> str:
    q = view.question
    mode = "review" if view.mode == "review" else "quiz"
    about = f"{', '.join(q.topics)} · {q.difficulty} · {q.kind}"
    header = f"Question {view.position}/{view.total} ({mode}) · {about}"
    parts = [header, wrap(q.prompt)]
    if q.code:
        parts.append("\n".join("    " + line for line in q.code.rstrip().splitlines()))
    parts.extend(f"  ({o.key}) {o.text}" for o in q.options or [])
    if q.kind == Kind.MATCHING:
        parts.append("  Pairs to match: " + "; ".join(p.left for p in q.pairs or []))
    tips = HOW_TO_ANSWER.get(q.kind, "")
    if view.hints_available:
        tips += f" `hint` costs {view.hint_cost} points ({view.hints_available - view.hints_used} left);"
    parts.append(f"{tips} `skip` moves on.".strip())
    return "\n".join(parts)


def _bullets(title: str, items: Iterable[str]) -> list[str]:
    listed = list(items)
    return [f"{title}:", *(_bullet(item) for item in listed)] if listed else []


def _bullet(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WIDTH, initial_indent="  - ", subsequent_indent="    ")) or "  -"


MISSED_LABELS = ("Missed: ", "Parts of the reference answer you did not cover: ")


def checker_remarks(feedback: str, lists_missed: bool) -> str:
    """The checker's remarks without its inline list of missed points when we list them ourselves."""
    if lists_missed:
        for label in MISSED_LABELS:
            cut = feedback.find(label)
            if cut >= 0:
                feedback = feedback[:cut]
    return feedback.strip()


def feedback_text(feedback: Feedback) -> str:
    grade = feedback.grade
    if feedback.counted:
        earned = f"+{feedback.points} points"
    else:
        earned = "no points (you answered this question before)"
    lines = [f"{MARKS.get(grade.verdict, grade.verdict)} score {grade.score:.2f} · {earned}"]
    remarks = checker_remarks(grade.feedback, bool(grade.missed))
    if remarks:
        lines.append(wrap(remarks))
    lines += _bullets("Covered", grade.covered)
    lines += _bullets("Missed", grade.missed)
    lines += _bullets("Misconceptions", grade.misconceptions)
    lines.append(wrap("Reference answer: " + answer_of(feedback.question)))
    if feedback.question.explanation:
        lines.append(wrap("Why: " + feedback.question.explanation))
    if feedback.summary is not None:
        lines.append(summary_text(feedback.summary))
    return "\n".join(lines)


def answer_of(question: Question) -> str:
    """The reference answer, with the right option letters spelled out for choice questions."""
    if question.kind in (Kind.CHOICE, Kind.MULTI_CHOICE) and question.correct:
        options = ", ".join(f"({k}) {question.option_text(k) or ''}".strip() for k in question.correct)
        return f"{options} — {question.reference_answer}" if question.reference_answer else options
    return question.reference_answer


def hint_text(hint: HintView) -> str:
    if hint.hints_used == 0 or hint.text.startswith(("No more", "This question has no")):
        return hint.text
    return f"Hint {hint.hints_used}/{hint.hints_available} (-{hint.cost_each} points): {hint.text}"


def summary_text(summary: SessionSummary) -> str:
    return (
        f"Session over: {summary.answered} answered, {summary.skipped} skipped of {summary.total}, "
        f"{summary.points} points. Type `quiz` or `review` for more."
    )


def leaderboard_text(board: Leaderboard) -> str:
    scope = [board.window.value if board.window.value != "all" else "all time"]
    if board.topic:
        scope.append(f"topic {board.topic}")
    if board.group:
        scope.append(f"group {board.group.name}")
    lines = [f"Leaderboard of {board.team.name or board.team.external_id} ({', '.join(scope)})"]
    if not board.rows:
        lines.append("  nobody has answered in this window yet")
    for row in board.rows:
        lines.append(f"  {row.rank:>3}. {row.display_name[:30]:<30} {row.points:>6} pts"
                     f"  {row.correct}/{row.answers} correct")
    if board.me is not None and all(r.player_id != board.me.player_id for r in board.rows):
        me = board.me
        lines.append(f"  ...\n  {me.rank:>3}. {me.display_name[:30]:<30} {me.points:>6} pts")
    return "\n".join(lines)


def stats_text(stats: PlayerStats) -> str:
    rank = f"#{stats.rank}" if stats.rank else "unranked"
    lines = [
        f"{stats.player.display_name}: {stats.points} points ({rank}), {stats.correct}/{stats.attempts} "
        f"correct ({stats.accuracy:.0%}), streak {stats.streak} day(s), {stats.due_reviews} review(s) due",
    ]
    for topic in stats.by_topic:
        lines.append(f"  {topic.topic:<22} {topic.correct:>3}/{topic.attempts:<3} correct  "
                     f"mean score {topic.mean_score:.2f}")
    if stats.weakest_topics:
        lines.append("Weakest topics: " + ", ".join(stats.weakest_topics) + " (try `quiz <topic>`)")
    if not stats.attempts:
        lines.append("No answers yet: type `quiz` to start.")
    return "\n".join(lines)


def appeal_text(appeal: Appeal) -> str:
    return f"Appeal #{appeal.id} recorded for your answer #{appeal.attempt_id}; an admin will review it."


def appeal_line(details: AppealDetails) -> str:
    a = details.appeal
    attempt = details.attempt
    about = f"{attempt.question_id} scored {attempt.score:.2f}" if attempt else "a deleted answer"
    return f"#{a.id} [{a.status}] {details.player_name}: {about}: {a.reason[:200]}"
