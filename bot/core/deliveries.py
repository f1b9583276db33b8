"""Handling a platform event once even when the platform delivers it again (Slack retries, reconnects).

`DeliveryLedger` is a port: the default keeps keys in this process (enough for one process or sticky
routing); a database-backed ledger (a unique key row) makes it hold across processes.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Protocol


class DeliveryLedger(Protocol):
    async def claim(self, key: str, now: datetime, expires_at: datetime) -> bool:
        """True the first time `key` is claimed (until it expires), False for a repeat."""
        ...


class MemoryDeliveryLedger:
    """An in-process ledger bounded to `size` keys (oldest dropped first)."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._keys: OrderedDict[str, datetime] = OrderedDict()

    async def claim(self, key: str, now: datetime, expires_at: datetime) -> bool:
        known = self._keys.get(key)
        if known is not None and known > now:
            return False
        self._keys[key] = expires_at
        self._keys.move_to_end(key)
        while len(self._keys) > self.size:
            self._keys.popitem(last=False)
        return True
