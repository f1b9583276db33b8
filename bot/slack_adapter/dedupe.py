"""Handle each Slack delivery once: a redelivered event or a retried request is acked and dropped.

Slack retries an Events API delivery (header `X-Slack-Retry-Num`, same `event_id`) when the ack was late or
lost, and a flaky network can replay an interaction (same `trigger_id`). The key is claimed through the
core's `claim_delivery`, whose ledger is in-process by default and can be backed by the database so that a
redelivery reaching another HTTP process behind a load balancer is dropped too. Whatever the ledger, the
core's own uniqueness rules (first daily answer counts, one counted attempt) keep a double delivery from
double-scoring.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.core.errors import CoreError
from bot.core.service import PracticeService

Next = Callable[[], Awaitable[None]]
Middleware = Callable[[AsyncBoltRequest, BoltResponse, Next], Awaitable[BoltResponse | None]]


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery: the event id, else the interaction's trigger id (+ action time)."""
    if body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    trigger = body.get("trigger_id")
    if not trigger:
        return None
    acted = body.get("actions") or [{}]
    action_ts = acted[0].get("action_ts", "") if isinstance(acted[0], dict) else ""
    return f"slack:trigger:{trigger}:{action_ts}"


def dedupe_middleware(service: PracticeService, ttl: timedelta) -> Middleware:
    """A bolt global middleware: acks a duplicate with an empty 200 and skips the listeners. If the ledger
    cannot be reached, the delivery is handled (better twice than never)."""

    async def dedupe(req: AsyncBoltRequest, resp: BoltResponse, next_: Next) -> BoltResponse | None:
        key = delivery_key(req.body if isinstance(req.body, dict) else {})
        if key is not None:
            try:
                first = await service.claim_delivery(key, ttl)
            except CoreError:
                first = True
            if not first:
                return BoltResponse(status=200, body="")
        await next_()
        return resp

    return dedupe
