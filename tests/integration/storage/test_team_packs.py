"""Team packs on SQLite and PostgreSQL: the repository keeps every team's packs apart, and the service over
two separate database connections (two processes) shares uploads within a team and never across teams."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest

from bot.core.checking import check
from bot.core.errors import NoQuestions, UnknownQuestion
from bot.core.model import Player, TeamPackRecord, TeamRef
from bot.core.packs import InvalidPack
from bot.core.service import PracticeService
from questions.schema import Pack
from questions.store import QuestionStore
from storage.database import Database, open_database
from tests.integration.storage.service_world import choice

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
YAML = "pack: mine\ntitle: Mïne ✓\nquestions: []\n".encode() + b"\xff\x00 raw bytes survive"


def record(team_id: int, name: str = "mine", *, digest: str = "d1", enabled: bool = True) -> TeamPackRecord:
    return TeamPackRecord(team_id=team_id, name=name, title=f"Title of {name} ✓", file_name=f"{name}.yaml",
                          digest=digest, question_ids=("q-1", "q-2"), enabled=enabled, uploaded_at=NOW,
                          uploaded_by="U1")


async def two_teams(db: Database) -> tuple[int, int]:
    async with db.uow_factory() as uow:
        a = await uow.teams.get_or_create(TeamRef("discord", "A"))
        b = await uow.teams.get_or_create(TeamRef("slack", "A"))
        await uow.commit()
    return a.id, b.id


async def test_uploads_are_kept_per_team_and_replaced_by_name(db: Database) -> None:
    a, b = await two_teams(db)
    async with db.uow_factory() as uow:
        await uow.team_packs.lock(a)
        await uow.team_packs.save(record(a), YAML)
        await uow.team_packs.save(record(a, "zeta", digest="d9", enabled=False), b"zeta")
        await uow.team_packs.save(record(b), b"team b's own")
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.team_packs.list(a) == [record(a), record(a, "zeta", digest="d9", enabled=False)]
        assert await uow.team_packs.list(b) == [record(b)]
        assert await uow.team_packs.sources(a, ["mine", "zeta", "nope"]) == {"mine": YAML, "zeta": b"zeta"}
        assert await uow.team_packs.sources(b, ["zeta"]) == {}
        assert await uow.team_packs.sources(a, []) == {}

    replaced = TeamPackRecord(**{**record(a).__dict__, "title": "New", "digest": "d2", "enabled": False})
    async with db.uow_factory() as uow:
        await uow.team_packs.save(replaced, b"new content")
        await uow.commit()
    async with db.uow_factory() as uow:
        assert (await uow.team_packs.list(a))[0] == replaced
        assert await uow.team_packs.sources(a, ["mine"]) == {"mine": b"new content"}
        assert await uow.team_packs.list(b) == [record(b)]


async def test_switches_touch_one_team_only(db: Database) -> None:
    a, b = await two_teams(db)
    async with db.uow_factory() as uow:
        await uow.team_packs.save(record(a), YAML)
        assert await uow.team_packs.set_enabled(a, "mine", False)
        assert not await uow.team_packs.set_enabled(b, "mine", False)
        await uow.team_packs.set_shipped_enabled(a, "fundamentals", False)
        await uow.team_packs.set_shipped_enabled(a, "fundamentals", False)  # idempotent
        await uow.team_packs.set_shipped_enabled(a, "cnn", False)
        await uow.team_packs.set_shipped_enabled(b, "cnn", True)  # nothing to switch on
        await uow.commit()
    async with db.uow_factory() as uow:
        assert not (await uow.team_packs.list(a))[0].enabled
        assert await uow.team_packs.disabled_shipped(a) == {"fundamentals", "cnn"}
        assert await uow.team_packs.disabled_shipped(b) == set()
        await uow.team_packs.set_shipped_enabled(a, "cnn", True)
        await uow.commit()
    async with db.uow_factory() as uow:
        assert await uow.team_packs.disabled_shipped(a) == {"fundamentals"}


async def test_uncommitted_uploads_vanish(db: Database) -> None:
    a, _b = await two_teams(db)
    async with db.uow_factory() as uow:
        await uow.team_packs.save(record(a), YAML)
    async with db.uow_factory() as uow:
        assert await uow.team_packs.list(a) == []


# --- the service over two connections -------------------------------------------------------------------

PACK = """pack: club
title: Club questions
questions:
  - id: club-q1
    prompt: "Does a sigmoid output negative values?"
    kind: true_false
    reference_answer: "No."
    topics: [activation-functions]
    difficulty: fresher
    truth: false
"""


def process(db: Database) -> PracticeService:
    store = QuestionStore([Pack(pack="shipped", title="Shipped", questions=[choice("q1"), choice("q2")])])
    return PracticeService(db.uow_factory, store, check, rng=random.Random(1), packs=store)


async def test_processes_share_a_teams_uploads_and_never_another_teams(database_url: str) -> None:
    first_db = await open_database(database_url)
    second_db = await open_database(database_url)
    try:
        first, second = process(first_db), process(second_db)
        alice, bob = Player("discord", "A", "u1", "Alice"), Player("discord", "B", "u2", "Bob")
        await first.upload_pack(alice, PACK.encode(), "club.yaml")
        view = await second.start_quiz(alice, topic="activation")
        assert view.question.id == "club-q1"
        assert (await second.submit(alice, "false")).attempt.score == 1.0
        with pytest.raises(NoQuestions):
            await second.start_quiz(bob, topic="activation")
        with pytest.raises(UnknownQuestion):
            await first.team_question(bob, "club-q1")
        await second.disable_pack(alice, "shipped")
        assert [p.enabled for p in await first.list_packs(alice) if p.name == "shipped"] == [False]
        assert [p.enabled for p in await first.list_packs(bob) if p.name == "shipped"] == [True]
    finally:
        await first_db.close()
        await second_db.close()


async def test_concurrent_uploads_of_one_team_cannot_both_take_an_id(database_url: str) -> None:
    first_db = await open_database(database_url)
    second_db = await open_database(database_url)
    try:
        first, second = process(first_db), process(second_db)
        alice = Player("discord", "A", "u1", "Alice")
        await first.list_packs(alice)
        await first.start_quiz(alice)  # the team exists before the race
        one = PACK.replace("pack: club", "pack: club-one")
        two = PACK.replace("pack: club", "pack: club-two")
        outcomes = await asyncio.gather(
            first.upload_pack(alice, one.encode(), "one.yaml"),
            second.upload_pack(alice, two.encode(), "two.yaml"),
            return_exceptions=True,
        )
        assert sorted(type(o).__name__ for o in outcomes) == ["InvalidPack", "PackUploadResult"]
        assert any(isinstance(o, InvalidPack) and "already used by your pack" in o.message for o in outcomes)
        assert len([p for p in await second.list_packs(alice) if p.uploaded]) == 1
    finally:
        await first_db.close()
        await second_db.close()
