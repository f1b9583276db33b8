"""A bot process killed with SIGKILL in the middle of a fan-out over 50 channels, then restarted, posts to
each channel exactly once in total.

The first process is killed while posts are in flight (their days claimed, nothing delivered) and other
channels are still queued. A restart a minute later posts the channels nobody claimed and leaves the
dead process's fresh claims alone; once those claims are older than the core's STALE_CLAIM, the next
start takes them over and posts them. Every run is a real subprocess on the shared database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from bot.core.daily import STALE_CLAIM
from storage.database import open_database

CHANNELS = 50
KILL_AFTER = 20
ROOT = Path(__file__).resolve().parents[3]
WORKER = "tests.integration.scheduler.crash_worker"
DAY = date(2025, 3, 12)


def worker(*args: str) -> list[str]:
    return [sys.executable, "-m", WORKER, *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def delivered(out: Path) -> Counter[str]:
    if not out.exists():
        return Counter()
    return Counter(line.split()[0] for line in out.read_text().splitlines() if line.strip())


async def day_rows(url: str) -> Counter[str]:
    database = await open_database(url, migrate=False)
    try:
        async with database.uow_factory() as uow:
            found: Counter[str] = Counter()
            for i in range(CHANNELS):
                row = await uow.daily_posts.for_date(f"discord:g1/c{i:03d}", DAY)
                found[row.status.value if row else "none"] += 1
            return found
    finally:
        await database.close()


async def test_sigkill_mid_fan_out_then_restart_posts_each_channel_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "platform.log"
    subprocess.run(worker("setup", database_url, str(CHANNELS)), cwd=ROOT, env=env(), check=True, timeout=120)

    first = subprocess.Popen(worker("run", database_url, str(out), "2025-03-12T09:30:00+00:00",
                                    "--hang-after", str(KILL_AFTER)),
                             cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not Path(f"{out}.hanging").exists():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first process never reached the middle of its fan-out"
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # posts accepted just before the platform hung get recorded
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL

    after_kill = await day_rows(database_url)
    accepted = sum(delivered(out).values())
    assert KILL_AFTER <= accepted < CHANNELS  # posts already on their way when the platform hung landed
    assert after_kill["posted"] == accepted  # every accepted post was recorded before the kill
    assert after_kill["claimed"] >= 1  # killed with posts in flight
    assert after_kill["none"] >= 1  # and channels not reached yet

    # a restart one minute later: the dead process's claims are still fresh, everything else is posted
    soon = subprocess.run(worker("run", database_url, str(out), "2025-03-12T09:31:00+00:00"),
                          cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120)
    assert soon.returncode == 0, soon.stderr[-2000:]
    after_restart = await day_rows(database_url)
    assert after_restart["claimed"] == after_kill["claimed"] and after_restart["none"] == 0

    # the next start after the claims went stale takes them over
    later = f"2025-03-12T09:{31 + int(STALE_CLAIM.total_seconds() // 60) + 1:02d}:00+00:00"
    final = subprocess.run(worker("run", database_url, str(out), later),
                           cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr[-2000:]

    counts = delivered(out)
    assert counts == Counter({f"discord:g1/c{i:03d}": 1 for i in range(CHANNELS)})
    assert await day_rows(database_url) == Counter({"posted": CHANNELS})
