"""A token bucket per channel so posts stay near Slack's "one message per second per channel".

Slack tolerates short bursts but starts answering 429; spacing posts ourselves keeps the daily fan-out and
reveals smooth, and the client's rate-limit retry handler covers whatever still gets through. The clock and
the sleep are injectable so tests need not wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class ChannelThrottle:
    """`await throttle.wait(channel)` before each post: at most `burst` posts at once, then `rate` per
    second per channel. Memory stays bounded: idle channels are forgotten once `max_channels` is exceeded."""

    def __init__(
        self,
        rate: float = 1.0,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        max_channels: int = 10_000,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.interval = 1.0 / rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self.max_channels = max_channels
        self._next: dict[str, float] = {}

    def reserve(self, channel: str) -> float:
        """Book the channel's next slot and return how many seconds to wait for it."""
        now = self.clock()
        earliest = now - (self.burst - 1) * self.interval
        slot = max(self._next.get(channel, earliest), earliest)
        self._next[channel] = slot + self.interval
        if len(self._next) > self.max_channels:
            self._forget_idle(now)
        return max(0.0, slot - now)

    async def wait(self, channel: str) -> None:
        delay = self.reserve(channel)
        if delay > 0:
            await self.sleep(delay)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, slot in self._next.items() if slot <= now]:
            del self._next[key]
