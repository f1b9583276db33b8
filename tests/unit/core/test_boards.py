"""Leaderboards (windows in the team's timezone, topics, groups), player stats, groups and appeals."""

from __future__ import annotations

import pytest

from bot.core.errors import AlreadyAppealed, InvalidInput, NotFound, NothingToAppeal
from bot.core.model import AppealStatus, Player, TeamRef, Window
from bot.core.scoring import points_for
from bot.core.service import PracticeService

from .fakes import utc
from .world import World, player, right_answer, wrong_answer

TEAM = TeamRef("discord", "g1")


async def answer(
    service: PracticeService, who: Player, topic: str, right: bool = True, difficulty: str | None = None
) -> int:
    """Start a one-question quiz on `topic` and answer it; returns the points earned."""
    view = await service.start_quiz(who, topic=topic, difficulty=difficulty, count=1)
    text = right_answer(view.question) if right else wrong_answer(view.question)
    return (await service.submit(who, text)).points


async def test_board_orders_by_points_and_ranks_the_caller() -> None:
    world = World()
    service = world.service()
    ann, bob, cid = player("ann"), player("bob"), player("cid")
    ann_points = await answer(service, ann, "cnn", difficulty="senior") + await answer(service, ann, "math")
    bob_points = await answer(service, bob, "cnn", difficulty="fresher")
    assert ann_points > bob_points > 0
    await answer(service, cid, "math", right=False)
    board = await service.leaderboard(cid)
    assert [(r.rank, r.display_name, r.points) for r in board.rows] == [
        (1, "ANN", ann_points), (2, "BOB", bob_points), (3, "CID", 0)
    ]
    assert board.me is not None and board.me.rank == 3 and board.me.answers == 1 and board.me.correct == 0
    assert board.window is Window.ALL
    other = await service.leaderboard(player("dan", team="g2"))
    assert other.rows == () and other.me is None  # teams never mix


async def test_windows_follow_the_team_timezone() -> None:
    world = World()
    world.clock.current = utc(2025, 3, 11, 22, 30)  # Tuesday 23:30 in Berlin
    service = world.service()
    await service.set_team_timezone(TEAM, "Europe/Berlin")
    ann = player("ann")
    yesterday = await answer(service, ann, "cnn")
    world.clock.current = utc(2025, 3, 11, 23, 30)  # Wednesday 00:30 in Berlin, still Tuesday in UTC
    today = await answer(service, ann, "math")
    day = await service.leaderboard(ann, "day")
    assert [r.points for r in day.rows] == [today]
    week = await service.team_leaderboard(TEAM, "week")
    assert [r.points for r in week.rows] == [yesterday + today]
    world.clock.current = utc(2025, 4, 1, 10)
    assert (await service.leaderboard(ann, "month")).rows == ()
    assert [r.points for r in (await service.leaderboard(ann, "all")).rows] == [yesterday + today]


async def test_topic_and_group_boards() -> None:
    world = World()
    service = world.service()
    ann, bob = player("ann"), player("bob")
    await answer(service, ann, "cnn")
    bob_math = await answer(service, bob, "math")
    await answer(service, bob, "cnn")
    math_board = await service.leaderboard(ann, topic="math")
    assert [(r.display_name, r.points) for r in math_board.rows] == [("BOB", bob_math)]
    group = await service.join_group(bob, "  Vision  Squad ")
    assert group.name == "Vision Squad"
    board = await service.leaderboard(ann, group="Vision Squad")
    assert [r.display_name for r in board.rows] == ["BOB"] and board.group == group
    left = await service.leave_group(bob)
    assert left == group and (await service.leaderboard(ann, group="Vision Squad")).rows == ()
    with pytest.raises(NotFound, match="not in a group"):
        await service.leave_group(bob)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"window": "fortnight"}, InvalidInput), ({"topic": "astrology"}, InvalidInput),
     ({"group": "nobody"}, NotFound), ({"limit": 0}, InvalidInput)],
)
async def test_bad_board_requests(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        await World().service().leaderboard(player(), **kwargs)  # type: ignore[arg-type]


async def test_admin_views_of_unknown_teams_and_players_are_clear() -> None:
    service = World().service()
    with pytest.raises(NotFound, match="no team"):
        await service.team_leaderboard(TeamRef("console", "nobody"))
    await answer(service, player("ann"), "cnn")
    with pytest.raises(NotFound, match="no player"):
        await service.team_player_stats(TEAM, "ghost")


async def test_stats_accuracy_streak_reviews_and_weak_topics() -> None:
    world = World()
    service = world.service()
    ann = player("ann")
    for topic, right in [("cnn", True), ("math", False), ("optimization", True)]:
        await answer(service, ann, topic, right)
        world.clock.advance(days=1)
    stats = await service.stats(ann)
    assert (stats.attempts, stats.correct) == (3, 2) and stats.accuracy == pytest.approx(2 / 3)
    assert stats.streak == 3 and stats.rank == 1
    assert stats.weakest_topics[0] == "math"
    by_topic = {t.topic: t for t in stats.by_topic}
    assert by_topic["math"].accuracy == 0 and by_topic["cnn"].accuracy == 1
    assert stats.due_reviews >= 1  # the wrong answer is due again soon
    assert sum(d.points for d in stats.points_by_day) == stats.points
    admin = await service.team_player_stats(TEAM, "ann")
    assert admin.points == stats.points


async def test_a_new_player_has_empty_stats() -> None:
    stats = await World().service().stats(player("new"))
    assert (stats.attempts, stats.points, stats.streak, stats.rank) == (0, 0, 0, None)
    assert stats.weakest_topics == () and stats.by_topic == ()


# --- appeals --------------------------------------------------------------------------------------


async def test_an_accepted_appeal_corrects_the_score_and_every_total() -> None:
    world = World()
    service = world.service()
    ann = player("ann")
    view = await service.start_quiz(ann, topic="cnn", difficulty="senior", count=1)
    graded = await service.submit(ann, wrong_answer(view.question))
    assert graded.points == 0
    appeal = await service.appeal(ann, "I meant the right option")
    assert appeal.attempt_id == graded.attempt.id and appeal.status == AppealStatus.OPEN
    with pytest.raises(AlreadyAppealed):
        await service.appeal(ann, "again")
    [listed] = await service.list_appeals(TEAM)
    assert listed.appeal.id == appeal.id and listed.player_name == "ANN" and listed.attempt == graded.attempt
    done = await service.resolve_appeal(TEAM, appeal.id, accept=True, resolver="mod")
    assert done.appeal.status == AppealStatus.ACCEPTED and done.attempt is not None
    assert done.attempt.score == 1.0 and done.attempt.verdict == "correct"
    assert done.attempt.points == points_for("senior", 1.0, 0)
    board = await service.leaderboard(ann)
    assert board.rows[0].points == done.attempt.points and board.rows[0].correct == 1
    assert (await service.stats(ann)).points == done.attempt.points
    assert await service.list_appeals(TEAM) == []
    with pytest.raises(InvalidInput, match="already accepted"):
        await service.resolve_appeal(TEAM, appeal.id, accept=False, resolver="mod")


async def test_a_rejected_appeal_changes_nothing_and_partial_corrections_work() -> None:
    world = World()
    service = world.service()
    ann = player("ann")
    view = await service.start_quiz(ann, topic="rnn", count=1)
    graded = await service.submit(ann, "vanishing gradients only")
    appeal = await service.appeal(ann, "I said more", attempt_id=graded.attempt.id)
    rejected = await service.resolve_appeal(TEAM, appeal.id, accept=False, resolver="mod", note="no")
    assert rejected.appeal.status == AppealStatus.REJECTED and rejected.attempt == graded.attempt
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        await service.resolve_appeal(TEAM, appeal.id, accept=True, resolver="mod", corrected_score=2)
    second = await service.start_quiz(ann, topic="cnn", count=1)
    other = await service.submit(ann, wrong_answer(second.question))
    appeal2 = await service.appeal(ann, "partly right")
    fixed = await service.resolve_appeal(TEAM, appeal2.id, True, "mod", corrected_score=0.5)
    assert fixed.attempt is not None and fixed.attempt.id == other.attempt.id
    assert fixed.attempt.points == points_for(second.question.difficulty, 0.5, 0) and view.question


async def test_appeals_of_nothing_or_of_someone_else_are_refused() -> None:
    world = World()
    service = world.service()
    with pytest.raises(NothingToAppeal):
        await service.appeal(player("ann"), "unfair")
    with pytest.raises(InvalidInput, match="why"):
        await service.appeal(player("ann"), "   ")
    view = await service.start_quiz(player("bob"), count=1)
    bobs = await service.submit(player("bob"), wrong_answer(view.question))
    with pytest.raises(NothingToAppeal):
        await service.appeal(player("ann"), "unfair", attempt_id=bobs.attempt.id)
    appeal = await service.appeal(player("bob"), "unfair")
    with pytest.raises(NotFound):
        await service.resolve_appeal(TeamRef("discord", "g2"), appeal.id, True, "other-guild-admin")
    await service.leaderboard(player("x", team="g2"))  # team g2 now exists, but the appeal is not theirs
    with pytest.raises(NotFound):
        await service.resolve_appeal(TeamRef("discord", "g2"), appeal.id, True, "other-guild-admin")
    with pytest.raises(NotFound):
        await service.resolve_appeal(TEAM, 424242, True, "mod")
