"""The core's `PracticeService` wired to a real database, for tests that drive storage the way adapters do."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.checking import check
from bot.core.service import PracticeService
from questions.schema import Difficulty, Kind, Option, Question, Topic
from storage.database import Database
from tests.unit.core.fakes import FixedClock, ListCatalog, RecordingAnnouncer

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
CHANNEL = "discord:g1/c1"


def choice(qid: str, correct: str = "b", topic: Topic = Topic.CNN) -> Question:
    return Question(
        id=qid,
        prompt=f"Which option is right for {qid}?",
        kind=Kind.CHOICE,
        reference_answer=f"({correct})",
        topics=[topic, Topic.FUNDAMENTALS],
        difficulty=Difficulty.EXPERIENCED,
        options=[Option(key=k, text=f"option {k} of {qid}") for k in "abcd"],
        correct=[correct],
    )


def service_on(db: Database, questions: list[Question] | None = None) -> tuple[PracticeService, FixedClock]:
    """The service with the production checker, a fixed clock and a recording Discord announcer."""
    clock = FixedClock(NOW)
    catalog = ListCatalog(questions or [choice(f"q{i}") for i in range(1, 4)])
    service = PracticeService(
        db.uow_factory, catalog, check, clock=clock, announcers={"discord": RecordingAnnouncer()}
    )
    return service, clock
