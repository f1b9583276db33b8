"""Question packs per team, driven through the service with the in-memory fakes: uploads stay in the
uploading team, a team's switches change only its own pool, ids may not clash with shipped ones, and a
second process over the same database sees the same packs."""

from __future__ import annotations

import random

import pytest

from bot.core.errors import InvalidInput, NoQuestions, NotFound, StorageUnavailable, UnknownQuestion
from bot.core.model import TeamRef
from bot.core.packs import MAX_TEAM_PACKS, InvalidPack
from bot.core.service import PracticeService
from questions.schema import Pack
from questions.store import QuestionStore

from .fakes import FixedClock, MemoryDatabase, RecordingAnnouncer, utc
from .world import fake_grade, player, right_answer, sample_questions

A = player("alice", team="guild-a")
A2 = player("anna", team="guild-a")
B = player("bob", team="guild-b")
TEAM_A = TeamRef("discord", "guild-a")
TEAM_B = TeamRef("discord", "guild-b")

CLUB = b"""pack: club-extra
title: Club extras
questions:
  - id: club-q1
    prompt: "Does a sigmoid output negative values?"
    kind: true_false
    reference_answer: "No: its range is (0, 1)."
    topics: [activation-functions]
    difficulty: fresher
    truth: false
"""


def shipped_store() -> QuestionStore:
    """Two shipped packs over the sample questions (none of them about activation functions)."""
    questions = sample_questions()
    cnn = [q for q in questions if "cnn" in q.topics]
    rest = [q for q in questions if "cnn" not in q.topics]
    return QuestionStore([Pack(pack="core-cnn", title="CNN", questions=cnn),
                          Pack(pack="core-rest", title="Everything else", questions=rest)])


class Deployment:
    """One database and shipped bank; `process()` builds another service over them, as a second process
    on the same PostgreSQL would be."""

    def __init__(self) -> None:
        self.db = MemoryDatabase()
        self.store = shipped_store()
        self.clock = FixedClock(utc(2025, 3, 12, 10, 0))
        self.announcer = RecordingAnnouncer()

    def process(self) -> PracticeService:
        return PracticeService(self.db.uow, self.store, fake_grade, self.clock, {"discord": self.announcer},
                               random.Random(3), packs=self.store)


# --- isolation --------------------------------------------------------------------------------------


async def test_an_upload_is_offered_to_its_team_only() -> None:
    deployment = Deployment()
    service = deployment.process()
    result = await service.upload_pack(A, CLUB, "club.yaml")
    assert (result.name, result.questions, result.replaced) == ("club-extra", 1, False)

    quiz = await service.start_quiz(A2, topic="activation")
    assert quiz.question.id == "club-q1"
    with pytest.raises(NoQuestions):
        await service.start_quiz(B, topic="activation")
    everything = await service.start_quiz(B, count=50)
    b_session = deployment.db.tables.sessions[everything.session_id]
    assert set(b_session.question_ids) == {q.id for q in sample_questions()}

    assert "club-extra" in [p.name for p in await service.list_packs(TEAM_A)]
    assert "club-extra" not in [p.name for p in await service.list_packs(TEAM_B)]
    assert (await service.team_question(A, "club-q1")).truth is False
    with pytest.raises(UnknownQuestion):
        await service.team_question(B, "club-q1")
    with pytest.raises(UnknownQuestion):
        service.question("club-q1")  # outside any team: shipped questions only
    with pytest.raises(UnknownQuestion):
        service.question("club-q1", B)
    with pytest.raises(NotFound, match="no pack"):
        await service.disable_pack(TEAM_B, "club-extra")


async def test_a_teams_switch_changes_only_its_own_pool() -> None:
    service = Deployment().process()
    off = await service.disable_pack(TEAM_A, "core-cnn")
    assert (off.name, off.enabled, off.uploaded) == ("core-cnn", False, False)
    with pytest.raises(NoQuestions):
        await service.start_quiz(A, topic="cnn")
    assert "cnn" in (await service.start_quiz(B, topic="cnn")).question.topics
    listed = {p.name: p.enabled for p in await service.list_packs(TEAM_A)}
    assert listed == {"core-cnn": False, "core-rest": True}
    assert all(p.enabled for p in await service.list_packs(TEAM_B))

    await service.configure_daily("discord:guild-a/c1", TEAM_A, "09:00", topics="cnn,math")
    post = await service.open_daily("discord:guild-a/c1")
    assert post.question_id == "math-num-1"  # the only question of those topics team A still has
    assert (await service.enable_pack(TEAM_A, "core-cnn")).enabled
    assert "cnn" in (await service.start_quiz(A, topic="cnn")).question.topics


async def test_an_uploaded_pack_switched_off_leaves_running_quizzes_answerable() -> None:
    service = Deployment().process()
    await service.upload_pack(A, CLUB, "club.yaml")
    view = await service.start_quiz(A, topic="activation")
    info = await service.disable_pack(A, "club-extra")
    assert (info.enabled, info.uploaded) == (False, True)
    with pytest.raises(NoQuestions):
        await service.start_quiz(A2, topic="activation")
    feedback = await service.submit(A, right_answer(view.question))
    assert feedback.question.id == "club-q1" and feedback.attempt.score == 1.0


async def test_daily_questions_come_from_the_channels_team() -> None:
    deployment = Deployment()
    service = deployment.process()
    await service.upload_pack(A, CLUB, "club.yaml")
    await service.configure_daily("discord:guild-a/c1", TEAM_A, "09:00", topics="activation-functions")
    await service.configure_daily("discord:guild-b/c1", TEAM_B, "09:00", topics="activation-functions")
    post = await service.open_daily("discord:guild-a/c1")
    assert post.question_id == "club-q1"
    assert deployment.announcer.questions[-1][1].id == "club-q1"
    with pytest.raises(NoQuestions):
        await service.open_daily("discord:guild-b/c1")
    with pytest.raises(UnknownQuestion):
        await service.submit_daily(B, post.id, "false")  # another team's player cannot reach it
    feedback = await service.submit_daily(A, post.id, "false")
    assert feedback.attempt.score == 1.0
    results = await service.close_daily(post.id)
    assert results.reference_answer.startswith("No: its range")
    again = await service.reveal_daily(results)
    assert again.post.reveal_ref is not None


# --- validation -------------------------------------------------------------------------------------


async def test_ids_clashing_with_shipped_questions_are_listed_with_their_lines() -> None:
    service = Deployment().process()
    clash = CLUB.replace(b"id: club-q1", b"id: cnn-senior-1")
    with pytest.raises(InvalidPack) as caught:
        await service.upload_pack(A, clash, "mine.yaml")
    assert caught.value.problems == (
        "mine.yaml:4: question id 'cnn-senior-1' is already used by the shipped pack 'core-cnn'; "
        "give it another id (e.g. prefix it with your team's name)",
    )
    with pytest.raises(InvalidInput, match="name of a shipped pack"):
        await service.upload_pack(A, CLUB.replace(b"pack: club-extra", b"pack: core-cnn"), "x.yaml")
    assert await service.list_packs(TEAM_A) == await service.list_packs(TEAM_B)


async def test_two_teams_may_use_the_same_ids_but_one_team_may_not_twice() -> None:
    service = Deployment().process()
    await service.upload_pack(A, CLUB, "club.yaml")
    theirs = CLUB.replace(b"Does a sigmoid", b"Team B asks: does a sigmoid")
    await service.upload_pack(B, theirs, "club.yaml")
    assert (await service.team_question(A, "club-q1")).prompt.startswith("Does a sigmoid")
    assert (await service.team_question(B, "club-q1")).prompt.startswith("Team B asks")

    second = CLUB.replace(b"pack: club-extra", b"pack: club-second")
    with pytest.raises(InvalidPack, match="already used by your pack 'club-extra'") as caught:
        await service.upload_pack(A, second, "second.yaml")
    assert caught.value.problems[0].startswith("second.yaml:4: ")
    with pytest.raises(InvalidInput, match="already has a pack named"):
        await service.upload_pack(A, CLUB, "club.yaml", replace=False)


async def test_replacing_keeps_the_switch_and_swaps_the_questions() -> None:
    service = Deployment().process()
    await service.upload_pack(A, CLUB, "club.yaml")
    await service.disable_pack(A, "club-extra")
    again = await service.upload_pack(A, CLUB.replace(b"Club extras", b"Club extras v2"), "club.yaml")
    assert again.replaced
    info = next(p for p in await service.list_packs(A) if p.name == "club-extra")
    assert (info.title, info.enabled, info.uploaded) == ("Club extras v2", False, True)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01binary", b"pack: [unclosed", "pack: x\ntitle: ü\nquestions: []\n".encode(),
     CLUB.replace(b"fresher", b"godlike"), CLUB.replace(b"activation-functions", b"astrology"),
     b"x" * 3_000_000],
)
async def test_broken_uploads_list_their_problems_and_change_nothing(data: bytes) -> None:
    deployment = Deployment()
    service = deployment.process()
    with pytest.raises(InvalidPack) as caught:
        await service.upload_pack(A, data, "bad.yaml")
    assert caught.value.problems and all(p.startswith("bad.yaml:") for p in caught.value.problems)
    assert "bad.yaml:" in caught.value.message
    assert not deployment.db.tables.team_packs


async def test_bad_names_and_teams_are_refused_with_a_message() -> None:
    service = Deployment().process()
    with pytest.raises(InvalidInput, match="pack name uses"):
        await service.upload_pack(A, CLUB.replace(b"pack: club-extra", b"pack: '../etc'"), "x.yaml")
    with pytest.raises(InvalidInput, match="team is missing"):
        await service.upload_pack(TeamRef("discord", "  "), CLUB, "x.yaml")
    with pytest.raises(NotFound, match="core-cnn, core-rest"):
        await service.enable_pack(TEAM_A, "\u202enope" * 50)


async def test_a_team_keeps_a_bounded_number_of_packs() -> None:
    service = Deployment().process()
    for n in range(MAX_TEAM_PACKS):
        await service.upload_pack(A, CLUB.replace(b"club-", f"c{n}-".encode()), "club.yaml")
    with pytest.raises(InvalidInput, match=f"at most {MAX_TEAM_PACKS}"):
        await service.upload_pack(A, CLUB, "club.yaml")
    await service.upload_pack(B, CLUB, "club.yaml")  # another team is not affected


async def test_an_upload_that_cannot_be_stored_changes_nothing() -> None:
    deployment = Deployment()
    service = deployment.process()
    deployment.db.fail_commit = True
    with pytest.raises(StorageUnavailable):
        await service.upload_pack(A, CLUB, "club.yaml")
    deployment.db.fail_commit = False
    assert not deployment.db.tables.team_packs
    with pytest.raises(NoQuestions):
        await service.start_quiz(A, topic="activation")


async def test_pack_administration_without_a_store_is_a_clear_error() -> None:
    deployment = Deployment()
    plain = PracticeService(deployment.db.uow, deployment.store, fake_grade, deployment.clock)
    with pytest.raises(InvalidInput, match="not available"):
        await plain.upload_pack(A, CLUB, "x.yaml")
    with pytest.raises(InvalidInput, match="not available"):
        plain.require_pack_admin()


# --- several processes ------------------------------------------------------------------------------


async def test_another_process_sees_uploads_and_switches_at_once() -> None:
    deployment = Deployment()
    first, second = deployment.process(), deployment.process()
    await second.start_quiz(A, topic="cnn")
    await second.current_question(A)  # the second process now caches team A's scope, without the upload
    await first.upload_pack(A, CLUB, "club.yaml")
    assert (await second.start_quiz(A, topic="activation")).question.id == "club-q1"
    await first.disable_pack(A, "club-extra")
    with pytest.raises(NoQuestions):
        await second.start_quiz(A2, topic="activation")


async def test_an_answer_reaching_a_process_with_an_older_scope_still_resolves() -> None:
    deployment = Deployment()
    first, second = deployment.process(), deployment.process()
    await second.start_quiz(A, topic="cnn")  # creates team A...
    await second.current_question(A)  # ...whose scope the second process now caches
    await first.upload_pack(A, CLUB, "club.yaml")
    view = await first.start_quiz(A, topic="activation")
    assert view.question.id == "club-q1"
    assert (await second.current_question(A)).question.id == "club-q1"
    feedback = await second.submit(A, "false", question_id="club-q1")
    assert feedback.attempt.score == 1.0 and feedback.question.id == "club-q1"
    assert second.question("club-q1", A).id == "club-q1"  # the cached scope now has it


async def test_an_answer_sent_while_the_database_is_down_comes_back_unsaved() -> None:
    deployment = Deployment()
    service = deployment.process()
    await service.upload_pack(A, CLUB, "club.yaml")
    await service.start_quiz(A, topic="activation")
    restarted = deployment.process()  # knows nothing of team A's packs yet
    deployment.db.unavailable = True
    with pytest.raises(StorageUnavailable) as caught:
        await restarted.submit(A, "false, I think")
    assert caught.value.unsaved_answer == "false, I think"
    with pytest.raises(StorageUnavailable):
        await restarted.start_quiz(A2, topic="activation")
    deployment.db.unavailable = False
    assert (await restarted.submit(A, "false")).attempt.score == 1.0
