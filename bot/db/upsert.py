"""INSERT ... ON CONFLICT DO NOTHING for both databases, in one statement.

"Did this call insert the row?" is answered by RETURNING the primary key: the
driver's row count is not reliable for it (asyncpg reports 0 for an insert whose
key PostgreSQL returns implicitly), a returned row is.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.prepared import Prepared

# Built once per (dialect, table, returning): SQLAlchemy then reuses the compiled form.
_STATEMENTS: dict[tuple[str, str, bool], object] = {}


def _statement(dialect: str, table, returning: bool = True):
    key = (dialect, table.name, returning)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(table).on_conflict_do_nothing()
        if returning:
            stmt = stmt.returning(*table.primary_key.columns)
        _STATEMENTS[key] = stmt
    return stmt


async def insert_ignore(session: AsyncSession, table, values: dict) -> bool:
    """Insert a row unless its key exists; True when this call inserted it.

    One statement instead of SELECT-then-INSERT, and no IntegrityError (nor a
    savepoint to survive one) when a concurrent transaction inserts the same key.
    """
    result = await session.execute(_statement(session.bind.dialect.name, table), values)
    return result.first() is not None


def prepared_insert_ignore(table, *, returning: bool = True) -> Prepared:
    """``insert_ignore`` for a busy table, as a ``bot.db.prepared.Prepared`` statement: its
    result has a row when the row went in. ``returning=False`` for ``run_many``."""
    return Prepared(_statement("sqlite", table, returning), postgresql=_statement("postgresql", table, returning))
