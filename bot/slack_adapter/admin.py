"""Who may run admin commands: workspace admins and owners (from `users.info`) or a configured list.

The check is the bot's own, made on every admin command and button, not a Slack-side setting. Answers are
cached for a minute to spare `users.info` (Tier 4) when an admin clicks through a list of appeals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class AdminCheck:
    def __init__(
        self,
        client: AsyncWebClient,
        admin_user_ids: Iterable[str] = (),
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.configured = frozenset(admin_user_ids)
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[bool, float]] = {}

    async def is_admin(self, user_id: str) -> bool:
        if user_id in self.configured:
            return True
        cached = self._cache.get(user_id)
        now = self.clock()
        if cached is not None and now - cached[1] < self.ttl:
            return cached[0]
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as err:
            log.warning("users.info failed for %s: %s", user_id, err.response.get("error"))
            return False
        user = response.get("user") or {}
        allowed = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[user_id] = (allowed, now)
        return allowed
