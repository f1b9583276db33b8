"""Slash commands: `/quiz`, `/review`, `/stats`, `/leaderboard`, `/group`, and the admin's `/daily`,
`/appeals`, `/packs`.

Every handler acks first (Slack wants an answer within 3 s; bolt returns the HTTP 200 as soon as `ack()` is
called) and then does the slow work, replying ephemerally through the command's response_url.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.core.errors import InvalidInput
from bot.slack_adapter import args, ids, modals, render
from bot.slack_adapter.blocks import escape
from bot.slack_adapter.deps import Send, SlackDeps, player_of, reporting, team_ref_of, via_respond

QUIZ_HELP = ("`/quiz [topic] [difficulty] [count]` starts a private quiz (e.g. `/quiz cnn senior 3`); "
             "`/quiz stop` ends it. Also `/review`, `/stats`, `/leaderboard [day|week|month|all] [topic] "
             "[group]`, `/group join NAME`, `/group leave`.")
DAILY_HELP = ("`/daily set #channel HH:MM timezone [topics] [difficulty] [reveal_after]`, `/daily off "
              "[#channel]`, `/daily post-now [#channel]`.")
PACKS_HELP = "`/packs list`, `/packs upload`, `/packs enable NAME`, `/packs disable NAME`."

Body = dict[str, Any]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the slash-command listeners to `app`."""
    service = deps.service

    @app.command("/quiz")
    async def quiz(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/quiz", command):
            player = player_of(command)
            first = (args.words(command.get("text"))[:1] or [""])[0].lower()
            if first == "help":
                await send(render.text_message(QUIZ_HELP))
            elif first == "stop":
                await send(render.summary_message(await service.stop(player)))
            elif first == "current":
                await send(render.question_message(await service.current_question(player)))
            else:
                wanted = args.parse_quiz(command.get("text"))
                view = await service.start_quiz(player, wanted.topic, wanted.difficulty, wanted.kind,
                                                wanted.count)
                await send(render.question_message(view))

    @app.command("/review")
    async def review(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/review", command):
            given = args.words(command.get("text"))
            count = given[0] if given else None
            view = await service.start_review(player_of(command), count)
            await send(render.question_message(view))

    @app.command("/stats")
    async def stats(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/stats", command):
            player = player_of(command)
            mine = await service.stats(player)
            note = ""
            if deps.chart is not None:
                note = "Your progress chart is in your direct messages with me."
            await send(render.stats_message(mine, note))
            if deps.chart is not None:
                png = await asyncio.to_thread(deps.chart, mine)
                opened = await deps.client.conversations_open(users=player.user_id)
                dm = str((opened.get("channel") or {}).get("id") or player.user_id)
                await deps.throttle.wait(dm)
                await deps.client.files_upload_v2(channel=dm, content=png, filename="progress.png",
                                                  title="Your progress", alt_txt="Progress chart")

    @app.command("/leaderboard")
    async def leaderboard(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/leaderboard", command):
            wanted = args.parse_leaderboard(command.get("text"))
            board = await service.leaderboard(player_of(command), wanted.window, wanted.topic, wanted.group)
            await send(render.leaderboard_message(board))

    @app.command("/group")
    async def group(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/group", command):
            items = args.words(command.get("text"))
            verb = items[0].lower() if items else ""
            if verb == "join" and len(items) > 1:
                joined = await service.join_group(player_of(command), " ".join(items[1:]))
                await send(render.text_message(f"You joined the group *{escape(joined.name)}*."))
            elif verb == "leave":
                left = await service.leave_group(player_of(command))
                await send(render.text_message(f"You left the group *{escape(left.name)}*."))
            else:
                raise InvalidInput("Usage: `/group join NAME` or `/group leave`.")

    @app.command("/daily")
    async def daily(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/daily", command):
            await deps.require_admin(str(command.get("user_id", "")))
            await _daily(deps, command, send)

    @app.command("/appeals")
    async def appeals(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/appeals", command):
            await deps.require_admin(str(command.get("user_id", "")))
            await send(render.appeals_message(await service.list_appeals(team_ref_of(command))))

    @app.command("/packs")
    async def packs(ack: AsyncAck, command: Body, respond: AsyncRespond) -> None:
        await ack()
        send = via_respond(respond)
        async with reporting(send, "/packs", command):
            await deps.require_admin(str(command.get("user_id", "")))
            await _packs(deps, command, send)


async def _daily(deps: SlackDeps, command: Body, send: Send) -> None:
    items = args.words(command.get("text"))
    verb = items[0].lower() if items else ""
    team = team_ref_of(command)
    here_id, here_name = str(command.get("channel_id", "")), str(command.get("channel_name", ""))
    if verb == "set":
        wanted = args.parse_daily_set(items[1:], here_id, here_name)
        config = await deps.service.configure_daily(
            ids.channel_ref(team.external_id, wanted.channel), team, wanted.post_time, wanted.timezone,
            wanted.weekdays, wanted.topics, wanted.difficulty, wanted.reveal_after,
        )
        topics = ", ".join(config.topics) or "all topics"
        hours = config.reveal_after.total_seconds() / 3600
        await send(render.text_message(
            f"Daily question set for <#{wanted.channel}> at {config.post_time:%H:%M} "
            f"{escape(config.timezone)}: {escape(topics)}, "
            f"{config.difficulty or 'any difficulty'}, reveal after {hours:g} h."
        ))
    elif verb == "off":
        channel = args.parse_channel(items[1] if len(items) > 1 else None, here_id, here_name)
        await deps.service.disable_daily(ids.channel_ref(team.external_id, channel))
        await send(render.text_message(f"Daily question switched off in <#{channel}>."))
    elif verb in ("post-now", "post", "now"):
        channel = args.parse_channel(items[1] if len(items) > 1 else None, here_id, here_name)
        post = await deps.service.open_daily(ids.channel_ref(team.external_id, channel), force=True)
        await send(render.text_message(f"Posted today's question in <#{channel}> (daily post #{post.id})."))
    else:
        raise InvalidInput("Usage: " + DAILY_HELP)


async def _packs(deps: SlackDeps, command: Body, send: Send) -> None:
    """The workspace's packs: shipped ones it may switch off for itself, and its own uploads."""
    items = args.words(command.get("text"))
    verb = items[0].lower() if items else "list"
    team = player_of(command)
    if verb == "list":
        lines = [f"• `{escape(p.name)}` {escape(p.title)} ({p.questions} questions)"
                 + (" — _uploaded here_" if p.uploaded else "") + ("" if p.enabled else " — _disabled_")
                 for p in await deps.service.list_packs(team)]
        await send(render.text_message("*Packs*\n" + ("\n".join(lines) or "none loaded") + "\n" + PACKS_HELP))
    elif verb == "upload":
        deps.service.require_pack_admin()  # refuses early when pack administration is not configured
        await deps.client.views_open(trigger_id=str(command.get("trigger_id", "")), view=modals.pack_modal())
    elif verb in ("enable", "disable") and len(items) > 1:
        switch = deps.service.enable_pack if verb == "enable" else deps.service.disable_pack
        info = await switch(team, items[1])
        await send(render.text_message(f"Pack `{escape(info.name)}` {verb}d."))
    else:
        raise InvalidInput("Usage: " + PACKS_HELP)
