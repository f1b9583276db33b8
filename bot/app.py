"""The composition root: settings → database → question store → practice service.

The only place that knows every concrete part of the practice app; `bot.run` adds the platforms, the
scheduler and the health/metrics server on top of it. Nothing is built at import time, and heavy imports
(SQLAlchemy, the packs) happen when an app is built.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Settings, load_settings
from bot.core.errors import StorageUnavailable
from bot.core.ports import Clock
from bot.core.service import PracticeService

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.observability.metrics import BotMetrics
    from questions.store import QuestionStore
    from storage.database import Database, DatabaseSettings


@dataclass
class App:
    """Everything a running bot holds; `close()` releases the database."""

    settings: Settings
    database: Database
    questions: QuestionStore
    service: PracticeService

    async def close(self) -> None:
        await self.database.close()


async def build_app(
    settings: Settings | None = None, clock: Clock | None = None, *, metrics: BotMetrics | None = None
) -> App:
    """Open the database and bring its schema to the latest migration, load the question bank and build
    the service. With `metrics`, every graded answer is counted and timed (the grader port is wrapped;
    the core knows nothing of it). Platform redeliveries are de-duplicated in the database, so several
    processes behind a load balancer handle a retried Slack request once.

    Raises `StorageUnavailable` or `InvalidInput` (from storage) with a one-line message when the database
    cannot be used, and the store's `PackLoadError` when the shipped packs are broken.
    """
    from bot.core.checking import check
    from bot.pack_archive import warn_about_legacy_files
    from questions.store import QuestionStore
    from storage.database import open_database
    from storage.deliveries import SqlDeliveryLedger

    effective = settings or load_settings()
    if not (effective.database_url or "").strip():
        folder = effective.resolved_data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            reason = err.strerror or str(err)
            raise StorageUnavailable(f"Cannot create the data folder {folder}: {reason}") from None
    database = await open_database(effective.resolved_database_url(), settings=database_settings(effective))
    log.info("database %s ready, schema at the latest migration", database.display_url)
    try:
        questions = QuestionStore.load_default()
    except BaseException:
        await database.close()
        raise
    grader = metrics.instrument_grader(check) if metrics is not None else check
    # Uploaded packs live in the database, per team; `packs=` gives every team its own question scope.
    ledger = SqlDeliveryLedger(database)
    service = PracticeService(
        database.uow_factory, questions, grader, clock, packs=questions, deliveries=ledger
    )
    if metrics is not None:
        service.add_answer_listener(metrics.count_answer)
    warn_about_legacy_files(effective.resolved_data_dir())
    return App(effective, database, questions, service)


def database_settings(settings: Settings) -> DatabaseSettings:
    """The storage's pool and timeout knobs from the `INTERVIEW_BOT_DATABASE__*` section."""
    from storage.database import DatabaseSettings

    section = settings.database
    return DatabaseSettings(
        pool_size=section.pool_size,
        max_overflow=section.max_overflow,
        pool_timeout_s=section.pool_timeout_seconds,
        busy_timeout_s=section.busy_timeout_seconds,
        connect_timeout_s=section.connect_timeout_seconds,
        echo=section.echo,
    )


@asynccontextmanager
async def running_app(settings: Settings | None = None, clock: Clock | None = None) -> AsyncIterator[App]:
    """`async with running_app() as app:` builds the app and always closes it."""
    app = await build_app(settings, clock)
    try:
        yield app
    finally:
        await app.close()
