"""The fan-out: at most `concurrency` posts in flight per platform, posts paced by a token bucket per
platform (or per team), a key never queued twice, one platform's backlog never holding up another, and a
close that finishes in-flight work, cancels it after the timeout and drops the queue."""

from __future__ import annotations

import asyncio

import pytest

from bot.fanout import Fanout, LaneLimits, Pacer, Work, split_ref


class ManualTime:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now


def test_pacer_allows_a_burst_then_spaces_by_the_rate() -> None:
    t = ManualTime()
    pacer = Pacer(rate=10.0, burst=3, clock=t.clock)
    waits = [pacer.reserve("discord") for _ in range(6)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([0.1, 0.2, 0.3])
    assert pacer.reserve("other") == 0.0  # buckets are independent


def test_channel_refs_split_into_platform_and_team() -> None:
    assert split_ref("slack:T1/C2") == ("slack", "T1")
    assert split_ref("discord:123/456") == ("discord", "123")
    assert split_ref("weird") == ("weird", "")


async def test_concurrency_is_bounded_and_posts_are_paced() -> None:
    rate, burst, count = 200.0, 2, 30
    fanout = Fanout({"discord": LaneLimits(rate=rate, burst=burst, concurrency=3)})
    running = 0
    peak = 0
    loop = asyncio.get_running_loop()

    def post() -> Work:
        async def work() -> None:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.02)  # slower than the pacing, so the worker bound is what limits
            running -= 1

        return work

    began = loop.time()
    for i in range(count):
        assert fanout.submit(f"post:{i}", f"discord:g/c{i}", post())
    await fanout.idle()
    assert peak == 3 and fanout.completed == count
    assert loop.time() - began >= (count - burst) / rate  # never faster than the rate allows


async def test_a_key_already_queued_is_not_queued_again_and_failures_do_not_stop_the_lane() -> None:
    fanout = Fanout({"slack": LaneLimits(rate=1000.0, burst=10, concurrency=1)})
    calls: list[str] = []

    async def ok() -> None:
        calls.append("ok")

    async def boom() -> None:
        calls.append("boom")
        raise RuntimeError("platform exploded")

    assert fanout.submit("post:a", "slack:T/C1", boom)
    assert not fanout.submit("post:a", "slack:T/C1", ok)
    assert fanout.submit("post:b", "slack:T/C2", ok)
    await fanout.idle()
    assert calls == ["boom", "ok"] and fanout.failed == 1
    assert fanout.submit("post:a", "slack:T/C1", ok)  # done, so it may be queued again
    await fanout.idle()


async def test_one_slow_platform_does_not_hold_up_another() -> None:
    fanout = Fanout({"slack": LaneLimits(rate=0.5, burst=1, concurrency=1),
                     "discord": LaneLimits(rate=1000.0, burst=10, concurrency=2)})
    done: list[str] = []

    def mark(name: str) -> Work:
        async def work() -> None:
            done.append(name)

        return work

    for i in range(3):
        fanout.submit(f"s{i}", f"slack:T/C{i}", mark(f"slack{i}"))  # 2 s apart
    for i in range(5):
        fanout.submit(f"d{i}", f"discord:g/c{i}", mark(f"discord{i}"))
    await asyncio.sleep(0.2)
    assert {f"discord{i}" for i in range(5)} <= set(done)
    assert "slack2" not in done
    assert await fanout.close(timeout=0.1) == 0
    assert not fanout.submit("late", "discord:g/c9", mark("late"))


async def test_a_workspace_with_a_backlog_does_not_hold_up_the_others() -> None:
    """Per-workspace buckets: ten queued posts for a slow workspace, then one for another workspace; the
    other one goes out at once instead of waiting behind the backlog (no head-of-line blocking)."""
    fanout = Fanout({"slack": LaneLimits(rate=2.0, burst=1, concurrency=2, per_team=True)})
    done: list[str] = []

    def mark(name: str) -> Work:
        async def work() -> None:
            done.append(name)

        return work

    for i in range(10):
        fanout.submit(f"busy{i}", f"slack:TBUSY/C{i}", mark(f"busy{i}"))
    fanout.submit("quiet", "slack:TQUIET/C1", mark("quiet"))
    await asyncio.sleep(0.2)
    assert "quiet" in done and done.count("quiet") == 1
    assert len([d for d in done if d.startswith("busy")]) <= 2  # the busy workspace stays paced
    await fanout.close(timeout=0.1)


async def test_close_finishes_in_flight_work_and_cancels_it_after_the_timeout() -> None:
    fanout = Fanout({"discord": LaneLimits(rate=1000.0, burst=10, concurrency=2)})
    finished: list[str] = []
    cancelled: list[str] = []

    def job(name: str, seconds: float) -> Work:
        async def work() -> None:
            try:
                await asyncio.sleep(seconds)
                finished.append(name)
            except asyncio.CancelledError:
                cancelled.append(name)
                raise

        return work

    fanout.submit("quick", "discord:g/c1", job("quick", 0.05))
    fanout.submit("stuck", "discord:g/c2", job("stuck", 60))
    fanout.submit("queued", "discord:g/c3", job("queued", 0))
    await asyncio.sleep(0.01)
    assert await fanout.close(timeout=0.3) == 1
    assert finished == ["quick"] and cancelled == ["stuck"]
    assert fanout.pending == 0
    await fanout.idle()


def test_lane_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="positive rate"):
        LaneLimits(rate=0)
    with pytest.raises(ValueError, match="worker"):
        LaneLimits(rate=1, concurrency=0)
