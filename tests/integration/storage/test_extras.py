"""Storage extras the core uses when present: unrevealed daily posts, and the database delivery ledger."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.model import DailyPostDraft
from storage.database import Database
from storage.deliveries import SqlDeliveryLedger
from tests.integration.storage.builders import T0, team_and_player


async def test_unrevealed_lists_closed_posts_without_a_reveal(db: Database) -> None:
    team, _player = await team_and_player(db)
    async with db.uow_factory() as uow:
        ids = []
        for n in range(3):
            draft = DailyPostDraft(f"discord:g/c{n}", team.id, T0.date(), "q1", T0, T0 + timedelta(hours=1))
            post = await uow.daily_posts.claim(draft)
            await uow.daily_posts.mark_posted(post.id, f"m{n}", T0)
            ids.append(post.id)
        await uow.daily_posts.close(ids[0], T0 + timedelta(hours=1))
        await uow.daily_posts.close(ids[1], T0 + timedelta(hours=1))
        await uow.daily_posts.set_reveal_ref(ids[1], "revealed")
        await uow.commit()
    async with db.uow_factory() as uow:
        assert [p.id for p in await uow.daily_posts.unrevealed()] == [ids[0]]


async def test_delivery_ledger_claims_once_until_expiry(db: Database) -> None:
    ledger = SqlDeliveryLedger(db)
    later = T0 + timedelta(minutes=15)
    assert await ledger.claim("slack:T1:evt-1", T0, later) is True
    assert await ledger.claim("slack:T1:evt-1", T0 + timedelta(minutes=1), later) is False
    assert await ledger.claim("slack:T1:evt-2", T0, later) is True
    assert await ledger.claim("slack:T1:evt-1", later, later + timedelta(minutes=15)) is True  # expired
    long_key = "k" * 5000
    assert await ledger.claim(long_key, T0, later) is True
    assert await ledger.claim(long_key, T0, later) is False
    assert await ledger.claim(long_key[:-1] + "x", T0, later) is True


async def test_delivery_ledger_concurrent_claims_have_one_winner(db: Database) -> None:
    ledgers = [SqlDeliveryLedger(db) for _ in range(10)]  # as if ten processes got the same retry
    results = await asyncio.gather(
        *(ledger.claim("evt-race", T0, T0 + timedelta(minutes=5)) for ledger in ledgers)
    )
    assert sorted(results) == [False] * 9 + [True]
