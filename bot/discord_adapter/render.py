"""Discord rendering of the quiz: question and feedback embeds, within Discord's limits, never pinging anyone.

User text echoed back (answers, names, appeal reasons) goes through `safe`: markdown escaped and mentions
defused, on top of `NO_MENTIONS` on every message. Everything is cut to Discord's limits: embed title 256,
description 4096, field 1024, 25 fields, 6000 in total, message content 2000.
"""

from __future__ import annotations

import discord

from bot.core.checking.grade import Verdict
from bot.core.views import Feedback, HintView, QuestionView, SessionSummary, SkipResult
from questions.schema import Kind, Question

NO_MENTIONS = discord.AllowedMentions.none()
MESSAGE_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FIELD_NAME_LIMIT = 256
FOOTER_LIMIT = 2048
EMBED_TOTAL = 6000
MAX_FIELDS = 25
ELLIPSIS = "…"

COLOURS = {Verdict.CORRECT: 0x2A9D8F, Verdict.PARTIAL: 0xE9C46A, Verdict.INCORRECT: 0xE76F51}
VERDICT_TITLES = {
    Verdict.CORRECT: "✅ Correct",
    Verdict.PARTIAL: "🟡 Partly right",
    Verdict.INCORRECT: "❌ Not quite",
}
HOW_TO_ANSWER = {
    Kind.CHOICE: "Pick an option below.",
    Kind.MULTI_CHOICE: "Press Answer and give every right letter, e.g. `a, c`.",
    Kind.TRUE_FALSE: "True or false?",
    Kind.NUMERIC: "Press Answer and give a number (units and shapes like 10x10 are fine).",
    Kind.MATCHING: "Press Answer and give pairs, one `left - right` per comma.",
    Kind.OPEN: "Press Answer and explain in a few sentences.",
}
QUESTION_COLOUR = 0x5B8DEF
INFO_COLOUR = 0x8D99AE
ERROR_COLOUR = 0xD62828


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending with an ellipsis when something was dropped."""
    text = text or ""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def safe(text: str, limit: int | None = None) -> str:
    """User text made inert: markdown escaped, @everyone/@here and user/role/channel mentions defused.

    The cut happens before escaping would split an escape sequence, and the result fits `limit`.
    """
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text or ""))
    return escaped if limit is None else truncate(escaped, limit)


def code_block(text: str, limit: int) -> str:
    """A fenced block whose content cannot close the fence early."""
    body = (text or "").replace("```", "`\u200b``")
    return "```\n" + truncate(body, max(limit - 8, 0)) + "\n```"


def bullet_list(items: tuple[str, ...] | list[str], limit: int = FIELD_LIMIT) -> str:
    return truncate("\n".join(f"• {item}" for item in items), limit) if items else "—"


def add_field(embed: discord.Embed, name: str, value: str, inline: bool = False) -> None:
    if len(embed.fields) >= MAX_FIELDS:
        return
    embed.add_field(
        name=truncate(name, FIELD_NAME_LIMIT), value=truncate(value or "—", FIELD_LIMIT), inline=inline
    )


def fit(embed: discord.Embed) -> discord.Embed:
    """Shrink the longest text of `embed` until the whole embed is within Discord's 6000 characters."""
    while len(embed) > EMBED_TOTAL:
        excess = len(embed) - EMBED_TOTAL
        candidates = [(len(embed.description or ""), -1)] + [
            (len(f.value or ""), i) for i, f in enumerate(embed.fields)
        ]
        size, index = max(candidates)
        keep = max(size - excess - 1, 1)
        if index < 0:
            embed.description = truncate(embed.description or "", keep)
        else:
            current = embed.fields[index]
            embed.set_field_at(
                index,
                name=current.name or "—",
                value=truncate(current.value or "", keep),
                inline=bool(current.inline),
            )
        if size <= 2:
            break
    return embed


def message_text(text: str) -> str:
    return truncate(text, MESSAGE_LIMIT)


def error_embed(message: str) -> discord.Embed:
    return discord.Embed(description=truncate(message, DESCRIPTION_LIMIT), colour=ERROR_COLOUR)


# --- questions ----------------------------------------------------------------------------------------


def question_body(question: Question, how: str | None = None) -> str:
    """Prompt, code and options as one description, ending with how to answer (`how` overrides it)."""
    parts = [question.prompt]
    if question.code:
        parts.append(code_block(question.code, 1500))
    if question.options:
        parts.append("\n".join(f"**{o.key.upper()})** {o.text}" for o in question.options))
    if question.kind == Kind.MATCHING:
        parts.append("Match: " + "; ".join(p.left for p in question.pairs or []))
    parts.append(f"*{how or HOW_TO_ANSWER[question.kind]}*")
    return truncate("\n\n".join(parts), DESCRIPTION_LIMIT)


def question_embed(view: QuestionView) -> discord.Embed:
    q = view.question
    topics = ", ".join(t.value for t in q.topics)
    title = f"Question {view.position}/{view.total} · {topics} · {q.difficulty.value}"
    embed = discord.Embed(
        title=truncate(title, TITLE_LIMIT), description=question_body(q), colour=QUESTION_COLOUR
    )
    hints = f"{view.hints_used}/{view.hints_available} hints used" if view.hints_available else "no hints"
    cost = f", each costs {view.hint_cost} points" if view.hints_available and view.hint_cost else ""
    embed.set_footer(text=truncate(f"{q.id} · {hints}{cost}", FOOTER_LIMIT))
    return fit(embed)


def correct_answer_text(question: Question) -> str:
    """The reference answer, with the right options spelled out for choice questions."""
    if question.kind in (Kind.CHOICE, Kind.MULTI_CHOICE) and question.correct:
        options = "; ".join(f"{k.upper()}) {question.option_text(k) or ''}" for k in question.correct)
        return f"{options}\n{question.reference_answer}"
    return question.reference_answer


def feedback_embed(feedback: Feedback, *, reveal_answer: bool = True) -> discord.Embed:
    """Score, verdict, covered and missed points, the player's answer (escaped), and, unless a daily answer
    must stay secret until the reveal, the reference answer and the explanation."""
    grade = feedback.grade
    title = f"{VERDICT_TITLES[grade.verdict]} · score {round(grade.score * 100)}%"
    embed = discord.Embed(
        title=title,
        colour=COLOURS[grade.verdict],
        description=truncate(grade.feedback, DESCRIPTION_LIMIT) or None,
    )
    if feedback.counted:
        points = f"+{feedback.points}"
    else:
        points = "0 (this question already earned you points before)"
    add_field(embed, "Points", points, inline=True)
    add_field(embed, "Covered", bullet_list(grade.covered))
    if reveal_answer:
        add_field(embed, "Missed", bullet_list(grade.missed))
    elif grade.missed:
        add_field(embed, "Missed", f"{len(grade.missed)} key point(s); shown with the answer at the reveal.")
    if grade.misconceptions:
        add_field(embed, "Misconceptions", bullet_list(grade.misconceptions))
    add_field(embed, "Your answer", safe(feedback.attempt.answer, FIELD_LIMIT))
    if reveal_answer:
        add_field(embed, "Reference answer", correct_answer_text(feedback.question))
        if feedback.question.explanation:
            add_field(embed, "Explanation", feedback.question.explanation)
    embed.set_footer(text=truncate(f"{feedback.question.id} · attempt #{feedback.attempt.id}", FOOTER_LIMIT))
    return fit(embed)


def summary_embed(summary: SessionSummary) -> discord.Embed:
    state = "finished" if summary.state == "finished" else "stopped"
    text = (
        f"Quiz {state}: {summary.answered} answered, {summary.skipped} skipped of {summary.total}; "
        f"**{summary.points}** points."
    )
    return discord.Embed(title="Session summary", description=text, colour=INFO_COLOUR)


def hint_embed(hint: HintView) -> discord.Embed:
    embed = discord.Embed(
        title=f"Hint {hint.hints_used}/{hint.hints_available}",
        description=truncate(hint.text, DESCRIPTION_LIMIT),
        colour=INFO_COLOUR,
    )
    if hint.cost_each:
        embed.set_footer(text=f"Each hint costs {hint.cost_each} points of this question's score.")
    return embed


def skip_text(result: SkipResult) -> str:
    if result.skipped_question is None:
        return "Skipped."
    return truncate(
        f"Skipped `{result.skipped_question.id}`. Reference answer: "
        f"{correct_answer_text(result.skipped_question)}",
        MESSAGE_LIMIT,
    )
