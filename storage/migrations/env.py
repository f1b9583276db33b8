"""Alembic environment: migrations run on a connection the app hands over (`storage.migrate`), or, for the
`alembic` command line, on an engine built from `sqlalchemy.url` / $INTERVIEW_BOT_DATABASE_URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from storage.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    from storage.database import create_engine_for, normalize_url

    engine = create_engine_for(normalize_url(context.config.get_main_option("sqlalchemy.url") or None))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def _run_offline() -> None:
    from storage.database import normalize_url

    context.configure(
        url=normalize_url(context.config.get_main_option("sqlalchemy.url") or None),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
elif context.is_offline_mode():
    _run_offline()
else:
    asyncio.run(_run_online())
