"""The repositories on SQLite and PostgreSQL: the same behaviour the core's in-memory fakes define."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.checking.grade import Verdict
from bot.core.errors import (
    AlreadyAnswered,
    AlreadyAppealed,
    AlreadyCounted,
    DailyClosed,
    DuplicateClaim,
    InvalidInput,
    NotFound,
    StaleQuestion,
)
from bot.core.model import (
    AppealDraft,
    AppealStatus,
    AttemptMode,
    DailyConfig,
    DailyPostDraft,
    DailyStatus,
    QuizFilters,
    QuizSessionDraft,
    ReviewCard,
    SessionState,
    TeamRef,
)
from bot.core.recording import AnswerHistory
from storage.database import Database
from tests.integration.storage.builders import T0, draft, team_and_player


async def test_team_and_player_get_or_create_is_idempotent_and_updates_name(db: Database) -> None:
    async with db.uow_factory() as uow:
        team = await uow.teams.get_or_create(TeamRef("slack", "T1", "Acme"), timezone="Europe/Berlin")
        again = await uow.teams.get_or_create(TeamRef("slack", "T1", "ignored"))
        other = await uow.teams.get_or_create(TeamRef("discord", "T1"))
        player = await uow.players.get_or_create(team.id, "U1", "Ann")
        renamed = await uow.players.get_or_create(team.id, "U1", "Ann B")
        await uow.commit()
    assert again == team and team.timezone == "Europe/Berlin" and team.name == "Acme"
    assert other.id != team.id and other.name == "T1"
    assert renamed.id == player.id and renamed.display_name == "Ann B"
    async with db.uow_factory() as uow:
        assert await uow.teams.find("slack", "T1") == team
        assert await uow.teams.find("slack", "nope") is None
        assert await uow.players.find(team.id, "U1") == renamed
        assert await uow.players.get(player.id) == renamed
        assert (await uow.teams.set_timezone(team.id, "Asia/Tokyo")).timezone == "Asia/Tokyo"
        with pytest.raises(NotFound):
            await uow.teams.set_timezone(999_999, "UTC")


async def test_uncommitted_work_is_rolled_back(db: Database) -> None:
    async with db.uow_factory() as uow:
        await uow.teams.get_or_create(TeamRef("console", "gone"))
    with pytest.raises(RuntimeError):
        async with db.uow_factory() as uow:
            await uow.teams.get_or_create(TeamRef("console", "gone-too"))
            raise RuntimeError("use case failed")
    async with db.uow_factory() as uow:
        assert await uow.teams.find("console", "gone") is None
        assert await uow.teams.find("console", "gone-too") is None


async def test_groups_join_replaces_and_leave(db: Database) -> None:
    team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        red = await uow.groups.get_or_create(team.id, "red")
        blue = await uow.groups.get_or_create(team.id, "blue")
        assert await uow.groups.get_or_create(team.id, "red") == red
        await uow.groups.join(red.id, player.id)
        await uow.groups.join(blue.id, player.id)
        assert await uow.groups.of_player(player.id) == blue
        assert [g.name for g in await uow.groups.list(team.id)] == ["blue", "red"]
        assert await uow.groups.leave(player.id) == blue
        assert await uow.groups.leave(player.id) is None
        assert await uow.groups.of_player(player.id) is None
        assert await uow.groups.find(team.id, "green") is None


async def test_attempt_round_trip_keeps_every_field(db: Database) -> None:
    _team, player = await team_and_player(db)
    wanted = draft(player, topics=("cnn", "math"), score=0.55, verdict=Verdict.PARTIAL, points=6)
    async with db.uow_factory() as uow:
        stored = await uow.attempts.add(wanted)
        await uow.commit()
    async with db.uow_factory() as uow:
        loaded = await uow.attempts.get(stored.id)
    assert loaded == stored
    assert loaded is not None and loaded.created_at.tzinfo is not None
    assert loaded.created_at == T0 and loaded.answer == wanted.answer and loaded.topics == ("cnn", "math")


async def test_one_counted_attempt_per_player_and_question(db: Database) -> None:
    _team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        await uow.attempts.add(draft(player, "q1"))
        await uow.commit()
    with pytest.raises(AlreadyCounted):  # from `add`, or from `commit` where storage defers the insert
        async with db.uow_factory() as uow:
            await uow.attempts.add(draft(player, "q1"))
            await uow.commit()
    async with db.uow_factory() as uow:
        repeat = await uow.attempts.add(draft(player, "q1", counted=False, points=0))
        assert await uow.attempts.has_counted(player.id, "q1")
        assert not await uow.attempts.has_counted(player.id, "q2")
        assert await uow.attempts.answered_question_ids(player.id) == {"q1"}
        await uow.commit()
    assert repeat.counted is False
    async with db.uow_factory() as uow:
        assert await uow.attempts.totals(player.id) == (2, 2, 10)


async def test_one_answer_per_daily_post_and_player(db: Database) -> None:
    team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        post = await uow.daily_posts.claim(
            DailyPostDraft("discord:1/2", team.id, T0.date(), "q1", T0, T0 + timedelta(hours=8))
        )
        first = await uow.attempts.add(draft(player, "q1", daily_post_id=post.id, mode=AttemptMode.DAILY))
        await uow.commit()
    with pytest.raises(AlreadyAnswered):
        async with db.uow_factory() as uow:
            await uow.attempts.add(draft(player, "q1", counted=False, daily_post_id=post.id))
            await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.attempts.daily_answer(post.id, player.id) == first
        assert await uow.attempts.for_daily_post(post.id) == [first]
        assert await uow.attempts.daily_answer(post.id, player.id + 1) is None


async def test_latest_attempt_and_stats(db: Database) -> None:
    _team, player = await team_and_player(db)
    day1, day2 = date(2025, 3, 10), date(2025, 3, 12)
    async with db.uow_factory() as uow:
        await uow.attempts.add(
            draft(
                player,
                "q1",
                topics=("cnn",),
                score=1.0,
                points=10,
                day=day1,
                created_at=T0 - timedelta(days=2),
            )
        )
        await uow.attempts.add(
            draft(
                player,
                "q2",
                topics=("cnn", "math"),
                score=0.2,
                verdict=Verdict.INCORRECT,
                points=0,
                day=day2,
                created_at=T0,
            )
        )
        last = await uow.attempts.add(
            draft(
                player,
                "q3",
                topics=("math",),
                score=0.6,
                verdict=Verdict.PARTIAL,
                points=6,
                day=day2,
                created_at=T0,
            )
        )
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.attempts.latest_for_player(player.id) == last  # same instant: the higher id
        assert await uow.attempts.latest_for_player(player.id + 99) is None
        assert await uow.attempts.totals(player.id) == (3, 1, 16)
        stats = {s.topic: s for s in await uow.attempts.topic_stats(player.id)}
        assert list(stats) == ["cnn", "math"]
        assert (stats["cnn"].attempts, stats["cnn"].correct) == (2, 1)
        assert stats["cnn"].mean_score == pytest.approx(0.6)
        assert stats["math"].mean_score == pytest.approx(0.4)
        days = await uow.attempts.points_by_day(player.id)
        assert [(d.local_date, d.points, d.attempts) for d in days] == [(day1, 10, 1), (day2, 6, 2)]
        assert [d.local_date for d in await uow.attempts.points_by_day(player.id, since=day2)] == [day2]
        assert await uow.attempts.active_dates(player.id, since=day1) == [day1, day2]
        assert await uow.attempts.totals(player.id + 99) == (0, 0, 0)


async def test_correct_grade_fixes_attempt_and_totals(db: Database) -> None:
    team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        wrong = await uow.attempts.add(
            draft(player, topics=("cnn", "math"), score=0.1, verdict=Verdict.INCORRECT, points=0)
        )
        await uow.commit()
    async with db.uow_factory() as uow:
        fixed = await uow.attempts.correct_grade(wrong.id, 1.0, Verdict.CORRECT, 10)
        await uow.commit()
    assert (fixed.score, fixed.verdict, fixed.points) == (1.0, Verdict.CORRECT, 10)
    async with db.uow_factory() as uow:
        assert await uow.attempts.totals(player.id) == (1, 1, 10)
        assert {s.topic: s.mean_score for s in await uow.attempts.topic_stats(player.id)} == pytest.approx(
            {"cnn": 1.0, "math": 1.0}
        )
        for topic in (None, "cnn", "math"):
            for since in (None, T0.date(), T0.date().replace(day=1)):
                row = await uow.leaderboard.row_of(
                    team.id, player.id, None, topic, None, since_local_date=since
                )
                assert row is not None and (row.points, row.correct, row.answers) == (10, 1, 1)
        with pytest.raises(NotFound):
            await uow.attempts.correct_grade(10**9, 1.0, Verdict.CORRECT, 10)


async def test_quiz_sessions_one_active_and_save(db: Database) -> None:
    _team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        session = await uow.sessions.add(
            QuizSessionDraft(player.id, AttemptMode.QUIZ, ("q1", "q2"), QuizFilters(topic="cnn"), T0)
        )
        assert session.updated_at == T0 and session.current_question_id == "q1"
        moved = await uow.sessions.save(
            dataclasses.replace(
                session, position=1, hints_used=2, answered=1, points=7, updated_at=T0 + timedelta(minutes=1)
            )
        )
        assert await uow.sessions.active_for(player.id) == moved
        await uow.commit()
    with pytest.raises(InvalidInput):
        async with db.uow_factory() as uow:
            await uow.sessions.add(
                QuizSessionDraft(player.id, AttemptMode.REVIEW, ("q3",), QuizFilters(), T0)
            )
    async with db.uow_factory() as uow:
        loaded = await uow.sessions.get(session.id)
        assert loaded == moved and loaded is not None and loaded.filters == QuizFilters(topic="cnn")
        await uow.sessions.save(dataclasses.replace(moved, state=SessionState.STOPPED))
        assert await uow.sessions.active_for(player.id) is None
        second = await uow.sessions.add(
            QuizSessionDraft(player.id, AttemptMode.REVIEW, ("q3",), QuizFilters(), T0)
        )
        assert await uow.sessions.active_for(player.id) == second
        await uow.commit()
    with pytest.raises(NotFound):  # from `save`, or from `commit` where storage defers the update
        async with db.uow_factory() as uow:
            await uow.sessions.save(dataclasses.replace(second, id=10**9))
            await uow.commit()


async def test_a_stale_session_save_is_refused(db: Database) -> None:
    """Compare-and-set: a save based on a read that another transaction has since moved on is refused
    with `StaleQuestion`, and leaves the stored session as the winner left it."""
    _team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        read = await uow.sessions.add(
            QuizSessionDraft(player.id, AttemptMode.QUIZ, ("q1", "q2"), QuizFilters(), T0)
        )
        await uow.commit()
    winner = dataclasses.replace(read, position=1, answered=1, points=10)
    async with db.uow_factory() as uow:
        assert await uow.sessions.save(winner, expected=read) == winner
        await uow.commit()
    with pytest.raises(StaleQuestion):  # the duplicate read the same position 0
        async with db.uow_factory() as uow:
            duplicate = dataclasses.replace(read, position=1, answered=1, points=20)
            await uow.sessions.save(duplicate, expected=read)
            await uow.commit()
    hinted = dataclasses.replace(winner, hints_used=1)
    async with db.uow_factory() as uow:  # based on the current state: accepted
        assert (await uow.sessions.save(hinted, expected=winner)).hints_used == 1
        await uow.commit()
    async with db.uow_factory() as uow:
        stored = await uow.sessions.get(read.id)
    assert stored is not None and (stored.position, stored.hints_used, stored.points) == (1, 1, 10)


async def test_review_cards_upsert_and_due_order(db: Database) -> None:
    _team, player = await team_and_player(db)
    state = {"card_id": 1, "state": 2, "step": None, "stability": 3.1, "due": "2025-03-12T09:30:00+00:00"}
    async with db.uow_factory() as uow:
        await uow.reviews.save(ReviewCard(player.id, "q2", T0 - timedelta(days=1), state, T0, 1))
        await uow.reviews.save(ReviewCard(player.id, "q1", T0 - timedelta(days=1), {}, None, 0))
        await uow.reviews.save(ReviewCard(player.id, "q3", T0 - timedelta(days=3), {}, None, 0))
        await uow.reviews.save(ReviewCard(player.id, "q4", T0 + timedelta(days=3), {}, None, 0))
        await uow.reviews.save(ReviewCard(player.id, "q2", T0 - timedelta(days=2), state, T0, 2))
        await uow.commit()
    async with db.uow_factory() as uow:
        due = await uow.reviews.due(player.id, T0, 10)
        assert [c.question_id for c in due] == ["q3", "q2", "q1"]
        assert await uow.reviews.count_due(player.id, T0) == 3
        assert [c.question_id for c in await uow.reviews.due(player.id, T0, 1)] == ["q3"]
        card = await uow.reviews.get(player.id, "q2")
        assert card == ReviewCard(player.id, "q2", T0 - timedelta(days=2), state, T0, 2)
        assert await uow.reviews.get(player.id, "nope") is None


async def test_daily_configs_upsert_and_lists(db: Database) -> None:
    team, _player = await team_and_player(db)
    config = DailyConfig(
        "slack:T1/C1",
        team.id,
        time(9, 15),
        "Europe/Paris",
        (0, 2, 4),
        ("cnn", "math"),
        "senior",
        timedelta(hours=6),
    )
    async with db.uow_factory() as uow:
        await uow.daily_configs.save(config)
        await uow.daily_configs.save(dataclasses.replace(config, channel_ref="slack:T1/C2", enabled=False))
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.daily_configs.get("slack:T1/C1") == config
        await uow.daily_configs.save(dataclasses.replace(config, difficulty=None, topics=()))
        assert (await uow.daily_configs.get("slack:T1/C1")) == dataclasses.replace(
            config, difficulty=None, topics=()
        )
        assert [c.channel_ref for c in await uow.daily_configs.list_enabled()] == ["slack:T1/C1"]
        assert len(await uow.daily_configs.list_for_team(team.id)) == 2
        assert await uow.daily_configs.get("slack:none") is None


async def test_daily_post_lifecycle(db: Database) -> None:
    team, _player = await team_and_player(db)
    claim = DailyPostDraft("discord:1/2", team.id, T0.date(), "q1", T0, T0 + timedelta(hours=8))
    async with db.uow_factory() as uow:
        post = await uow.daily_posts.claim(claim)
        await uow.commit()
    assert post.status == DailyStatus.CLAIMED
    with pytest.raises(DuplicateClaim):
        async with db.uow_factory() as uow:
            await uow.daily_posts.claim(dataclasses.replace(claim, question_id="q2"))
    async with db.uow_factory() as uow:
        # A claim that never became a post is taken over once it is stale; it keeps its question (the dead
        # attempt may have posted it) and remembers the first claim time.
        with pytest.raises(DuplicateClaim):
            await uow.daily_posts.claim(claim, stale_before=T0)
    async with db.uow_factory() as uow:
        later = T0 + timedelta(minutes=20)
        taken = await uow.daily_posts.claim(
            dataclasses.replace(claim, question_id="q2", claimed_at=later),
            stale_before=later - timedelta(minutes=10),
        )
        assert (taken.id, taken.question_id, taken.claimed_at) == (post.id, "q1", later)
        assert taken.taken_over and taken.first_claimed_at == T0 and not post.taken_over
        posted = await uow.daily_posts.mark_posted(post.id, "msg-1", later)
        await uow.commit()
    assert posted.status == DailyStatus.POSTED and posted.message_ref == "msg-1"
    async with db.uow_factory() as uow:
        with pytest.raises(DuplicateClaim):  # posted rows are never taken over
            await uow.daily_posts.claim(claim, stale_before=T0 + timedelta(days=1))
    async with db.uow_factory() as uow:
        assert await uow.daily_posts.open_posts() == [posted]
        assert await uow.daily_posts.for_date("discord:1/2", T0.date()) == posted
        assert await uow.daily_posts.latest("discord:1/2") == posted
        assert await uow.daily_posts.recent_question_ids(team.id, T0.date()) == {"q1"}
        assert await uow.daily_posts.recent_question_ids(team.id, T0.date() + timedelta(days=1)) == set()
        closed = await uow.daily_posts.close(post.id, T0 + timedelta(hours=8))
        await uow.daily_posts.set_reveal_ref(post.id, "reveal-1")
        await uow.commit()
    assert closed.status == DailyStatus.CLOSED
    async with db.uow_factory() as uow:
        with pytest.raises(DailyClosed):
            await uow.daily_posts.close(post.id, T0 + timedelta(hours=9))
    async with db.uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.daily_posts.close(10**9, T0)
        stored = await uow.daily_posts.get(post.id)
        assert stored is not None and stored.reveal_ref == "reveal-1" and stored.closed_at is not None
        assert await uow.daily_posts.open_posts() == []


async def test_expire_changes_only_claimed_rows(db: Database) -> None:
    team, _player = await team_and_player(db)
    claim = DailyPostDraft("discord:1/3", team.id, T0.date(), "q1", T0, T0 + timedelta(hours=8))
    async with db.uow_factory() as uow:
        post = await uow.daily_posts.claim(claim)
        await uow.daily_posts.expire(post.id, T0 - timedelta(hours=1))
        again = await uow.daily_posts.claim(claim, stale_before=T0)
        assert again.id == post.id and again.taken_over
        await uow.daily_posts.mark_posted(again.id, "m", T0)
        await uow.daily_posts.expire(again.id, T0 - timedelta(hours=2))
        stored = await uow.daily_posts.get(again.id)
        assert stored is not None and stored.status == DailyStatus.POSTED and stored.claimed_at == T0


async def test_appeals_unique_and_resolved_once(db: Database) -> None:
    team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        attempt = await uow.attempts.add(draft(player))
        appeal = await uow.appeals.add(AppealDraft(attempt.id, player.id, team.id, "I said it", T0))
        await uow.commit()
    assert appeal.status == AppealStatus.OPEN
    with pytest.raises(AlreadyAppealed):
        async with db.uow_factory() as uow:
            await uow.appeals.add(AppealDraft(attempt.id, player.id, team.id, "again", T0))
    async with db.uow_factory() as uow:
        assert await uow.appeals.list(team.id, AppealStatus.OPEN) == [appeal]
        done = await uow.appeals.resolve(
            appeal.id, AppealStatus.ACCEPTED, "admin", "fair", 0.9, T0 + timedelta(hours=1)
        )
        await uow.commit()
    assert (done.status, done.resolver, done.corrected_score) == (AppealStatus.ACCEPTED, "admin", 0.9)
    async with db.uow_factory() as uow:
        with pytest.raises(InvalidInput):
            await uow.appeals.resolve(appeal.id, AppealStatus.REJECTED, "x", "", None, T0)
    async with db.uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.appeals.resolve(10**9, AppealStatus.REJECTED, "x", "", None, T0)
        assert await uow.appeals.list(team.id, AppealStatus.OPEN) == []
        assert await uow.appeals.list(team.id) == [done]
        assert await uow.appeals.get(appeal.id) == done


async def test_datetimes_come_back_aware_utc_whatever_zone_went_in(db: Database) -> None:
    from zoneinfo import ZoneInfo

    _team, player = await team_and_player(db)
    local = datetime(2025, 3, 12, 11, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    async with db.uow_factory() as uow:
        stored = await uow.attempts.add(draft(player, created_at=local))
        await uow.commit()
    async with db.uow_factory() as uow:
        loaded = await uow.attempts.get(stored.id)
    assert loaded is not None and loaded.created_at == local and loaded.created_at.tzinfo == UTC


async def test_a_transaction_reads_its_own_answer_path_writes(db: Database) -> None:
    """Whatever storage does with the answer path's writes (PostgreSQL holds them back and sends them
    together), the same transaction's reads see them, other statements see them, and commit keeps them."""
    team, player = await team_and_player(db)
    async with db.uow_factory() as uow:
        post = await uow.daily_posts.claim(
            DailyPostDraft("discord:1/2", team.id, T0.date(), "q1", T0, T0 + timedelta(hours=8))
        )
        session = await uow.sessions.add(QuizSessionDraft(player.id, AttemptMode.QUIZ, ("q2", "q3"),
                                                          QuizFilters(), T0))
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.attempts.history(player.id, "q1", post.id) == AnswerHistory(False, False, None)
        daily = await uow.attempts.add(draft(player, "q1", daily_post_id=post.id, mode=AttemptMode.DAILY))
        card = ReviewCard(player.id, "q1", T0 + timedelta(days=1), {"card_id": 1}, T0, 1)
        await uow.reviews.save(card)
        moved = dataclasses.replace(session, position=1, answered=1, points=10)
        await uow.sessions.save(moved, expected=session)
        assert (await uow.attempts.daily_answer(post.id, player.id)) == daily
        assert await uow.attempts.has_counted(player.id, "q1")
        assert await uow.reviews.get(player.id, "q1") == card
        assert await uow.attempts.history(player.id, "q1", post.id) == AnswerHistory(True, True, card)
        assert await uow.sessions.active_for(player.id) == moved
        found = await uow.sessions.active_with_history(player.id)
        assert found is not None and found[0] == moved and found[1] == AnswerHistory(False, False, None)
        assert await uow.attempts.totals(player.id) == (1, 1, 10)  # another statement: sees them too
        assert [a.id for a in await uow.attempts.for_daily_post(post.id)] == [daily.id]
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.attempts.get(daily.id) == daily
        assert await uow.reviews.get(player.id, "q1") == card
        assert await uow.sessions.get(session.id) == moved
        assert await uow.attempts.history(player.id, "q1", post.id) == AnswerHistory(True, True, card)
