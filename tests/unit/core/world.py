"""A small world for core tests: a handful of questions, a fake grader, and a service wired to fakes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.checking.grade import Grade, verdict_for
from bot.core.model import Player
from bot.core.service import PracticeService
from questions.schema import Difficulty, KeyPoint, Kind, NumericAnswer, Option, Question, Topic

from .fakes import FixedClock, ListCatalog, MemoryDatabase, RecordingAnnouncer, utc


def choice(qid: str, topic: Topic, difficulty: Difficulty, correct: str = "b") -> Question:
    return Question(
        id=qid,
        prompt=f"Which option is right for {qid}?",
        kind=Kind.CHOICE,
        reference_answer=f"({correct})",
        explanation=f"Because {correct} is right. More detail follows.",
        topics=[topic],
        difficulty=difficulty,
        options=[Option(key=k, text=f"option {k}") for k in "abcd"],
        correct=[correct],
    )


def open_question(qid: str, topic: Topic, difficulty: Difficulty, points: list[str]) -> Question:
    return Question(
        id=qid,
        prompt=f"Explain {qid}.",
        kind=Kind.OPEN,
        reference_answer=" ".join(points),
        explanation="Why it matters.",
        topics=[topic, Topic.FUNDAMENTALS],
        difficulty=difficulty,
        key_points=[KeyPoint(text=p) for p in points],
    )


def sample_questions() -> list[Question]:
    return [
        choice("cnn-fresher-1", Topic.CNN, Difficulty.FRESHER),
        choice("cnn-senior-1", Topic.CNN, Difficulty.SENIOR, correct="c"),
        choice("opt-exp-1", Topic.OPTIMIZATION, Difficulty.EXPERIENCED, correct="a"),
        choice("opt-exp-2", Topic.OPTIMIZATION, Difficulty.EXPERIENCED, correct="d"),
        open_question("rnn-open-1", Topic.RNN_LSTM, Difficulty.EXPERIENCED,
                      ["vanishing gradients", "gates control memory", "long range dependencies"]),
        Question(
            id="math-num-1", prompt="2+2?", kind=Kind.NUMERIC, reference_answer="4",
            explanation="Add them. Really.", topics=[Topic.MATH], difficulty=Difficulty.FRESHER,
            numeric=NumericAnswer(value=4),
        ),
        Question(
            id="reg-tf-1", prompt="Dropout is a regulariser.", kind=Kind.TRUE_FALSE, reference_answer="True",
            topics=[Topic.REGULARIZATION], difficulty=Difficulty.FRESHER, truth=True,
        ),
    ]


def fake_grade(question: Question, answer: str) -> Grade:
    """A hand-written stand-in for the checker: exact letter / number / yes-no, or the share of key points
    whose text appears in the answer."""
    text = answer.strip().lower()
    if question.key_points:
        covered = tuple(k.text for k in question.key_points if k.text in text)
        missed = tuple(k.text for k in question.key_points if k.text not in text)
        score = len(covered) / len(question.key_points)
        return Grade(score, verdict_for(score), covered, missed)
    if question.truth is not None:
        right = text in (("true", "yes") if question.truth else ("false", "no"))
    elif question.numeric is not None:
        right = text == str(question.numeric.value)
    else:
        right = text.strip("() ") in (question.correct or [])
    score = 1.0 if right else 0.0
    return Grade(score, verdict_for(score))


def right_answer(question: Question) -> str:
    if question.key_points:
        return ", ".join(k.text for k in question.key_points)
    if question.truth is not None:
        return "true" if question.truth else "false"
    if question.numeric is not None:
        return str(question.numeric.value)
    return (question.correct or ["?"])[0]


def wrong_answer(question: Question) -> str:
    if question.key_points:
        return "no idea at all"
    if question.truth is not None:
        return "false" if question.truth else "true"
    if question.numeric is not None:
        return "12345"
    return next(o.key for o in question.options or [] if o.key not in (question.correct or []))


@dataclass
class World:
    db: MemoryDatabase = field(default_factory=MemoryDatabase)
    clock: FixedClock = field(default_factory=lambda: FixedClock(utc(2025, 3, 12, 10, 0)))
    catalog: ListCatalog = field(default_factory=lambda: ListCatalog(sample_questions()))
    announcer: RecordingAnnouncer = field(default_factory=RecordingAnnouncer)
    seed: int = 7

    def service(self) -> PracticeService:
        """A fresh service over the same database: what a restarted process would build."""
        return PracticeService(self.db.uow, self.catalog, fake_grade, self.clock,
                               {"discord": self.announcer}, random.Random(self.seed))

    def now(self) -> datetime:
        return self.clock.now()


def player(user: str = "u1", team: str = "g1", platform: str = "discord", name: str | None = None) -> Player:
    return Player(platform, team, user, name or user.upper())
