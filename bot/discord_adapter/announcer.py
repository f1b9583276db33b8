"""The core's `Announcer` port for Discord: the daily question post and its reveal in a thread.

Works from ids alone (`get_partial_messageable`), so it needs neither the guild cache nor any intent, and
a reveal after a restart finds the question message from the stored message reference.

`find_question_post` (the core's `PostFinder`) reads the channel's history after the day's first claim for
our question message of a daily post id, for a take-over of a claim whose process died between the post
and recording it. It needs the Read Message History permission, but no message-content intent: Discord
always shows an app the components of its own messages. `find_reveal_post` (the core's `RevealFinder`)
reads the reveal thread under the question, then the channel after the close, for our reveal of a post
(the embed footer carries the post id), for a retry after a reveal whose outcome is unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

import discord

from bot.core.model import DailyPost, DailyResults
from bot.core.timekeeping import as_utc
from bot.discord_adapter import custom_ids as ids
from bot.discord_adapter.components import button, daily_post_view, persistent_view
from bot.discord_adapter.context import message_ref, parse_channel_ref, parse_message_ref
from bot.discord_adapter.render import NO_MENTIONS
from bot.discord_adapter.render_reports import daily_question_embed, reveal_embed, reveal_footer
from questions.schema import Question

log = logging.getLogger(__name__)

THREAD_ALREADY_EXISTS = 160004
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440
FIND_MARGIN = timedelta(minutes=5)
"""Searched from this long before the first claim: Discord's clock (in the snowflakes) may be behind ours."""
FIND_LIMIT = 300
"""Messages read after the claim, oldest first (100 per request); our post comes seconds after the claim,
so not finding it among this many means the history is too busy to tell."""


class HistoryTooLong(LookupError):
    """`FIND_LIMIT` messages since the claim and none is ours: the finder cannot tell."""


def _has_component(custom_id: str) -> Callable[[discord.Message], bool]:
    def wanted(message: discord.Message) -> bool:
        return any(getattr(child, "custom_id", None) == custom_id
                   for row in message.components for child in getattr(row, "children", ()))

    return wanted


def _has_footer(footer: str) -> Callable[[discord.Message], bool]:
    return lambda message: any(embed.footer.text == footer for embed in message.embeds)


class DiscordAnnouncer:
    """Posts through `client`; `find_question` resolves a question id for the reveal (None if gone)."""

    def __init__(self, client: discord.Client, find_question: Callable[[str], Question | None]) -> None:
        self.client = client
        self.find_question = find_question

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        """The question embed with a persistent Answer button; returns `discord:<guild>/<channel>/<msg>`."""
        guild_id, channel_id = parse_channel_ref(channel_ref)
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)
        sent = await channel.send(
            embed=daily_question_embed(question, daily_post.local_date.isoformat()),
            view=daily_post_view(daily_post.id, question),
            allowed_mentions=NO_MENTIONS,
        )
        return message_ref(guild_id, channel_id, sent.id)

    async def find_question_post(self, channel_ref: str, daily_post: DailyPost) -> str | None:
        """Our question message for `daily_post` (`discord:<guild>/<channel>/<msg>`), or None.

        `GET /channels/{id}/messages?after=<snowflake of the first claim>&limit=100`, oldest first, matching
        the Answer button's custom id (it carries the post id and the question) on a message of our bot.
        Discord's errors propagate (`discord.HTTPException`), as does `HistoryTooLong`: the core then posts
        nothing."""
        guild_id, channel_id = parse_channel_ref(channel_ref)
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)
        since = as_utc(daily_post.first_claimed_at or daily_post.claimed_at) - FIND_MARGIN
        answer = ids.button_id("daily", daily_post.id, ids.question_ref(daily_post.question_id))
        found = await self._find_in(channel, _has_component(answer), since)
        return message_ref(guild_id, channel_id, found) if found is not None else None

    async def find_reveal_post(
        self, channel_ref: str, question_message_ref: str, daily_post: DailyPost
    ) -> str | None:
        """Our reveal of `daily_post` (`discord:<guild>/<channel or thread>/<msg>`, as `post_reveal` returns
        it), or None.

        `post_reveal` posts in the thread under the question (its id is the question message's), else
        replies in the channel after the close: the thread is read oldest first (404, no thread: not
        there), then the channel after the close (minus `FIND_MARGIN`). Our bot's message whose embed
        footer names the post is the reveal. Discord's other errors propagate, as does `HistoryTooLong`:
        the core then posts nothing."""
        guild_id, channel_id = parse_channel_ref(channel_ref)
        footer = _has_footer(reveal_footer(daily_post.id))
        after: datetime | discord.Object | None = None
        if question_message_ref:
            _guild, _channel, question_id = parse_message_ref(question_message_ref)
            thread = self.client.get_partial_messageable(question_id, guild_id=guild_id)
            try:
                found = await self._find_in(thread, footer, None)
            except discord.NotFound:  # no thread was made under the question
                found = None
            if found is not None:
                return message_ref(guild_id, question_id, found)
            after = discord.Object(question_id)
        if daily_post.closed_at is not None:
            after = as_utc(daily_post.closed_at) - FIND_MARGIN
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)
        found = await self._find_in(channel, footer, after)
        return message_ref(guild_id, channel_id, found) if found is not None else None

    async def _find_in(
        self,
        channel: discord.PartialMessageable,
        wanted: Callable[[discord.Message], bool],
        after: datetime | discord.Object | None,
    ) -> int | None:
        """The id of our bot's first `wanted` message among the first `FIND_LIMIT` after `after` (from the
        start with None), oldest first; `HistoryTooLong` when that many were read without one."""
        me = self.client.user.id if self.client.user is not None else None
        seen = 0
        async for message in channel.history(limit=FIND_LIMIT, after=after, oldest_first=True):
            seen += 1
            if (me is None or message.author.id == me) and wanted(message):
                return message.id
        if seen >= FIND_LIMIT:
            raise HistoryTooLong(f"{seen} messages in channel {channel.id} to look through, none ours")
        return None

    async def post_reveal(self, channel_ref: str, message_ref_text: str, results: DailyResults) -> str:
        """The answer and the day's results in a thread under the question (a reply in the channel when
        no thread can be made); the question's Answer button is closed."""
        guild_id, channel_id = parse_channel_ref(channel_ref)
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)
        embed = reveal_embed(results, self.find_question(results.question_id))
        question_message: discord.PartialMessage | None = None
        if message_ref_text:
            _guild, _channel, message_id = parse_message_ref(message_ref_text)
            question_message = channel.get_partial_message(message_id)
        if question_message is None:
            sent = await channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
            return message_ref(guild_id, channel_id, sent.id)
        await self._close_button(question_message, results.post.id, results.question_id)
        thread_id = await self._thread_of(question_message, results)
        if thread_id is None:
            sent = await channel.send(
                embed=embed, reference=question_message, allowed_mentions=NO_MENTIONS, mention_author=False
            )
            return message_ref(guild_id, channel_id, sent.id)
        thread = self.client.get_partial_messageable(thread_id, guild_id=guild_id)
        sent = await thread.send(embed=embed, allowed_mentions=NO_MENTIONS)
        return message_ref(guild_id, thread_id, sent.id)

    async def _thread_of(self, message: discord.PartialMessage, results: DailyResults) -> int | None:
        name = f"Answer · {results.post.local_date.isoformat()}"
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as error:
            if error.code == THREAD_ALREADY_EXISTS:
                return message.id  # a thread started from a message has the message's id
            log.warning("could not open the reveal thread under message %s: %s", message.id, error)
            return None
        return thread.id

    async def _close_button(self, message: discord.PartialMessage, post_id: int, question_id: str) -> None:
        closed = button(
            ids.button_id("daily", post_id, ids.question_ref(question_id)),
            "Answered — see thread",
            disabled=True,
        )
        try:
            await message.edit(view=persistent_view(closed))
        except discord.HTTPException as error:
            log.warning("could not close the Answer button of message %s: %s", message.id, error)
