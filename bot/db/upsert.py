"""INSERT ... ON CONFLICT DO NOTHING for both databases, in one statement."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignore(session: AsyncSession, table, values: dict) -> bool:
    """Insert a row unless its key exists; True when this call inserted it.

    One statement instead of SELECT-then-INSERT, and no IntegrityError (nor a
    savepoint to survive one) when a concurrent transaction inserts the same key.
    """
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = await session.execute(insert(table).values(**values).on_conflict_do_nothing())
    return result.rowcount == 1
