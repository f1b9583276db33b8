"""Leaderboards, groups, stats with the progress chart uploaded as an image, and the App Home tab."""

from __future__ import annotations

from bot.slack_adapter import ids
from tests.adapters.slack.payloads import SlackUser, app_home_opened
from tests.adapters.slack.world import ALICE, BOB, SlackWorld, all_text


async def _answer_choice(world: SlackWorld, user: SlackUser, key: str) -> None:
    await world.ask(user, "/quiz", "choice")
    await world.press(user, f"{ids.QUIZ_CHOICE}:{key}", f"slack-relu-range|{key}")


async def test_leaderboard_ranks_players_and_filters(world: SlackWorld) -> None:
    await _answer_choice(world, ALICE, "b")
    await _answer_choice(world, BOB, "a")
    board = all_text(await world.ask(BOB, "/leaderboard"))
    assert "all time" in board
    assert board.index("alice") < board.index("bob")
    weekly = all_text(await world.ask(BOB, "/leaderboard", "week activation"))
    assert "week" in weekly and "topic activation-functions" in weekly and "alice" in weekly
    empty = all_text(await world.ask(BOB, "/leaderboard", "all cnn"))
    assert "Nobody has answered" in empty
    missing = all_text(await world.ask(BOB, "/leaderboard", "group nobody-here"))
    assert "There is no group" in missing


async def test_groups_join_leave_and_group_board(world: SlackWorld) -> None:
    joined = all_text(await world.ask(ALICE, "/group", "join Vision Team"))
    assert "Vision Team" in joined
    await _answer_choice(world, ALICE, "b")
    await _answer_choice(world, BOB, "b")
    board = all_text(await world.ask(BOB, "/leaderboard", "group Vision Team"))
    assert "alice" in board and "bob" not in board.split("Leaderboard")[-1].split("You:")[0]
    left = all_text(await world.ask(ALICE, "/group", "leave"))
    assert "left the group" in left
    usage = all_text(await world.ask(ALICE, "/group", "dance"))
    assert "Usage" in usage


async def test_stats_arrive_with_the_chart_uploaded_as_an_image(world: SlackWorld) -> None:
    await _answer_choice(world, ALICE, "b")
    stats = await world.ask(ALICE, "/stats")
    text = all_text(stats)
    assert "Stats of alice" in text and "1/1" in text
    completed = await world.fake.wait_for_calls("files.completeUploadExternal", timeout=20)
    dm = world.fake.calls("conversations.open")[0]
    assert dm["users"] == ALICE.id
    assert completed[0]["channel_id"].startswith("D")
    (upload,) = world.fake.uploads.values()
    assert upload.startswith(b"\x89PNG\r\n\x1a\n") and len(upload) > 1000


async def test_app_home_shows_streak_reviews_weak_topics_and_team_top(world: SlackWorld) -> None:
    stranger = await world.driver.send(app_home_opened(ALICE))
    assert stranger.status == 200
    (first,) = await world.fake.wait_for_calls("views.publish")
    assert first["user_id"] == ALICE.id and first["view"]["type"] == "home"
    assert "Start with `/quiz`" in all_text(first["view"])

    await _answer_choice(world, ALICE, "b")
    await _answer_choice(world, BOB, "a")
    await world.driver.send(app_home_opened(BOB))
    published = await world.fake.wait_for_calls("views.publish", 2)
    home = all_text(published[1]["view"])
    for part in ("Streak", "Due reviews", "Weakest topics", "Leaderboard", "alice", "bob"):
        assert part in home
    assert home.index("alice") < home.index("bob", home.index("Leaderboard"))
