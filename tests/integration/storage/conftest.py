"""Fixtures for the storage tests: an open, migrated `Database` on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database, open_database


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await open_database(database_url)
    try:
        yield database
    finally:
        await database.close()
