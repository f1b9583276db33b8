"""Metrics: the wrapped grader counts answers by kind and verdict and times them, errors are counted by
area, and an answer given through the composed app shows up on `/metrics`."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import build_app
from bot.config import Settings
from bot.core.checking import Verdict, check
from bot.core.checking.grade import Grade
from bot.core.errors import StorageUnavailable
from bot.core.model import Player
from bot.observability.health import HealthChecks
from bot.observability.metrics import DAILY_OUTCOMES, BotMetrics, area_of
from bot.observability.server import serve_observability
from questions.schema import Kind, Question
from questions.store import QuestionStore


def total(metrics: BotMetrics, name: str, **labels: str) -> float:
    found = 0.0
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                found += sample.value
    return found


@pytest.fixture(scope="module")
def bank() -> QuestionStore:
    return QuestionStore.load_default()


def first_of(bank: QuestionStore, kind: Kind) -> Question:
    return next(q for q in bank.all() if q.kind is kind)


def test_grades_are_timed_by_kind_and_stored_answers_counted_by_kind_and_verdict(bank: QuestionStore) -> None:
    metrics = BotMetrics()
    grade = metrics.instrument_grader(check)
    choice = first_of(bank, Kind.CHOICE)
    right = grade(choice, ", ".join(choice.correct or []))
    wrong = grade(choice, "I have no idea")
    assert right.verdict is Verdict.CORRECT and wrong.verdict is Verdict.INCORRECT
    assert total(metrics, "interview_bot_grading_seconds_count", kind="choice") == 2
    assert total(metrics, "interview_bot_grading_seconds_sum") > 0
    assert total(metrics, "interview_bot_answers_graded_total") == 0  # graded is not stored yet

    open_question = first_of(bank, Kind.OPEN)
    for question, verdict in ((choice, "correct"), (choice, "incorrect"), (open_question, "partial")):
        stored = SimpleNamespace(verdict=Verdict(verdict))
        metrics.count_answer(stored, question)  # type: ignore[arg-type]  # only the verdict is read
    assert total(metrics, "interview_bot_answers_graded_total", kind="choice", verdict="correct") == 1
    assert total(metrics, "interview_bot_answers_graded_total", kind="choice", verdict="incorrect") == 1
    assert total(metrics, "interview_bot_answers_graded_total", kind="open", verdict="partial") == 1


def test_a_slow_grade_is_logged_without_the_answer(
    bank: QuestionStore, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = BotMetrics(slow_ms=1e-9)
    question = first_of(bank, Kind.OPEN)
    with caplog.at_level(logging.WARNING, logger="bot.observability.metrics"):
        metrics.instrument_grader(check)(question, "gradients vanish through saturating units quokka")
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert question.id in message and "quokka" not in message


def test_a_failing_grader_counts_an_error_and_still_raises(bank: QuestionStore) -> None:
    def broken(_question: Question, _answer: str) -> Grade:
        raise ValueError("bug")

    metrics = BotMetrics()
    with pytest.raises(ValueError):
        metrics.instrument_grader(broken)(first_of(bank, Kind.CHOICE), "a")
    assert total(metrics, "interview_bot_errors_total", kind="grading") == 1
    assert total(metrics, "interview_bot_answers_graded_total") == 0


def test_warnings_and_errors_are_counted_by_area() -> None:
    metrics = BotMetrics()
    log = logging.getLogger("metrics-test")
    handler = metrics.error_counter()
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("no area")
        log.info("not counted")
        try:
            raise StorageUnavailable("database down")
        except StorageUnavailable:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    assert total(metrics, "interview_bot_errors_total", kind="other", level="warning") == 1
    assert total(metrics, "interview_bot_errors_total", kind="database", level="error") == 1
    names = ("bot.slack_adapter.deps", "discord.gateway", "bot.scheduler", "storage.errors", "bot.core.daily",
             "bot.discord_adapterx")
    assert [area_of(n) for n in names] == ["slack", "discord", "scheduler", "database", "core", "other"]


async def test_an_answer_through_the_app_shows_on_the_metrics_endpoint(tmp_path: Path) -> None:
    metrics = BotMetrics()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", data_dir=tmp_path)
    app = await build_app(settings, metrics=metrics)
    served = await serve_observability(HealthChecks(), metrics, "127.0.0.1", 0)
    try:
        player = Player("console", "local", "ann", "Ann")
        view = await app.service.start_quiz(player, kind="numeric", count=1)
        await app.service.submit(player, "42", view.question.id)
        async with aiohttp.ClientSession() as session, session.get(f"{served.url}/metrics") as response:
            body = await response.text()
            content_type = response.headers["Content-Type"]
    finally:
        await served.stop()
        await app.close()
    assert content_type.startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(body) for s in f.samples}
    graded = {labels: value for (name, labels), value in samples.items()
              if name == "interview_bot_answers_graded_total"}
    assert sum(graded.values()) == 1
    assert all(dict(labels)["kind"] == "numeric" for labels in graded)


def test_every_scheduler_outcome_is_a_daily_posts_label_from_the_start() -> None:
    from bot.scheduler_settings import Outcome

    metrics = BotMetrics()
    assert set(DAILY_OUTCOMES) == {o.value for o in Outcome}
    text = metrics.render().decode()
    assert all(f'interview_bot_daily_posts_total{{outcome="{o}"}} 0.0' in text for o in DAILY_OUTCOMES)
