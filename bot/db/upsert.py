"""INSERT ... ON CONFLICT DO NOTHING for both databases, in one statement."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.prepared import Prepared

# Built once per (dialect, table): SQLAlchemy then reuses the compiled form.
_STATEMENTS: dict[tuple[str, str], object] = {}


def _statement(dialect: str, table):
    key = (dialect, table.name)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = _STATEMENTS[key] = insert(table).on_conflict_do_nothing()
    return stmt


async def insert_ignore(session: AsyncSession, table, values: dict) -> bool:
    """Insert a row unless its key exists; True when this call inserted it.

    One statement instead of SELECT-then-INSERT, and no IntegrityError (nor a
    savepoint to survive one) when a concurrent transaction inserts the same key.
    """
    result = await session.execute(_statement(session.bind.dialect.name, table), values)
    return result.rowcount == 1


async def insert_many_ignore(session: AsyncSession, table, rows: list[dict]) -> None:
    """``insert_ignore`` for several rows in one round trip."""
    if rows:
        await session.execute(_statement(session.bind.dialect.name, table), rows)


def prepared_insert_ignore(table) -> Prepared:
    """``insert_ignore`` for a busy table, as a ``bot.db.prepared.Prepared`` statement."""
    return Prepared(_statement("sqlite", table), postgresql=_statement("postgresql", table))
