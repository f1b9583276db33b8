"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, started on a free
port of 127.0.0.1, removed when stopped.

The binaries come from PATH or Debian's /usr/lib/postgresql/<version>/bin. initdb refuses to run as
root, so as root the cluster belongs to the `postgres` user and its commands run through `runuser`.
Nothing here runs at import time; `find_binaries()` returns None when PostgreSQL is not installed, and
the caller decides whether that means skip or fail.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SUPERUSER = "postgres"
FAST_UNSAFE = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
"""Settings for tests: durability is pointless for a cluster deleted afterwards."""


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed, or the cluster would not start (the message says which)."""


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.parent.name.split(".")],
    )
    for path in reversed(candidates):
        folder = Path(path).parent
        if (folder / "pg_ctl").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a private event loop in another thread, so synchronous code
    (pytest fixtures, setup scripts) can use asyncpg without touching the caller's event loop."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as err:  # re-raised in the caller's thread
            result["error"] = err

    thread = threading.Thread(target=target, name="pg-admin")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    value: T = result["value"]
    return value


@dataclass
class PostgresCluster:
    """A running throwaway cluster; `stop()` shuts it down and deletes its files."""

    bin_dir: Path
    root: Path
    port: int
    as_postgres_user: bool

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database of this cluster (trust authentication, no password)."""
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """The plain libpq/asyncpg DSN of a database of this cluster."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls, settings: Sequence[str] = FAST_UNSAFE, bin_dir: Path | None = None) -> PostgresCluster:
        """initdb + pg_ctl start on a free port. Raises `PostgresUnavailable` with the reason."""
        folder = bin_dir or find_binaries()
        if folder is None:
            raise PostgresUnavailable("PostgreSQL is not installed: no initdb found")
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="interview-bot-pg-"))
        cluster = cls(folder, root, free_port(), as_root)
        try:
            if as_root:
                import pwd

                entry = pwd.getpwnam(SUPERUSER)
                os.chown(root, entry.pw_uid, entry.pw_gid)
            cluster._run(["initdb", "-D", str(cluster.data_dir), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                          "--locale=C", "-N"])
            options = [f"-k {root}", f"-p {cluster.port}", "-c listen_addresses=127.0.0.1"]
            options += [f"-c {s}" for s in settings]
            cluster._run(["pg_ctl", "-D", str(cluster.data_dir), "-o", " ".join(options),
                          "-l", str(root / "server.log"), "-w", "-t", "60", "start"])
        except BaseException:
            cluster._remove()
            raise
        return cluster

    def _run(self, argv: list[str]) -> None:
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if self.as_postgres_user:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.root)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{argv[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}\n{tail}"
            )

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is worth keeping) and delete its files."""
        try:
            if self.data_dir.exists():
                self._run(["pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])
        finally:
            self._remove()

    def _remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE `name` (optionally a copy of `template`); returns its SQLAlchemy URL."""
        create_database(self.dsn(), name, template)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        drop_database(self.dsn(), name)


async def _create(admin_dsn: str, name: str, template: str | None) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_dsn)
    try:
        statement = f'CREATE DATABASE "{name}"'
        if template:
            statement += f' TEMPLATE "{template}"'
            if int(await connection.fetchval("SHOW server_version_num")) >= 150000:
                statement += " STRATEGY FILE_COPY"  # copying files beats WAL-logging a small template
        await connection.execute(statement)
    finally:
        await connection.close()


async def _drop(admin_dsn: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def create_database(admin_dsn: str, name: str, template: str | None = None) -> None:
    """CREATE DATABASE through a superuser DSN (asyncpg on a private loop, callable from sync code)."""
    _check_name(name)
    if template:
        _check_name(template)
    run_in_thread(_create(admin_dsn, name, template))


def drop_database(admin_dsn: str, name: str) -> None:
    _check_name(name)
    run_in_thread(_drop(admin_dsn, name))


def _check_name(name: str) -> None:
    if not name.replace("_", "").isalnum() or len(name) > 60:
        raise ValueError(f"unsafe database name {name!r}")
