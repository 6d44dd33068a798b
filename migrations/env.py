"""Alembic environment. The bot passes an open connection (``bot.db.migrate``);
the alembic command line builds an engine from DATABASE_URL."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlmodel import SQLModel

import bot.db.models  # noqa: F401 - registers the tables on SQLModel.metadata
from bot.config import get_settings
from bot.db.engine import make_engine

target_metadata = SQLModel.metadata


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = make_engine(get_settings().database_url)
    async with engine.connect() as conn:
        await conn.run_sync(run_with)
        await conn.commit()
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    asyncio.run(run_online())
