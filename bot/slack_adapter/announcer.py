"""The core's `Announcer` port for Slack: the daily question post and its reveal in the post's thread.

The scheduler (or an admin's `/daily post-now`) asks the core to open the day; the core claims the day in
the database, then calls `post_question` here and stores the message reference we return
(`<channel>:<ts>`), which `post_reveal` later uses as the thread to answer in. Posts wait on the per-channel
token bucket; 429s are retried by the client's rate-limit handler.

`find_question_post` (the core's `PostFinder`) looks through the channel's history for a question message
we posted for a daily post id, for a take-over of a claim whose process died between the post and
recording it. It needs the `channels:history` scope (`groups:history` for private channels).
`find_reveal_post` (the core's `RevealFinder`) likewise reads the question's thread (`conversations.replies`,
same scopes) for our reveal of a post, for a retry after a reveal whose outcome is unknown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.model import DailyPost, DailyResults
from bot.core.timekeeping import as_utc
from bot.slack_adapter import ids, render
from bot.slack_adapter.blocks import BUTTON_VALUE
from bot.slack_adapter.throttle import ChannelThrottle
from questions.schema import Question

FIND_MARGIN = timedelta(minutes=5)
"""Searched from this long before the first claim: the platform's clock may be behind ours."""
FIND_PAGE = 200
FIND_PAGES = 10
"""At most this many pages of history (newest first) are read; a longer history cannot be checked."""


class HistoryTooLong(LookupError):
    """More messages since the claim than the finder reads: it cannot tell whether the post is there."""


def _is_question_of(message: dict[str, Any], daily_post: DailyPost) -> bool:
    """Whether a message is our question post of this daily post: its Answer button's actions block and
    value carry the post id and question id (`render.daily_post_message`)."""
    block_id = render.DAILY_BLOCK.format(daily_post.id)
    value = render.daily_answer_value(daily_post.id, daily_post.question_id)[:BUTTON_VALUE]
    for block in message.get("blocks") or []:
        if not isinstance(block, dict) or block.get("type") != "actions" or block.get("block_id") != block_id:
            continue
        for element in block.get("elements") or []:
            if (isinstance(element, dict) and element.get("action_id") == ids.DAILY_ANSWER
                    and element.get("value") == value):
                return True
    return False


def _is_reveal_of(message: dict[str, Any], post_id: int) -> bool:
    """Whether a message is our reveal of this daily post: its header block id carries the post id
    (`render.reveal_message`)."""
    block_id = render.REVEAL_BLOCK.format(post_id)
    return any(isinstance(b, dict) and b.get("block_id") == block_id for b in message.get("blocks") or [])


class SlackAnnouncer:
    def __init__(self, client: AsyncWebClient, throttle: ChannelThrottle) -> None:
        self.client = client
        self.throttle = throttle

    async def post_question(self, channel_ref: str, question: Question, daily_post: DailyPost) -> str:
        """Post the question with its Answer button; returns `<channel>:<ts>` (raises on failure, so the core
        releases its claim on the day)."""
        _team, channel = ids.split_channel_ref(channel_ref)
        await self.throttle.wait(channel)
        body = render.daily_post_message(question, daily_post)
        response = await self.client.chat_postMessage(channel=channel, unfurl_links=False, **body)
        return ids.message_ref(str(response["channel"] or channel), str(response["ts"]))

    async def post_reveal(self, channel_ref: str, message_ref: str, results: DailyResults) -> str:
        """Post the reveal as a reply in the question's thread (a plain post if the reference is lost)."""
        _team, channel = ids.split_channel_ref(channel_ref)
        thread_ts: str | None = None
        if message_ref:
            posted_channel, thread_ts = ids.split_message_ref(message_ref)
            channel = posted_channel or channel
        await self.throttle.wait(channel)
        body = render.reveal_message(results)
        response = await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **body)
        return ids.message_ref(str(response["channel"] or channel), str(response["ts"]))

    async def find_reveal_post(
        self, channel_ref: str, question_message_ref: str, daily_post: DailyPost
    ) -> str | None:
        """Our reveal of `daily_post` (`<channel>:<ts>`, as `post_reveal` returns it), or None.

        `post_reveal` replies in the question's thread, so that thread's `conversations.replies` is read
        (oldest first, page after page); without a question reference the reveal went to the channel, so
        its history since the close is read. A thread Slack does not have (`thread_not_found`: the question
        was deleted) holds no reveal; other failed calls raise `SlackApiError`, a thread or history longer
        than `FIND_PAGES` pages raises `HistoryTooLong`: the core then posts nothing."""
        _team, channel = ids.split_channel_ref(channel_ref)
        if question_message_ref:
            posted_channel, thread_ts = ids.split_message_ref(question_message_ref)
            channel = posted_channel or channel
            try:
                return await self._search(channel, lambda m: _is_reveal_of(m, daily_post.id),
                                          self.client.conversations_replies, ts=thread_ts)
            except SlackApiError as error:
                if error.response.get("error") != "thread_not_found":
                    raise
                return None  # the question message is gone, and no reveal can be in its thread
        closed = daily_post.closed_at or daily_post.reveal_at
        oldest = f"{(as_utc(closed) - FIND_MARGIN).timestamp():.6f}"
        return await self._search(channel, lambda m: _is_reveal_of(m, daily_post.id),
                                  self.client.conversations_history, oldest=oldest)

    @staticmethod
    async def _search(
        channel: str,
        wanted: Callable[[dict[str, Any]], bool],
        call: Callable[..., Awaitable[Any]],
        **query: str,
    ) -> str | None:
        """`<channel>:<ts>` of the first `wanted` message in the pages `call` (`conversations_history` or
        `conversations_replies`) returns, None after the last page; `HistoryTooLong` past `FIND_PAGES`."""
        cursor: str | None = None
        for _page in range(FIND_PAGES):
            response = await call(channel=channel, limit=FIND_PAGE, cursor=cursor, **query)
            for message in response.get("messages") or []:
                if isinstance(message, dict) and wanted(message):
                    return ids.message_ref(channel, str(message["ts"]))
            metadata = response.get("response_metadata") or {}
            cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
            if not response.get("has_more") or not cursor:
                return None
        raise HistoryTooLong(f"more than {FIND_PAGES * FIND_PAGE} messages to read in {channel}")

    async def find_question_post(self, channel_ref: str, daily_post: DailyPost) -> str | None:
        """Our question message for `daily_post` in the channel (`<channel>:<ts>`), or None.

        Reads `conversations.history` newest first down to the first claim (minus `FIND_MARGIN`); a
        failed call raises (slack_sdk's `SlackApiError`), and so does a history longer than
        `FIND_PAGES` pages, since the core posts nothing when it cannot be sure."""
        _team, channel = ids.split_channel_ref(channel_ref)
        since = as_utc(daily_post.first_claimed_at or daily_post.claimed_at) - FIND_MARGIN
        oldest = f"{since.timestamp():.6f}"
        return await self._search(channel, lambda m: _is_question_of(m, daily_post),
                                  self.client.conversations_history, oldest=oldest)
