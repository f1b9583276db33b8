"""Button clicks: answer a choice, open the Answer modal, hint, skip, stop, next, appeal, the daily post's
Answer button, and the admins' Accept/Reject on appeals.

Each listener acks at once. Buttons that open a modal call `views.open` right after the ack, before any
database work, because a trigger_id expires after 3 seconds. Buttons carry their subject (question id,
daily post id, attempt id, appeal id) in `value`, so old messages keep working after a restart.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.core.errors import InvalidInput
from bot.slack_adapter import ids, modals, render
from bot.slack_adapter.deps import SlackDeps, player_of, reporting, team_ref_of, via_respond

Body = dict[str, Any]


def _action(body: Body) -> Body:
    acted = body.get("actions") or [{}]
    first = acted[0] if isinstance(acted, list) and acted and isinstance(acted[0], dict) else {}
    return first


def _value(body: Body) -> str:
    return str(_action(body).get("value", ""))[:2000]


def _channel(body: Body) -> str:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return str(channel.get("id") or container.get("channel_id") or "")


def _int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"This button does not name a valid {what}.") from None


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the block_actions listeners to `app`."""
    service = deps.service

    @app.action(ids.QUIZ_CHOICE_PATTERN)
    async def choice(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        async with reporting(via_respond(respond), "quiz choice", body):
            question_id, _, answer = _value(body).partition("|")
            feedback = await service.submit(player_of(body), answer, question_id=question_id)
            await via_respond(respond, replace=True)(render.feedback_message(feedback))

    @app.action(ids.QUIZ_ANSWER)
    async def answer(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        async with reporting(via_respond(respond), "quiz answer modal", body):
            question = await service.team_question(player_of(body), _value(body))
            meta = {"q": question.id, "r": body.get("response_url", ""), "c": _channel(body)}
            await deps.client.views_open(trigger_id=str(body.get("trigger_id", "")),
                                         view=modals.answer_modal(question, ids.QUIZ_MODAL, meta))

    @app.action(ids.QUIZ_HINT)
    async def hint(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "hint", body):
            hint = await service.hint(player_of(body), question_id=_value(body))
            await send(render.hint_message(hint))

    @app.action(ids.QUIZ_SKIP)
    async def skip(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        async with reporting(via_respond(respond), "skip", body):
            result = await service.skip(player_of(body), question_id=_value(body))
            await via_respond(respond, replace=True)(render.skip_message(result))

    @app.action(ids.QUIZ_STOP)
    async def stop(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        async with reporting(via_respond(respond), "stop", body):
            summary = await service.stop(player_of(body))
            await via_respond(respond, replace=True)(render.summary_message(summary))

    @app.action(ids.QUIZ_NEXT)
    async def next_question(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "next question", body):
            await send(render.question_message(await service.current_question(player_of(body))))

    @app.action(ids.QUIZ_APPEAL)
    async def appeal(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        async with reporting(via_respond(respond), "appeal modal", body):
            attempt_id = _int(_value(body), "answer")
            meta = {"r": body.get("response_url", ""), "c": _channel(body)}
            await deps.client.views_open(trigger_id=str(body.get("trigger_id", "")),
                                         view=modals.appeal_modal(attempt_id, meta))

    @app.action(ids.DAILY_ANSWER)
    async def daily_answer(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        async with reporting(via_respond(respond), "daily answer modal", body):
            post, _, question_id = _value(body).partition("|")
            question = await service.team_question(player_of(body), question_id)
            meta = {"post": _int(post, "daily question"), "q": question.id, "r": body.get("response_url", ""),
                    "c": _channel(body)}
            await deps.client.views_open(
                trigger_id=str(body.get("trigger_id", "")),
                view=modals.answer_modal(question, ids.DAILY_MODAL, meta, title="Question of the day"),
            )

    async def resolve(body: Body, respond: AsyncRespond, accept: bool) -> None:
        send = via_respond(respond)
        async with reporting(send, "resolve appeal", body):
            user_id = player_of(body).user_id
            await deps.require_admin(user_id)
            details = await service.resolve_appeal(team_ref_of(body), _int(_value(body), "appeal"), accept,
                                                   resolver=user_id)
            verdict = "accepted" if accept else "rejected"
            await send(render.text_message(f"Appeal #{details.appeal.id} {verdict}."))

    @app.action(ids.APPEAL_ACCEPT)
    async def accept(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        await resolve(body, respond, True)

    @app.action(ids.APPEAL_REJECT)
    async def reject(ack: AsyncAck, body: Body, respond: AsyncRespond) -> None:
        await ack()
        await resolve(body, respond, False)
