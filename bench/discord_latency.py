"""Time from a slash command's gateway dispatch to its first response arriving at the fake Discord.

Runs the real discord.py client built by `build_discord_client` against the loopback fake of the adapter
tests, with the real service on a temporary SQLite database. Prints p50/p90/p99/max in milliseconds for
`/quiz` (first response = the defer), an option button (defer) and the Answer button (the modal itself).
Target: p99 ≤ 100 ms. Run: `python -m bench.discord_latency [--count 300]` from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import discord
import yarl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.adapters.discord.driving import Seen, click, slash  # noqa: E402
from tests.adapters.discord.fake_discord import FakeDiscord, RecordedRequest  # noqa: E402
from tests.adapters.discord.payloads import FakeGuild, FakeUser, snowflake  # noqa: E402
from tests.adapters.discord.world import CHOICE, OPEN, Clock, World, build_service  # noqa: E402


def latency_ms(fake: FakeDiscord, callback: RecordedRequest) -> float:
    token = callback.path.split("/")[3]
    return (callback.received_at - fake.interactions[token].dispatched_at) * 1000


def describe(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return (
        f"{name:<22} n={len(ordered):<4} p50={statistics.median(ordered):6.1f} ms  p90={pct(0.9):6.1f} ms  "
        f"p99={pct(0.99):6.1f} ms  max={ordered[-1]:6.1f} ms"
    )


async def run(count: int) -> int:
    from storage.database import open_database

    user = FakeUser(snowflake(), "bench")
    fake = FakeDiscord(guild=FakeGuild(snowflake(), "Bench", user.id, (snowflake(),), (user,)))
    await fake.start()
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    with tempfile.TemporaryDirectory() as tmp:
        database = await open_database(str(Path(tmp) / "bench.sqlite3"))
        clock = Clock()
        store, service = build_service(database, clock)
        world = World(fake, database, store, service, clock, Path(tmp) / "state")
        client = world.client()
        task = asyncio.create_task(client.start(fake.token))
        await asyncio.wait_for(client.wait_until_ready(), 15)
        slash_ms: list[float] = []
        pick_ms: list[float] = []
        modal_ms: list[float] = []
        started = time.perf_counter()
        for index in range(count):
            options: dict[str, object] = {"topic": "rnn-lstm", "count": 1}  # an open question: modal
            if index % 2:
                options = {"topic": "cnn", "difficulty": "fresher", "count": 1}  # a choice: option buttons
            seen: Seen = await slash(fake, "quiz", user, options)
            slash_ms.append(latency_ms(fake, seen.callback))
            ids = seen.custom_ids()
            if any(c.startswith(f"iq:pick:{user.id}:{CHOICE.id}:") for c in ids):
                picked = await click(fake, seen, f"iq:pick:{user.id}:{CHOICE.id}:b", user)
                pick_ms.append(latency_ms(fake, picked.callback))
            elif any(c.startswith(f"iq:ans:{user.id}:{OPEN.id}") for c in ids):
                opened = await click(fake, seen, f"iq:ans:{user.id}:{OPEN.id}", user)
                modal_ms.append(latency_ms(fake, opened.callback))
        elapsed = time.perf_counter() - started
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await database.close()
    await fake.close()
    print(
        f"discord latency: gateway dispatch -> first interaction response at the fake ({count} commands, "
        f"{elapsed:.1f} s)"
    )
    for name, samples in (
        ("/quiz (defer)", slash_ms),
        ("option button (defer)", pick_ms),
        ("Answer button (modal)", modal_ms),
    ):
        if samples:
            print(describe(name, samples))
    worst = max(sorted(slash_ms)[min(len(slash_ms) - 1, round(0.99 * (len(slash_ms) - 1)))], 0)
    print(f"target p99 <= 100 ms for /quiz: {'met' if worst <= 100 else 'NOT met'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=300, help="slash commands to send (default 300)")
    args = parser.parse_args()
    return asyncio.run(run(max(args.count, 1)))


if __name__ == "__main__":
    raise SystemExit(main())
