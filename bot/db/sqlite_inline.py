"""SQLite for SQLAlchemy's async engine without a thread hop per call.

SQLAlchemy's ``sqlite+aiosqlite`` dialect drives aiosqlite, which runs every cursor
call (execute, fetch, close) on a worker thread and wakes the event loop for each
result: three or four loop round trips per statement. Measured here, that made a
``SELECT 1`` cost ~300 µs against ~35 µs for the same call made directly, and it
was most of the bot's per-message cost.

A statement on a local SQLite file takes microseconds, so this adapter gives the
aiosqlite dialect a connection whose coroutines complete at once: SQLAlchemy's
greenlet bridge then never yields to the loop for a database call. In exchange a
call that waits on the file lock blocks the loop, so this is for the embedded,
single-process default: in one process the bot's writers queue on an asyncio lock
(``bot.db.engine.Database``) and never wait on the file lock; several processes
belong on PostgreSQL.
"""
from __future__ import annotations

import sqlite3
from typing import Any


class _Cursor:
    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    # The adapter enters the object returned by connection.cursor().
    async def __aenter__(self) -> "_Cursor":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._cursor.close()

    @property
    def description(self):
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self):
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, operation: str, parameters: Any = None) -> "_Cursor":
        if parameters is None:
            self._cursor.execute(operation)
        else:
            self._cursor.execute(operation, parameters)
        return self

    async def executemany(self, operation: str, seq_of_parameters: Any) -> "_Cursor":
        self._cursor.executemany(operation, seq_of_parameters)
        return self

    async def fetchone(self):
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None):
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self):
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def setinputsizes(self, *sizes: Any) -> None:
        return None


class InlineConnection:
    """The subset of ``aiosqlite.Connection`` that SQLAlchemy's adapter calls."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection = connection  # the adapter checks it is still open

    @property
    def isolation_level(self):
        return self._conn.isolation_level

    def cursor(self) -> _Cursor:
        return _Cursor(self._conn.cursor())

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection itself (bot.db.prepared runs busy statements on it)."""
        return self._conn

    def execute_now(self, sql: str) -> None:
        """Run a statement that returns no rows (BEGIN), synchronously."""
        self._conn.execute(sql)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()
        self._connection = None

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)


def inline_creator(path: str, *, timeout: float = 10.0):
    """An ``async_creator`` for ``create_async_engine``."""

    async def connect() -> InlineConnection:
        # isolation_level=None: SQLAlchemy's "begin" event issues BEGIN IMMEDIATE itself.
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        return InlineConnection(conn)

    return connect
