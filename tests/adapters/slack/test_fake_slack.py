"""The harness itself: the fake answers the real slack_sdk, and a bare bolt app served over both
transports sees signed requests, acks and Web API calls land on the fake."""

from __future__ import annotations

import time

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.adapters.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.adapters.slack.harness import HttpDriver, HttpServer, SocketDriver, connect_socket_mode
from tests.adapters.slack.payloads import SIGNING_SECRET, SlackUser, slash_command

ALICE = SlackUser("UALICE01", "alice")


def _client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url)


async def test_web_api_methods_answer_the_real_client(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    auth = await client.auth_test()
    assert auth["team_id"] == fake_slack.team_id
    assert "chat:write" in auth.headers["x-oauth-scopes"]
    posted = await client.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    assert fake_slack.calls("chat.postMessage")[0]["blocks"] == [{"type": "divider"}]
    await client.chat_postMessage(channel="C1", text="reply", thread_ts=posted["ts"])
    replies = await client.conversations_replies(channel="C1", ts=posted["ts"])
    assert [m["text"] for m in replies["messages"]] == ["hi", "reply"]
    fake_slack.add_user("UADMIN01", "root", is_admin=True)
    info = await client.users_info(user="UADMIN01")
    assert info["user"]["is_admin"] is True
    upload = await client.files_upload_v2(
        content=b"\x89PNG fake", filename="c.png", title="chart", channel="D1"
    )
    assert fake_slack.uploads[upload["file"]["id"]] == b"\x89PNG fake"
    assert fake_slack.calls("files.completeUploadExternal")[0]["channel_id"] == "D1"


async def test_a_429_fails_without_the_retry_handler_and_passes_with_it(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    fake_slack.fail_next("chat.postMessage", retry_after=0)
    try:
        await client.chat_postMessage(channel="C1", text="x")
        raise AssertionError("expected a rate-limit error")
    except SlackApiError as err:
        assert err.response.status_code == 429
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    fake_slack.fail_next("chat.postMessage", retry_after=0)
    await client.chat_postMessage(channel="C1", text="y")
    assert [r.body["text"] for r in fake_slack.attempts("chat.postMessage")] == ["x", "y", "y"]


def _bare_app(fake: FakeSlack, socket_mode: bool = False) -> AsyncApp:
    app = AsyncApp(
        client=_client(fake), signing_secret=SIGNING_SECRET, request_verification_enabled=not socket_mode
    )

    @app.command("/ping")
    async def ping(ack, respond, command) -> None:  # type: ignore[no-untyped-def]
        await ack()
        await respond(f"pong {command['text']}")

    return app


async def test_signed_command_over_http(fake_slack: FakeSlack, http_session: aiohttp.ClientSession) -> None:
    server = await HttpServer(_bare_app(fake_slack)).start()
    try:
        driver = HttpDriver(server.url, http_session)
        ack = await driver.send(slash_command("/ping", "x", ALICE, fake_slack.response_url()))
        assert ack.status == 200
        responses = await fake_slack.wait_for_responses(1)
        assert responses[0]["text"] == "pong x"
        assert len(fake_slack.calls("auth.test")) == 1
        stale = await driver.send(
            slash_command("/ping", "y", ALICE, fake_slack.response_url()), timestamp=int(time.time()) - 400
        )
        assert stale.status == 401
    finally:
        await server.stop()


async def test_command_over_socket_mode(fake_slack: FakeSlack) -> None:
    handler = await connect_socket_mode(_bare_app(fake_slack, socket_mode=True), fake_slack)
    try:
        ack = await SocketDriver(fake_slack).send(
            slash_command("/ping", "z", ALICE, fake_slack.response_url())
        )
        assert ack.status == 200
        responses = await fake_slack.wait_for_responses(1)
        assert responses[0]["text"] == "pong z"
        assert fake_slack.calls("apps.connections.open")
    finally:
        await handler.close_async()
