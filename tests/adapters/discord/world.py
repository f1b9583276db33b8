"""The real stack behind the fake Discord: SQLite through the storage layer, the real checker and service,
a small question pack, and a clock the tests move by hand."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord

from bot.core.checking import check
from bot.core.model import Player
from bot.core.service import PracticeService
from bot.discord_adapter import DiscordSettings, build_discord_client
from questions.schema import Difficulty, KeyPoint, Kind, Option, Pack, Question, Topic
from questions.store import QuestionStore
from storage.database import Database
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.payloads import FakeUser

CHOICE = Question(
    id="dl-choice-1",
    prompt="Which layer shares its weights across spatial positions?",
    kind=Kind.CHOICE,
    reference_answer="The convolutional layer.",
    explanation="A convolution slides one kernel over the whole input.",
    topics=[Topic.CNN],
    difficulty=Difficulty.FRESHER,
    options=[
        Option(key="a", text="Dense"),
        Option(key="b", text="Convolutional"),
        Option(key="c", text="Softmax"),
    ],
    correct=["b"],
)
OPEN = Question(
    id="dl-open-1",
    prompt="Why do LSTMs train better than plain RNNs on long sequences?",
    kind=Kind.OPEN,
    reference_answer="Gates let the cell state carry information, so gradients do not vanish over long spans",
    explanation="The additive cell-state path keeps gradients alive.",
    topics=[Topic.CNN, Topic.RNN_LSTM],
    difficulty=Difficulty.EXPERIENCED,
    key_points=[
        KeyPoint(text="gates control what the cell state keeps", phrasings=["gating", "gates"]),
        KeyPoint(text="gradients do not vanish", phrasings=["avoids vanishing gradients"]),
    ],
)
TRUE_FALSE = Question(
    id="dl-tf-1",
    prompt="Dropout is a regulariser.",
    kind=Kind.TRUE_FALSE,
    reference_answer="True.",
    topics=[Topic.REGULARIZATION],
    difficulty=Difficulty.FRESHER,
    truth=True,
)
GOOD_OPEN_ANSWER = (
    "The gates control what the cell state keeps, so gradients do not vanish over long sequences."
)


def pack() -> Pack:
    return Pack(pack="discord-tests", title="Discord adapter tests", questions=[CHOICE, OPEN, TRUE_FALSE])


@dataclass
class Clock:
    current: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@dataclass
class World:
    fake: FakeDiscord
    database: Database
    store: QuestionStore
    service: PracticeService
    clock: Clock
    state_dir: Path

    def player(self, user: FakeUser) -> Player:
        return Player("discord", str(self.fake.guild_id), str(user.id), user.name)

    def settings(self) -> DiscordSettings:
        return DiscordSettings(token=self.fake.token, state_dir=self.state_dir, guild_ready_timeout=0.05)

    def client(self, **settings: Any) -> discord.Client:
        chosen = self.settings()
        if settings:
            chosen = DiscordSettings(**{**chosen.__dict__, **settings})
        return build_discord_client(self.service, chosen)


def build_service(database: Database, clock: Clock) -> tuple[QuestionStore, PracticeService]:
    store = QuestionStore([pack()])
    return store, PracticeService(
        database.uow_factory, store, check, clock, rng=random.Random(7), packs=store
    )
