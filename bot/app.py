"""The composition root: settings → database → question store → practice service.

The only place that knows every concrete part. Adapters and the scheduler (later issues) are added here;
nothing is built at import time, and heavy imports (SQLAlchemy, the packs) happen when an app is built.
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
    from questions.store import QuestionStore
    from storage.database import Database


@dataclass
class App:
    """Everything a running bot holds; `close()` releases the database."""

    settings: Settings
    database: Database
    questions: QuestionStore
    service: PracticeService

    async def close(self) -> None:
        await self.database.close()


async def build_app(settings: Settings | None = None, clock: Clock | None = None) -> App:
    """Open (and migrate) the database, load the question bank and build the service.

    Raises `StorageUnavailable` or `InvalidInput` (from storage) with a one-line message when the database
    cannot be used, and the store's `PackLoadError` when the shipped packs are broken.
    """
    from bot.core.checking import check
    from bot.pack_archive import FilePackArchive
    from questions.store import QuestionStore
    from storage.database import open_database

    effective = settings or load_settings()
    if not (effective.database_url or "").strip():
        folder = effective.resolved_data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            reason = err.strerror or str(err)
            raise StorageUnavailable(f"Cannot create the data folder {folder}: {reason}") from None
    database = await open_database(effective.resolved_database_url())
    try:
        questions = QuestionStore.load_default()
    except BaseException:
        await database.close()
        raise
    archive = FilePackArchive(effective.resolved_data_dir() / "packs")
    service = PracticeService(
        database.uow_factory, questions, check, clock, packs=questions, pack_archive=archive
    )
    if service.packs is not None:
        try:
            await service.packs.restore()
        except OSError as err:  # an unreadable archive must not stop the bot; the shipped packs still work
            log.warning("uploaded packs not restored from %s: %s", archive.folder, err)
    return App(effective, database, questions, service)


@asynccontextmanager
async def running_app(settings: Settings | None = None, clock: Clock | None = None) -> AsyncIterator[App]:
    """`async with running_app() as app:` builds the app and always closes it."""
    app = await build_app(settings, clock)
    try:
        yield app
    finally:
        await app.close()
