"""The core's `Announcer` port for Slack: the daily question post and its reveal in the post's thread.

The scheduler (or an admin's `/daily post-now`) asks the core to open the day; the core claims the day in
the database, then calls `post_question` here and stores the message reference we return
(`<channel>:<ts>`), which `post_reveal` later uses as the thread to answer in. Posts wait on the per-channel
token bucket; 429s are retried by the client's rate-limit handler.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.model import DailyPost, DailyResults
from bot.slack_adapter import ids, render
from bot.slack_adapter.throttle import ChannelThrottle
from questions.schema import Question


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
