"""Modal submissions: a quiz answer, a daily answer, an appeal, an uploaded pack.

What can be checked without the database (an empty answer, an unparseable pack) is refused inline with
`ack(response_action="errors")`, so the modal stays open with the message under the field. Everything else
acks first (the modal closes) and then grades, replying through the response_url of the button that opened
the modal.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.core.context import MAX_ANSWER
from bot.core.errors import CoreError
from bot.core.packs import InvalidPack
from bot.slack_adapter import ids, modals, render
from bot.slack_adapter.blocks import ERROR_TEXT, escape, read_metadata, truncate
from bot.slack_adapter.deps import SlackDeps, player_of, reporting, via_response_url

Body = dict[str, Any]
EMPTY_ANSWER = "Type an answer (or pick one) before submitting."
MAX_LISTED_PROBLEMS = 8


def _state(view: Body) -> Body:
    values = (view.get("state") or {}).get("values") or {}
    return values if isinstance(values, dict) else {}


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the view_submission listeners to `app`."""
    service = deps.service

    def reply(body: Body, meta: Body, replace: bool) -> Any:
        player = player_of(body)
        url = meta.get("r") if isinstance(meta.get("r"), str) else None
        channel = str(meta.get("c") or player.user_id)
        return via_response_url(url, deps.client, channel, player.user_id, replace)

    @app.view(ids.QUIZ_MODAL)
    async def quiz_answer(ack: AsyncAck, body: Body, view: Body) -> None:
        answer = modals.read_answer(_state(view)).strip()
        if not answer:
            await ack(response_action="errors", errors={ids.ANSWER_BLOCK: EMPTY_ANSWER})
            return
        await ack()
        meta = read_metadata(view.get("private_metadata"))
        async with reporting(reply(body, meta, False), "quiz answer", body):
            question_id = str(meta.get("q") or "") or None
            feedback = await service.submit(player_of(body), answer[:MAX_ANSWER], question_id=question_id)
            await reply(body, meta, True)(render.feedback_message(feedback))

    @app.view(ids.DAILY_MODAL)
    async def daily_answer(ack: AsyncAck, body: Body, view: Body) -> None:
        answer = modals.read_answer(_state(view)).strip()
        if not answer:
            await ack(response_action="errors", errors={ids.ANSWER_BLOCK: EMPTY_ANSWER})
            return
        meta = read_metadata(view.get("private_metadata"))
        post_id = meta.get("post")
        if not isinstance(post_id, int):
            await ack(response_action="errors", errors={ids.ANSWER_BLOCK: "This form lost its question; "
                                                        "press Answer on the daily post again."})
            return
        await ack()
        # The daily post is public: the feedback goes out as a new ephemeral message, never a replacement.
        send = reply(body, meta, False)
        async with reporting(send, "daily answer", body):
            feedback = await service.submit_daily(player_of(body), post_id, answer[:MAX_ANSWER])
            await send(render.feedback_message(feedback))

    @app.view(ids.APPEAL_MODAL)
    async def appeal(ack: AsyncAck, body: Body, view: Body) -> None:
        reason = modals.read_text(_state(view), ids.REASON_BLOCK, ids.REASON_INPUT).strip()
        if not reason:
            await ack(response_action="errors", errors={ids.REASON_BLOCK: "Say why the grade is wrong."})
            return
        await ack()
        meta = read_metadata(view.get("private_metadata"))
        send = reply(body, meta, False)
        async with reporting(send, "appeal", body):
            attempt = meta.get("attempt")
            attempt_id = attempt if isinstance(attempt, int) else None
            made = await service.appeal(player_of(body), reason, attempt_id)
            await send(render.text_message(
                f"Appeal #{made.id} recorded for your answer #{made.attempt_id}; an admin will review it."))

    @app.view(ids.PACK_MODAL)
    async def pack_upload(ack: AsyncAck, body: Body, view: Body) -> None:
        """Validated before the ack so problems show under the field (validation of a 3,000-character
        input takes milliseconds)."""
        uploader = player_of(body)
        if not await deps.admin.is_admin(uploader.user_id):
            await ack(response_action="errors", errors={ids.PACK_BLOCK: "Only admins can upload packs."})
            return
        text = modals.read_text(_state(view), ids.PACK_BLOCK, ids.PACK_INPUT)
        if not text.strip():
            await ack(response_action="errors", errors={ids.PACK_BLOCK: "Paste the pack's YAML."})
            return
        try:
            added = await service.upload_pack(uploader, text.encode("utf-8", "replace"), "upload.yaml")
        except InvalidPack as err:
            await ack(response_action="errors", errors={ids.PACK_BLOCK: _listed(err.problems)})
            return
        except CoreError as err:
            await ack(response_action="errors", errors={ids.PACK_BLOCK: truncate(err.message, ERROR_TEXT)})
            return
        verb = "replaced" if added.replaced else "added"
        done = f"Pack `{escape(added.name)}` ({added.questions} questions) {verb} for this workspace only."
        await ack(response_action="update", view=modals.notice_view(f"Pack {verb}", done))


def _listed(problems: tuple[str, ...]) -> str:
    listed = list(problems[:MAX_LISTED_PROBLEMS]) or ["The pack is not valid."]
    if len(problems) > MAX_LISTED_PROBLEMS:
        listed.append(f"…and {len(problems) - MAX_LISTED_PROBLEMS} more")
    return truncate("\n".join(listed), ERROR_TEXT)
