"""Quiz and review sessions through the service, on the in-memory fakes."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidInput, NoActiveQuestion, NoQuestions, StorageUnavailable, UnknownTopic
from bot.core.model import AttemptMode, SessionState
from bot.core.scoring import hint_cost, points_for

from .world import World, player, right_answer, wrong_answer


async def test_a_quiz_asks_grades_stores_and_moves_on() -> None:
    world = World()
    service = world.service()
    me = player()
    first = await service.start_quiz(me, topic="optimization", count="2")
    assert (first.position, first.total, first.mode) == (1, 2, AttemptMode.QUIZ)
    assert "optimization" in first.question.topics
    assert (await service.current_question(me)).question.id == first.question.id

    feedback = await service.submit(me, right_answer(first.question))
    assert feedback.grade.score == 1.0 and feedback.counted
    assert feedback.points == points_for(first.question.difficulty, feedback.grade.score, 0)
    assert feedback.question.reference_answer == first.question.reference_answer
    assert feedback.next_question is not None and feedback.next_question.position == 2
    assert feedback.next_question.question.id != first.question.id

    last = await service.submit(me, wrong_answer(feedback.next_question.question))
    assert last.points == 0 and last.next_question is None
    assert last.summary is not None
    assert (last.summary.answered, last.summary.points, last.summary.state) == (2, feedback.points,
                                                                                  SessionState.FINISHED)
    with pytest.raises(NoActiveQuestion):
        await service.submit(me, "anything")
    attempts = list(world.db.tables.attempts.values())
    assert [a.question_id for a in attempts] == [first.question.id, feedback.next_question.question.id]
    assert all(a.session_id == first.session_id for a in attempts)


async def test_a_session_survives_a_restart() -> None:
    world = World()
    me = player()
    started = await world.service().start_quiz(me, count=3)
    await world.service().submit(me, right_answer(started.question))
    restarted = world.service()  # a new process over the same database
    current = await restarted.current_question(me)
    assert current.position == 2 and current.session_id == started.session_id


async def test_repeating_a_question_earns_no_points_again() -> None:
    world = World()
    service = world.service()
    me = player()
    first = await service.start_quiz(me, topic="math", count=1)
    earned = await service.submit(me, right_answer(first.question))
    assert earned.counted and earned.points > 0
    again = await service.start_quiz(me, topic="math", count=1)
    assert again.question.id == first.question.id  # the only math question
    repeat = await service.submit(me, right_answer(again.question))
    assert not repeat.counted and repeat.points == 0 and repeat.grade.score == 1.0


async def test_a_wrong_first_attempt_is_the_counted_one() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, topic="math", count=1)
    assert (await service.submit(me, wrong_answer(q.question))).counted
    await service.start_quiz(me, topic="math", count=1)
    later = await service.submit(me, right_answer(q.question))
    assert not later.counted and later.points == 0


async def test_unseen_questions_come_first() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, topic="optimization", count=1)
    await service.submit(me, right_answer(q.question))
    other = await service.start_quiz(me, topic="optimization", count=1)
    assert other.question.id != q.question.id


async def test_hints_reveal_key_points_in_order_and_cost_points() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, topic="rnn", count=1)
    points = q.question.key_points or []
    first = await service.hint(me)
    assert points[0].text in first.text and first.hints_used == 1 and first.hints_available == len(points)
    second = await service.hint(me)
    assert points[1].text in second.text
    assert (await service.current_question(me)).hints_used == 2
    feedback = await service.submit(me, right_answer(q.question))
    expected = points_for(q.question.difficulty, feedback.grade.score, 2)
    assert feedback.points == expected
    assert feedback.points == points_for(q.question.difficulty, feedback.grade.score, 0) - 2 * hint_cost(
        q.question.difficulty
    )
    assert feedback.attempt.hints_used == 2


async def test_choice_hints_remove_wrong_options_and_run_out() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, topic="cnn", difficulty="fresher", count=1)
    wrong = [o.key for o in q.question.options or [] if o.key not in (q.question.correct or [])]
    texts = [(await service.hint(me)).text for _ in range(len(wrong) - 1)]
    assert all(any(f"({k})" in t for k in wrong) for t in texts)
    assert not any(f"({c})" in t for t in texts for c in q.question.correct or [])
    assert "No more hints" in (await service.hint(me)).text


async def test_skip_and_stop() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, count=2)
    skipped = await service.skip(me)
    assert skipped.skipped_question is not None and skipped.skipped_question.id == q.question.id
    assert skipped.next_question is not None and skipped.next_question.position == 2
    summary = await service.stop(me)
    assert (summary.skipped, summary.answered, summary.state) == (1, 0, SessionState.STOPPED)
    assert not world.db.tables.attempts  # skipping stores no attempt
    with pytest.raises(NoActiveQuestion):
        await service.hint(me)
    with pytest.raises(NoActiveQuestion):
        await service.stop(me)


async def test_starting_a_new_quiz_replaces_the_running_one() -> None:
    world = World()
    service = world.service()
    me = player()
    first = await service.start_quiz(me, count=3)
    second = await service.start_quiz(me, count=1)
    states = {s.id: s.state for s in world.db.tables.sessions.values()}
    assert states == {first.session_id: SessionState.STOPPED, second.session_id: SessionState.ACTIVE}


async def test_players_do_not_share_sessions() -> None:
    world = World()
    service = world.service()
    await service.start_quiz(player("alice"), count=1)
    with pytest.raises(NoActiveQuestion):
        await service.submit(player("bob"), "a")
    with pytest.raises(NoActiveQuestion):
        await service.submit(player("alice", team="other-guild"), "a")


async def test_review_serves_due_cards_first() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, topic="math", count=1)
    await service.submit(me, wrong_answer(q.question))  # Again: due within minutes
    world.clock.advance(days=1)
    review = await service.start_review(me, count=3)
    assert review.mode == AttemptMode.REVIEW and review.question.id == q.question.id
    feedback = await service.submit(me, right_answer(review.question))
    assert feedback.attempt.mode == AttemptMode.REVIEW and not feedback.counted
    card = world.db.tables.cards[(feedback.attempt.player_id, q.question.id)]
    assert card.reviews == 2 and card.due > world.now()


async def test_review_with_nothing_left_says_so() -> None:
    world = World()
    world.catalog.questions = world.catalog.questions[:1]
    service = world.service()
    me = player()
    q = await service.start_quiz(me, count=1)
    await service.submit(me, right_answer(q.question))  # Easy: due in days
    with pytest.raises(NoQuestions, match="Nothing to review"):
        await service.start_review(me)


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"topic": "astrology"}, UnknownTopic, "astrology"),
        ({"difficulty": "godlike"}, InvalidInput, "difficulty"),
        ({"count": "0"}, InvalidInput, "1 to 50"),
        ({"topic": "autoencoders"}, NoQuestions, "autoencoders"),
    ],
)
async def test_bad_quiz_requests_get_clear_messages(
    kwargs: dict[str, str], error: type[Exception], text: str
) -> None:
    world = World()
    with pytest.raises(error, match=text):
        await world.service().start_quiz(player(), **kwargs)
    assert not world.db.tables.sessions


@pytest.mark.parametrize("answer", ["", "   ", "\x00\x01"])
async def test_empty_answers_are_refused_without_using_the_question(answer: str) -> None:
    world = World()
    service = world.service()
    me = player()
    await service.start_quiz(me, count=1)
    with pytest.raises(InvalidInput, match="empty"):
        await service.submit(me, answer)
    assert (await service.current_question(me)).position == 1


async def test_huge_and_unicode_answers_are_stored_safely() -> None:
    world = World()
    service = world.service()
    me = player(name="Zoë 🚀\x07")
    await service.start_quiz(me, topic="rnn", count=1)
    feedback = await service.submit(me, "вани́шинг ✓ " * 2000)
    assert len(feedback.attempt.answer) <= 4000
    stored = world.db.tables.players[feedback.attempt.player_id]
    assert stored.display_name == "Zoë 🚀"


async def test_unreachable_database_is_a_clear_error_and_keeps_nothing() -> None:
    world = World()
    service = world.service()
    me = player()
    await service.start_quiz(me, count=2)
    before = world.db.tables
    world.db.fail_commit = True
    with pytest.raises(StorageUnavailable) as caught:
        await service.submit(me, "b")
    assert "NOT saved" in caught.value.message and caught.value.unsaved_answer == "b"
    assert world.db.tables is before and not world.db.tables.attempts and not world.db.tables.cards
    world.db.fail_commit = False
    world.db.unavailable = True
    with pytest.raises(StorageUnavailable):
        await service.start_quiz(me)
    world.db.unavailable = False
    assert (await service.current_question(me)).position == 1  # the answer can simply be sent again


async def test_a_lost_race_for_the_counted_attempt_is_retried_and_scores_zero() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, topic="math", count=1)
    await service.submit(me, right_answer(q.question))
    await service.start_quiz(me, topic="math", count=1)
    # Simulate a concurrent transaction: the check says "not counted yet", the database disagrees.
    world.db.hide_counted_once = True
    feedback = await service.submit(me, right_answer(q.question))
    assert not feedback.counted and feedback.points == 0
    assert sum(a.counted for a in world.db.tables.attempts.values()) == 1


async def test_a_question_removed_from_the_bank_is_stepped_over() -> None:
    world = World()
    service = world.service()
    me = player()
    q = await service.start_quiz(me, count=2)
    world.catalog.disabled.add(q.question.id)
    current = await service.current_question(me)
    assert current.position == 2 and current.question.id != q.question.id


async def test_a_rolled_back_first_visit_leaves_no_cached_identity_behind() -> None:
    world = World()
    service = world.service()
    me = player("newcomer")
    world.db.fail_commit = True
    with pytest.raises(StorageUnavailable):
        await service.start_quiz(me, count=1)
    assert not world.db.tables.players
    world.db.fail_commit = False
    view = await service.start_quiz(me, count=1)
    session = world.db.tables.sessions[view.session_id]
    assert session.player_id in world.db.tables.players


async def test_a_timezone_change_applies_to_the_next_answer() -> None:
    from bot.core.model import TeamRef

    world = World()
    world.clock.current = world.clock.current.replace(hour=23, minute=30)  # 23:30 UTC = 00:30 in Berlin
    service = world.service()
    me = player()
    first = await service.start_quiz(me, topic="optimization", count=2)
    before = await service.submit(me, right_answer(first.question))
    await service.set_team_timezone(TeamRef("discord", "g1"), "Europe/Berlin")
    assert before.next_question is not None
    after = await service.submit(me, right_answer(before.next_question.question))
    assert (after.attempt.local_date - before.attempt.local_date).days == 1
