"""Discord rendering of team-facing results: boards, stats, appeals, daily posts and reveals, pack uploads.

Names, answers and reasons are user text: they are escaped with `safe` and every message is sent with
`NO_MENTIONS`. Long lists are cut to the embed limits with a note of what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.model import DailyConfig, DailyResults, PlayerStats
from bot.core.packs import PackInfo
from bot.core.views import AppealDetails, Leaderboard
from bot.discord_adapter.render import (
    DESCRIPTION_LIMIT,
    FIELD_LIMIT,
    INFO_COLOUR,
    QUESTION_COLOUR,
    add_field,
    correct_answer_text,
    fit,
    question_body,
    safe,
    truncate,
)
from questions.loader import Problem
from questions.schema import Question

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
STATS_IMAGE = "progress.png"
DAILY_HOW = "Press Answer to reply privately; only your first answer counts."


def lines_within(lines: Sequence[str], limit: int, more: str = "… and {n} more") -> str:
    """As many whole lines as fit in `limit`, then a count of the ones left out."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        tail = more.format(n=len(lines) - index)
        if used + len(line) + 1 + len(tail) > limit:
            kept.append(tail)
            break
        kept.append(line)
        used += len(line) + 1
    return truncate("\n".join(kept), limit)


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    scope = ["all time" if board.window.value == "all" else f"this {board.window.value}"]
    if board.topic:
        scope.append(f"topic {board.topic}")
    if board.group:
        scope.append(f"group {safe(board.group.name)}")
    lines = [
        f"{MEDALS.get(r.rank, f'`{r.rank:>2}.`')} **{safe(r.display_name, 64)}** — {r.points} pts "
        f"({r.correct}/{r.answers} correct)"
        for r in board.rows
    ]
    if board.me is not None and all(r.player_id != board.me.player_id for r in board.rows):
        me = board.me
        lines += ["…", f"`{me.rank:>2}.` **{safe(me.display_name, 64)}** — {me.points} pts (you)"]
    body = lines_within(lines, DESCRIPTION_LIMIT) if lines else "Nobody has answered in this window yet."
    title = truncate(f"Leaderboard · {', '.join(scope)}", 256)
    return discord.Embed(title=title, description=body, colour=QUESTION_COLOUR)


def stats_embed(stats: PlayerStats, with_image: bool) -> discord.Embed:
    rank = f"#{stats.rank}" if stats.rank else "unranked"
    embed = discord.Embed(
        title=truncate(f"Stats of {stats.player.display_name}", 256),
        description=(
            f"**{stats.points}** points ({rank}) · {stats.correct}/{stats.attempts} correct "
            f"({stats.accuracy:.0%}) · streak {stats.streak} day(s) · {stats.due_reviews} review(s) due"
        ),
        colour=INFO_COLOUR,
    )
    topics = [
        f"`{t.topic}` {t.correct}/{t.attempts} correct, mean {t.mean_score:.2f}" for t in stats.by_topic
    ]
    if topics:
        add_field(embed, "By topic", lines_within(topics, FIELD_LIMIT))
    if stats.weakest_topics:
        add_field(embed, "Weakest topics", ", ".join(stats.weakest_topics) + " — try `/quiz topic:`")
    if not stats.attempts:
        add_field(embed, "No answers yet", "Start with `/quiz`.")
    if with_image:
        embed.set_image(url=f"attachment://{STATS_IMAGE}")
    return fit(embed)


def appeals_embed(appeals: Sequence[AppealDetails]) -> discord.Embed:
    lines = []
    for details in appeals:
        a, attempt = details.appeal, details.attempt
        about = f"`{attempt.question_id}` scored {attempt.score:.2f}" if attempt else "a deleted answer"
        lines.append(
            f"**#{a.id}** [{a.status}] {safe(details.player_name, 64)}: {about} — {safe(a.reason, 200)}"
        )
    body = lines_within(lines, DESCRIPTION_LIMIT) if lines else "No appeals waiting."
    return discord.Embed(title="Appeals", description=body, colour=INFO_COLOUR)


def appeal_resolved_text(details: AppealDetails) -> str:
    a = details.appeal
    score = f", score now {a.corrected_score:.2f}" if a.corrected_score is not None else ""
    return f"Appeal #{a.id} of {safe(details.player_name, 64)} is {a.status}{score}."


def daily_config_text(config: DailyConfig) -> str:
    days = (
        "every day"
        if len(config.weekdays) == 7
        else ", ".join(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[d] for d in config.weekdays)
    )
    topics = ", ".join(config.topics) or "all topics"
    hours = config.reveal_after.total_seconds() / 3600
    return (
        f"Daily question at {config.post_time:%H:%M} ({config.timezone}), {days}; {topics}; "
        f"difficulty {config.difficulty or 'any'}; answer revealed after {hours:g} h."
    )


def daily_question_embed(question: Question, local_day: str) -> discord.Embed:
    embed = discord.Embed(
        title=f"Question of the day · {local_day}",
        description=question_body(question, DAILY_HOW),
        colour=QUESTION_COLOUR,
    )
    topics = ", ".join(t.value for t in question.topics)
    embed.set_footer(
        text=f"{topics} · {question.difficulty.value} · answers are private; first answer counts"
    )
    return fit(embed)


def reveal_footer(post_id: int) -> str:
    """The reveal embed's footer: the daily post id, which is how `DiscordAnnouncer.find_reveal_post`
    knows our reveal of a post (an app always sees the embeds of its own messages)."""
    return f"Daily question #{post_id}"


def reveal_embed(results: DailyResults, question: Question | None) -> discord.Embed:
    reference = correct_answer_text(question) if question else results.reference_answer
    embed = discord.Embed(
        title=f"Answer · {results.post.local_date.isoformat()}",
        description=truncate(reference or "—", DESCRIPTION_LIMIT),
        colour=QUESTION_COLOUR,
    )
    if results.explanation:
        add_field(embed, "Explanation", results.explanation)
    add_field(
        embed, "Results", f"{results.answers} answer(s), {results.share_correct:.0%} correct", inline=True
    )
    if results.top:
        best = [
            f"{i}. **{safe(row.display_name, 64)}** — {row.score:.0%}" for i, row in enumerate(results.top, 1)
        ]
        add_field(embed, "Best answers", "\n".join(best))
    embed.set_footer(text=reveal_footer(results.post.id))
    return fit(embed)


def packs_embed(packs: Sequence[PackInfo]) -> discord.Embed:
    lines = [
        f"{'✅' if p.enabled else '⏸️'} **{safe(p.name, 64)}** — {safe(p.title, 100)} ({p.questions} q.)"
        for p in packs
    ]
    body = lines_within(lines, DESCRIPTION_LIMIT) if lines else "No packs are loaded."
    return discord.Embed(title="Question packs", description=body, colour=INFO_COLOUR)


def pack_problems_text(file_name: str, problems: Sequence[Problem | str]) -> str:
    lines = [f"• {safe(str(p), 300)}" for p in problems]
    head = f"**{safe(file_name, 100)}** was not loaded: {len(problems)} problem(s).\n"
    return head + lines_within(lines, 1900 - len(head))
