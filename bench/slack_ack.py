"""How fast the Slack adapter acks: time from sending a signed request to its HTTP 200 (target <= 100 ms).

    python bench/slack_ack.py                       # 300 requests of each kind, one at a time
    python bench/slack_ack.py --requests 500 --concurrency 10
    python bench/slack_ack.py --socket              # also Socket Mode: envelope sent -> ack received

Everything is real except Slack: the adapter (slack-bolt AsyncApp over aiohttp), the practice service and a
migrated SQLite database in a temporary directory, in a child process of their own; Slack is the test
suite's fake on 127.0.0.1, in this process with the load generator. Kinds:
`/quiz` (slash command), `hint` (block_actions button) and `modal` (view_submission of an answer). The
figure printed per kind is the ack latency (p50/p90/p99/max); `reply` is the time until the reply reached
the response_url, for comparison (that work happens after the ack).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler  # noqa: E402

from bot.core.checking import check  # noqa: E402
from bot.core.service import PracticeService  # noqa: E402
from bot.slack_adapter import ids  # noqa: E402
from bot.slack_adapter.app import build_slack_app  # noqa: E402
from bot.slack_adapter.settings import SlackSettings  # noqa: E402
from questions.loader import load_pack_file  # noqa: E402
from questions.store import QuestionStore  # noqa: E402
from storage.database import open_database  # noqa: E402
from tests.adapters.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack  # noqa: E402
from tests.adapters.slack.harness import HttpDriver, HttpServer, SocketDriver  # noqa: E402
from tests.adapters.slack.payloads import (  # noqa: E402
    SIGNING_SECRET,
    Outgoing,
    SlackUser,
    block_actions,
    slash_command,
    text_value,
    view_submission,
)

PACK = REPO / "tests" / "adapters" / "slack" / "pack.yaml"
Send = Callable[[Outgoing], Awaitable[float]]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def line(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{label:<22} n={len(ms):<5} p50={percentile(ms, 50):7.2f} ms  p90={percentile(ms, 90):7.2f} ms  "
            f"p99={percentile(ms, 99):7.2f} ms  max={max(ms):7.2f} ms  mean={statistics.fmean(ms):7.2f} ms")


def requests_of(kind: str, user: SlackUser, fake: FakeSlack) -> Outgoing:
    url = fake.response_url()
    if kind == "/quiz":
        return slash_command("/quiz", "fundamentals", user, url)
    if kind == "hint":
        return block_actions(ids.QUIZ_HINT, "slack-what-is-dl", user, url)
    meta = f'{{"q":"slack-what-is-dl","r":"{url}","c":"C0GENERAL"}}'
    answer = "Neural networks with many layers that learn representations from raw data."
    return view_submission(ids.QUIZ_MODAL, text_value(ids.ANSWER_BLOCK, ids.ANSWER_INPUT, answer), user,
                           private_metadata=meta)


async def run_kind(kind: str, send: Send, fake: FakeSlack, users: list[SlackUser], count: int,
                   concurrency: int) -> tuple[list[float], list[float]]:
    acks: list[float] = []
    replies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        user = users[i % len(users)]
        if kind != "/quiz":  # hint and modal answers need a running quiz for this user
            setup = requests_of("/quiz", user, fake)
            await send(setup)
            await fake.wait_for_response_to(setup.payload.get("response_url", ""), timeout=30)
        request = requests_of(kind, user, fake)
        url = str(request.payload.get("response_url") or "")
        if kind == "modal":
            url = request.payload["view"]["private_metadata"].split('"r":"')[1].split('"')[0]
        async with gate:
            started = time.perf_counter()
            acks.append(await send(request))
            await fake.wait_for_response_to(url, timeout=30)
            replies.append(time.perf_counter() - started)

    # users are distinct within a batch so one user's quiz is never raced by another request of the run
    for start in range(0, count, len(users)):
        await asyncio.gather(*(one(i) for i in range(start, min(count, start + len(users)))))
    return acks, replies


def settings_for(fake_root: str, mode: str) -> SlackSettings:
    return SlackSettings(bot_token=SecretStr(BOT_TOKEN), signing_secret=SecretStr(SIGNING_SECRET),
                         app_token=SecretStr(APP_TOKEN), mode=mode, api_base_url=f"{fake_root}/api/")


async def serve(fake_root: str, mode: str) -> None:
    """The app under test, in its own process (as in production, Slack is not in our process): prints
    `READY <url>` and serves until stdin closes."""
    loaded = load_pack_file(PACK)
    assert loaded.pack is not None
    with tempfile.TemporaryDirectory() as tmp:
        database = await open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        service = PracticeService(database.uow_factory, QuestionStore([loaded.pack]), check,
                                  rng=random.Random(1))
        app = build_slack_app(service, settings_for(fake_root, mode), chart=False)
        server = handler = None
        try:
            if mode == "http":
                server = await HttpServer(app).start()
                print(f"READY {server.url}", flush=True)
            else:
                handler = AsyncSocketModeHandler(app, app_token=APP_TOKEN)
                await handler.connect_async()
                print("READY socket", flush=True)
            await asyncio.to_thread(sys.stdin.read)
        finally:
            if server is not None:
                await server.stop()
            if handler is not None:
                await handler.close_async()
            await database.close()


async def main(count: int, concurrency: int, socket: bool) -> None:
    users = [SlackUser(f"UBENCH{i:04d}", f"bench{i}") for i in range(max(concurrency, 1) * 4)]
    fake = await FakeSlack().start()
    modes = ["http", "socket"] if socket else ["http"]
    print(f"slack ack bench: {count} requests per kind, concurrency {concurrency}, SQLite, fake Slack; "
          "the app runs in its own process")
    try:
        async with aiohttp.ClientSession() as session:
            for mode in modes:
                fake.ws_connected.clear()
                child = await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--serve", fake.root, "--mode", mode,
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                )
                assert child.stdout is not None and child.stdin is not None
                ready = (await asyncio.wait_for(child.stdout.readline(), 60)).decode().split()
                if not ready or ready[0] != "READY":
                    raise SystemExit(f"the app process did not start: {ready}")
                driver: HttpDriver | SocketDriver
                if mode == "http":
                    driver = HttpDriver(ready[1], session)
                else:
                    await asyncio.wait_for(fake.ws_connected.wait(), 30)
                    driver = SocketDriver(fake)

                async def send(request: Outgoing, driver: HttpDriver | SocketDriver = driver) -> float:
                    ack = await driver.send(request)
                    if ack.status != 200:
                        raise SystemExit(f"unexpected status {ack.status}: {ack.body}")
                    return ack.elapsed

                try:
                    await run_kind("/quiz", send, fake, users, 10, 1)  # warm-up: auth.test, first queries
                    for kind in ("/quiz", "hint", "modal"):
                        acks, replies = await run_kind(kind, send, fake, users, count, concurrency)
                        print(line(f"{mode} {kind} ack", acks), flush=True)
                        print(line(f"{mode} {kind} reply", replies), flush=True)
                finally:
                    child.stdin.close()
                    await asyncio.wait_for(child.wait(), 30)
    finally:
        await fake.stop()


if __name__ == "__main__":
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--socket", action="store_true", help="also measure Socket Mode")
    parser.add_argument("--serve", metavar="FAKE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="http", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        asyncio.run(serve(options.serve, options.mode))
    else:
        asyncio.run(main(options.requests, options.concurrency, options.socket))
