"""The daily post's open step on the driver-level path (storage.daily_statements): the same answers as the
SQLAlchemy statements it replaced, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta, timezone

import pytest

from bot.core.errors import DuplicateClaim, NotFound
from bot.core.model import DailyConfig, DailyPost, DailyPostDraft, DailyStatus, TeamRef
from storage.database import Database
from tests.integration.storage.builders import T0, team_and_player


def _draft(
    team_id: int, ref: str = "slack:T1/C1", day: date | None = None, qid: str = "q1"
) -> DailyPostDraft:
    return DailyPostDraft(ref, team_id, day or T0.date(), qid, T0, T0 + timedelta(hours=8))


async def test_expire_backdates_a_claim_but_never_touches_a_post(db: Database) -> None:
    team, _player = await team_and_player(db)
    long_ago = T0 - timedelta(hours=1)
    async with db.uow_factory() as uow:
        claimed = await uow.daily_posts.claim(_draft(team.id, "slack:T1/C1"))
        posted = await uow.daily_posts.claim(_draft(team.id, "slack:T1/C2"))
        await uow.daily_posts.mark_posted(posted.id, "m-2", T0)
        await uow.commit()
    async with db.uow_factory() as uow:
        await uow.daily_posts.expire(claimed.id, long_ago)
        await uow.daily_posts.expire(posted.id, long_ago)
        await uow.daily_posts.expire(10**9, long_ago)  # nothing there: no error
        await uow.commit()
    async with db.uow_factory() as uow:
        expired = await uow.daily_posts.for_date("slack:T1/C1", T0.date())
        assert expired is not None and expired.status == DailyStatus.CLAIMED
        assert expired.claimed_at == long_ago and expired.first_claimed_at == T0 and expired.taken_over
        kept = await uow.daily_posts.for_date("slack:T1/C2", T0.date())
        assert kept is not None and kept.status == DailyStatus.POSTED and kept.message_ref == "m-2"
        assert kept.claimed_at == T0 and kept.first_claimed_at is None
        # The day is not free (unique channel + date), but the next attempt takes it over at once,
        # with the same question (the failed attempt may have posted it) and the first claim time.
        with pytest.raises(DuplicateClaim):
            await uow.daily_posts.claim(_draft(team.id, "slack:T1/C1", qid="q2"))
        later = T0 + timedelta(minutes=1)
        again = await uow.daily_posts.claim(
            DailyPostDraft("slack:T1/C1", team.id, T0.date(), "q2", later, later + timedelta(hours=8)),
            stale_before=T0,
        )
        assert again.id == claimed.id and again.question_id == "q1" and again.claimed_at == later
        assert again.first_claimed_at == T0 and again.status == DailyStatus.CLAIMED


async def test_claim_round_trips_types_and_converts_times_to_utc(db: Database) -> None:
    team, _player = await team_and_player(db)
    plus_two = timezone(timedelta(hours=2))
    at = datetime(2026, 3, 29, 3, 30, tzinfo=plus_two)
    ref = "discord:g/ünïcødé-📌"
    draft = DailyPostDraft(ref, team.id, date(2026, 3, 29), "q-ß", at, at + timedelta(days=1))
    async with db.uow_factory() as uow:
        post = await uow.daily_posts.claim(draft)
        posted = await uow.daily_posts.mark_posted(post.id, "m" * 500, at + timedelta(seconds=1))
        await uow.commit()
    assert isinstance(post, DailyPost) and isinstance(post.id, int)
    assert post.channel_ref == draft.channel_ref and post.question_id == "q-ß"
    assert post.local_date == date(2026, 3, 29) and type(post.local_date) is date
    assert post.claimed_at == at and post.claimed_at.utcoffset() == timedelta(0)
    assert post.reveal_at == at + timedelta(days=1)
    assert posted.posted_at == at + timedelta(seconds=1) and posted.message_ref == "m" * 500
    async with db.uow_factory() as uow:
        assert await uow.daily_posts.get(post.id) == posted


async def test_mark_posted_of_a_missing_post_is_not_found(db: Database) -> None:
    async with db.uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.daily_posts.mark_posted(12345, "m", T0)


async def test_concurrent_claims_of_one_channel_day_have_one_winner(db: Database) -> None:
    team, _player = await team_and_player(db)

    async def attempt(n: int) -> int | None:
        try:
            async with db.uow_factory() as uow:
                post = await uow.daily_posts.claim(_draft(team.id, qid=f"q{n}"),
                                                   stale_before=T0 - timedelta(minutes=10))
                await uow.commit()
                return post.id
        except DuplicateClaim:
            return None

    won = [r for r in await asyncio.gather(*(attempt(n) for n in range(6))) if r is not None]
    assert len(won) == 1


async def test_recent_question_ids_filter_by_team_and_date(db: Database) -> None:
    team, _player = await team_and_player(db)
    async with db.uow_factory() as uow:
        other = await uow.teams.get_or_create(TeamRef("slack", "OTHER"))
        days = [(T0.date() - timedelta(days=3), "q-old"), (T0.date(), "q1"), (T0.date(), "q1"),
                (T0.date() + timedelta(days=1), "q2")]
        for n, (day, qid) in enumerate(days):
            await uow.daily_posts.claim(_draft(team.id, f"slack:T1/C{n}", day, qid=qid))
        await uow.daily_posts.claim(_draft(other.id, "slack:OTHER/C9", qid="q-other"))
        await uow.commit()
    async with db.uow_factory() as uow:
        recent = uow.daily_posts.recent_question_ids
        assert await recent(team.id, T0.date() - timedelta(days=3)) == {"q-old", "q1", "q2"}
        assert await recent(team.id, T0.date() - timedelta(days=2)) == {"q1", "q2"}
        assert await recent(team.id, T0.date()) == {"q1", "q2"}
        assert await recent(team.id, T0.date() + timedelta(days=1)) == {"q2"}
        assert await uow.daily_posts.recent_question_ids(other.id, date(2000, 1, 1)) == {"q-other"}
        assert await uow.daily_posts.recent_question_ids(10**9, date(2000, 1, 1)) == set()


async def test_config_get_round_trips_every_field(db: Database) -> None:
    team, _player = await team_and_player(db)
    config = DailyConfig("slack:T1/Cünï", team.id, time(23, 59), "Asia/Kolkata", (0, 2, 4), ("cnn", "rnn"),
                         "hard", timedelta(hours=36), True)
    async with db.uow_factory() as uow:
        await uow.daily_configs.save(config)
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.daily_configs.get("slack:T1/Cünï") == config
        assert await uow.daily_configs.get("") is None
        assert await uow.daily_configs.get("x" * 10_000) is None


async def test_every_save_of_a_config_adds_one_to_its_revision(db: Database) -> None:
    team, _player = await team_and_player(db)
    config = DailyConfig("slack:T1/C9", team.id, time(9, 0))
    for expected in (1, 2, 3):
        async with db.uow_factory() as uow:
            await uow.daily_configs.save(config)
            stored = await uow.daily_configs.get("slack:T1/C9")
            await uow.commit()
        assert stored is not None and stored.revision == expected
    async with db.uow_factory() as uow:
        assert [c.revision for c in await uow.daily_configs.list_enabled()] == [3]


async def test_a_claim_from_a_copy_of_the_config_needs_that_revision_enabled_and_a_free_day(
    db: Database,
) -> None:
    team, _player = await team_and_player(db)
    ref = "slack:T1/C7"
    async with db.uow_factory() as uow:
        await uow.daily_configs.save(DailyConfig(ref, team.id, time(9, 0)))
        await uow.commit()
    day_one, day_two, day_three = T0.date(), T0.date() + timedelta(days=1), T0.date() + timedelta(days=2)
    async with db.uow_factory() as uow:
        posts = uow.daily_posts
        claimed = await posts.claim_if_config(_draft(team.id, ref, day_one), revision=1)
        assert claimed is not None and claimed.status == DailyStatus.CLAIMED and claimed.local_date == day_one
        assert not claimed.taken_over and claimed.claimed_at == T0
        assert await posts.claim_if_config(_draft(team.id, ref, day_one, qid="q2"), revision=1) is None
        assert await posts.claim_if_config(_draft(team.id, ref, day_two), revision=2) is None  # not yet
        await uow.daily_configs.save(DailyConfig(ref, team.id, time(10, 0), topics=("cnn",)))  # now 2
        assert await posts.claim_if_config(_draft(team.id, ref, day_two), revision=1) is None  # stale copy
        assert await posts.for_date(ref, day_two) is None  # nothing written
        assert await posts.claim_if_config(_draft(team.id, ref, day_two), revision=2) is not None
        await uow.daily_configs.save(DailyConfig(ref, team.id, time(10, 0), enabled=False))  # 3, off
        assert await posts.claim_if_config(_draft(team.id, ref, day_three), revision=3) is None
        assert await posts.for_date(ref, day_three) is None
        assert await posts.claim_if_config(_draft(team.id, "slack:T1/none", day_one), revision=1) is None
        await uow.commit()
    async with db.uow_factory() as uow:
        stored = await uow.daily_posts.for_date(ref, day_one)
        assert stored is not None and stored.id == claimed.id and stored.question_id == "q1"
