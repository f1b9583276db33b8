"""The core's `DeliveryLedger` on the database: a platform event is handled once across processes.

One statement decides: insert the key, or take over a row whose expiry has passed; a row still valid is
left alone and the claim returns False. Both SQLite and PostgreSQL run it as one atomic upsert, so two
processes receiving the same Slack retry cannot both win. Expired rows are swept now and then.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.core.timekeeping import as_utc
from storage.database import Database
from storage.repositories.base import prepared
from storage.tables import deliveries
from storage.transaction import Transaction

SWEEP_EVERY = 500
"""Delete expired keys once every this many claims (per process)."""
MAX_KEY = 300


def _claim_statement(tx: Transaction) -> Any:
    insert = tx.insert(deliveries)
    return insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"expires_at": insert.excluded.expires_at},
        where=deliveries.c.expires_at <= sa.bindparam("now", type_=deliveries.c.expires_at.type),
    ).returning(deliveries.c.key)


def _stored_key(key: str) -> str:
    """The key as stored: long keys become their SHA-256 (bounded rows, no truncation collisions)."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class SqlDeliveryLedger:
    """`PracticeService(..., deliveries=SqlDeliveryLedger(database))`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._claims = 0

    async def claim(self, key: str, now: datetime, expires_at: datetime) -> bool:
        """True the first time `key` is claimed (until it expires), False for a repeat. Raises
        `StorageUnavailable` when the database cannot answer."""
        self._claims += 1
        async with self.database.uow_factory() as uow:
            if self._claims % SWEEP_EVERY == 0:
                await uow.tx.execute(sa.delete(deliveries).where(deliveries.c.expires_at <= as_utc(now)))
            won = (await uow.tx.execute(
                prepared(uow.tx, "deliveries.claim", _claim_statement),
                {"key": _stored_key(key), "expires_at": as_utc(expires_at), "now": as_utc(now)},
            )).first()
            await uow.commit()
        return won is not None
