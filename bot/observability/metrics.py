"""Prometheus metrics of one bot process, fed from outside the core.

The core never imports prometheus: answers are counted by the service's answer listener (`count_answer`,
called once per stored answer after its transaction committed, so a group-commit batch redone one by one
does not count twice), grading time by wrapping the grader port (`instrument_grader`), daily posts by
the scheduler's outcome (`daily_post`), errors by a logging handler that counts warnings and errors by
area (`error_counter`). Each `BotMetrics` owns its registry, so tests and several apps in one process
never share counters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.core.checking.grade import Grade
from bot.core.errors import StorageUnavailable
from bot.core.model import Attempt
from questions.schema import Question

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
GRADING_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
Grader = Callable[[Question, str], Grade]
DAILY_OUTCOMES = ("posted", "already", "pending", "skipped", "retry")

# Logger name prefix → the `kind` label of interview_bot_errors_total (first match wins).
AREAS: tuple[tuple[str, str], ...] = (
    ("bot.discord_adapter", "discord"),
    ("discord", "discord"),
    ("bot.slack_adapter", "slack"),
    ("slack_bolt", "slack"),
    ("slack_sdk", "slack"),
    ("bot.scheduler", "scheduler"),
    ("bot.schedule_runner", "scheduler"),
    ("bot.fanout", "scheduler"),
    ("apscheduler", "scheduler"),
    ("storage", "database"),
    ("sqlalchemy", "database"),
    ("asyncpg", "database"),
    ("alembic", "database"),
    ("bot.core", "core"),
    ("bot.observability", "observability"),
    ("aiohttp", "http"),
)


def area_of(logger_name: str) -> str:
    """The error kind for a logger: its area (discord, slack, scheduler, database, core, ...)."""
    for prefix, area in AREAS:
        if logger_name == prefix or logger_name.startswith(prefix + "."):
            return area
    return "other"


class BotMetrics:
    """The process's metrics; `render()` is the `/metrics` body."""

    def __init__(self, slow_ms: float = 250.0, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.slow_seconds = slow_ms / 1000.0
        self.answers = Counter(
            "interview_bot_answers_graded", "Answers graded and stored, by question kind and verdict.",
            ["kind", "verdict"], registry=self.registry,
        )
        self.grading_seconds = Histogram(
            "interview_bot_grading_seconds", "Time the checker took per answer, by question kind.",
            ["kind"], buckets=GRADING_BUCKETS, registry=self.registry,
        )
        self.daily_posts = Counter(
            "interview_bot_daily_posts", "Daily-question post attempts, by outcome "
            "(posted, already, pending, skipped, retry).", ["outcome"], registry=self.registry,
        )
        for outcome in DAILY_OUTCOMES:  # present from the start, so rate() and alerts see a 0
            self.daily_posts.labels(outcome=outcome)
        self.errors = Counter(
            "interview_bot_errors", "Warnings and errors, by area (kind) and log level.",
            ["kind", "level"], registry=self.registry,
        )
        self.leader = Gauge(
            "interview_bot_scheduler_leader", "1 when this process schedules the platform's daily posts.",
            ["platform"], registry=self.registry,
        )
        self.started = Gauge(
            "interview_bot_start_time_seconds", "When this process started (Unix time).",
            registry=self.registry,
        )
        self.started.set(time.time())

    def instrument_grader(self, grader: Grader) -> Grader:
        """`grader` timing each grade (and counting its failures); a grade slower than `slow_ms` is logged
        with the question id and kind (never the answer). Answers are counted by `count_answer`."""

        def graded(question: Question, answer: str) -> Grade:
            kind = str(getattr(question.kind, "value", question.kind))
            started = time.perf_counter()
            try:
                grade = grader(question, answer)
            except Exception:
                self.errors.labels(kind="grading", level="error").inc()
                raise
            elapsed = time.perf_counter() - started
            self.grading_seconds.labels(kind=kind).observe(elapsed)
            if elapsed > self.slow_seconds:
                log.warning("slow grade: question %s (%s) took %.0f ms for %d characters",
                            question.id, kind, elapsed * 1000, len(answer))
            return grade

        return graded

    def count_answer(self, attempt: Attempt, question: Question) -> None:
        """The service's answer listener: one stored answer, by question kind and verdict."""
        kind = str(getattr(question.kind, "value", question.kind))
        self.answers.labels(kind=kind, verdict=str(getattr(attempt.verdict, "value", attempt.verdict))).inc()

    def daily_post(self, outcome: str) -> None:
        self.daily_posts.labels(outcome=outcome).inc()

    def error(self, kind: str, level: str = "error") -> None:
        self.errors.labels(kind=kind, level=level).inc()

    def set_leader(self, platform: str, leading: bool) -> None:
        self.leader.labels(platform=platform).set(1 if leading else 0)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)

    def error_counter(self) -> logging.Handler:
        """A logging handler (level WARNING) counting records by area; install it on the root logger."""
        return _ErrorCounter(self)


class _ErrorCounter(logging.Handler):
    def __init__(self, metrics: BotMetrics) -> None:
        super().__init__(logging.WARNING)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        kind = "database" if isinstance(error, StorageUnavailable) else area_of(record.name)
        try:
            self.metrics.error(kind, record.levelname.lower())
        except Exception:  # counting must never break logging
            self.handleError(record)
