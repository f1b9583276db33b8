"""Shared fixtures: a throwaway PostgreSQL server and a fresh database per test on SQLite and PostgreSQL.

`database_url` is parametrized over ["sqlite", "postgres"], so a test written once runs on both. The
PostgreSQL server is started once per session (only if a test asks for it) from the local installation;
when PostgreSQL is not installed those tests are skipped, except under CI=true where that is a failure.
Set INTERVIEW_BOT_TEST_POSTGRES_URL (a superuser DSN) to use an existing server instead.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.testing_pg import (
    PostgresCluster,
    PostgresUnavailable,
    create_database,
    drop_database,
    find_binaries,
    run_in_thread,
)

TEMPLATE_DB = "interview_bot_template"
_counter = itertools.count(1)


class ExternalServer:
    """An already running PostgreSQL server given by INTERVIEW_BOT_TEST_POSTGRES_URL."""

    def __init__(self, dsn: str) -> None:
        from sqlalchemy.engine import make_url

        self.base = make_url(dsn)

    def url(self, database: str = "postgres") -> str:
        url = self.base.set(drivername="postgresql+asyncpg", database=database)
        return url.render_as_string(hide_password=False)

    def create_database(self, name: str, template: str | None = None) -> str:
        create_database(self._admin_dsn(), name, template)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        drop_database(self._admin_dsn(), name)

    def _admin_dsn(self) -> str:
        admin = self.base.set(drivername="postgresql", database="postgres")
        return admin.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach the network: only 127.0.0.1, ::1 and Unix sockets can be connected to."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise ConnectionRefusedError(f"tests may only connect to loopback, not {host!r}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresCluster | ExternalServer]:
    """A PostgreSQL server for the session, with a migrated template database to copy per test."""
    external = os.environ.get("INTERVIEW_BOT_TEST_POSTGRES_URL", "").strip()
    if external:
        server: PostgresCluster | ExternalServer = ExternalServer(external)
    else:
        if find_binaries() is None:
            reason = "PostgreSQL is not installed (no initdb), PostgreSQL tests need it"
            if _ci():
                pytest.fail(reason + " and CI=true requires them", pytrace=False)
            pytest.skip(reason)
        try:
            server = PostgresCluster.start()
        except PostgresUnavailable as err:
            pytest.fail(f"could not start a throwaway PostgreSQL cluster: {err}", pytrace=False)
    try:
        server.drop_database(TEMPLATE_DB)
        run_in_thread(_migrate(server.create_database(TEMPLATE_DB)))
        yield server
    finally:
        if isinstance(server, PostgresCluster):
            server.stop()
        else:
            server.drop_database(TEMPLATE_DB)


async def _migrate(url: str) -> None:
    from storage.database import open_database

    database = await open_database(url)
    await database.close()


def _postgres_database(server: PostgresCluster | ExternalServer, template: str | None) -> Iterator[str]:
    name = f"t{os.getpid()}_{next(_counter)}"
    url = server.create_database(name, template=template)
    try:
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test: a SQLite file in tmp_path, or a new PostgreSQL database copied from the
    migrated template (so `open_database` finds the schema in place)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    yield from _postgres_database(server, TEMPLATE_DB)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Like `database_url`, but with no schema at all (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    yield from _postgres_database(server, None)
