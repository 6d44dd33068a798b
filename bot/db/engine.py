"""Async engine and session factory for SQLite (embedded) and PostgreSQL."""
from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.db.checkpoint import BACKSTOP_PAGES, WalCheckpointer
from bot.db.directory_cache import DEFAULT_MAX_PEOPLE, DirectoryCache
from bot.db.directory_cache import SESSION_KEY as CACHE_KEY
from bot.db.hooks import after_commit  # noqa: F401 - re-exported
from bot.db.hooks import run_after_commit as _run_after_commit
from bot.db.hooks import run_before_commit as _run_before_commit
from bot.db.sqlite_inline import inline_creator

WRITE_OPTION = "gridbot_write"
# session.info key: on PostgreSQL, a small engine of its own for counters (bot.services.tickets
# next_number) that commit at once instead of holding a row lock until the caller commits.
COUNTERS_KEY = "gridbot_counters"
# One asyncio lock per (event loop, SQLite file): every engine on that file in this
# process queues on it, so none of them ever waits on the file lock inside the loop.
_SQLITE_WRITE_LOCKS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]]" = (
    weakref.WeakKeyDictionary()
)


def _sqlite_write_lock(path: str) -> asyncio.Lock:
    per_loop = _SQLITE_WRITE_LOCKS.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(os.path.abspath(path), asyncio.Lock())


def normalize_url(url: str) -> str:
    """Accept plain ``sqlite:///`` / ``postgresql://`` forms and pick the async drivers."""
    url = url.strip()
    for plain, async_form in (
        ("sqlite:///", "sqlite+aiosqlite:///"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return async_form + url[len(plain):]
    if url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return url
    raise ValueError(f"unsupported DATABASE_URL scheme: {url.split(':', 1)[0]!r}")


def is_sqlite(url: str) -> bool:
    return normalize_url(url).startswith("sqlite")


def _configure_sqlite(engine: AsyncEngine) -> None:
    # Take the write lock at BEGIN (BEGIN IMMEDIATE) so two writers never deadlock on
    # a read-to-write upgrade; sqlite3's own transaction handling is off
    # (isolation_level=None in bot.db.sqlite_inline) so SQLAlchemy's BEGIN is the one that runs.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - driver callback
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        # Checkpoints run on a background thread (bot.db.checkpoint); this is the backstop.
        cur.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):  # pragma: no cover - driver callback
        # Writers take the lock at BEGIN; readers use a deferred (snapshot) transaction,
        # which in WAL mode neither waits for nor blocks a writer.
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        # Straight to the driver: BEGIN returns nothing, so the statement machinery
        # (compile, cursor, result) would be pure cost on every transaction.
        conn.connection.driver_connection.execute_now("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database or ":memory:"
        engine = create_async_engine(url, async_creator=inline_creator(path))
        _configure_sqlite(engine)
        return engine
    return postgres_engine(url, pool_size=pool_size, max_overflow=pool_size)


def _server_closed(dbapi_connection) -> bool:
    return dbapi_connection.driver_connection.is_closed()


def postgres_engine(url: str, *, pool_size: int, max_overflow: int) -> AsyncEngine:
    """A PostgreSQL engine whose pool checks a connection without a round trip.

    SQLAlchemy's ``pool_pre_ping`` costs three round trips on asyncpg (BEGIN, an empty
    statement, ROLLBACK) at every checkout, that is every transaction: 6 of the 19
    statements of a resident's report. A connection the server closed (a restart, an
    idle timeout, pg_terminate_backend) is already seen as closed by asyncpg, whose
    protocol reads the end of the socket in the event loop, so the checkout asks it
    instead. A connection lost in the middle of a transaction fails that transaction;
    the dispatcher handles the message again on a fresh connection (bot.dispatch).
    """
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow)

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _alive(dbapi_connection, _record, _proxy):  # pragma: no cover - pool callback
        if _server_closed(dbapi_connection):
            raise DisconnectionError("the server closed this connection")

    return engine


async def _discard(session: AsyncSession) -> None:
    """Close a writer session, and the connection it was bound to if it had its own."""
    bind = session.bind
    with contextlib.suppress(Exception):
        await session.close()
    if isinstance(bind, AsyncConnection):
        with contextlib.suppress(Exception):
            await bind.close()


class Database:
    """The engine plus a session factory.

    SQLite allows one writer at a time; in one process the writers queue on an
    asyncio lock instead of spinning on the file lock, which keeps latency flat.
    PostgreSQL needs no such lock: row locks and conditional updates do the work.
    """

    def __init__(self, url: str, *, pool_size: int = 10, cache_people: int = DEFAULT_MAX_PEOPLE) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, pool_size=pool_size)
        # Rooms and roles, cached for every session of this database (bot.db.directory_cache).
        self.cache = DirectoryCache(max_people=cache_people)
        info: dict = {CACHE_KEY: self.cache}
        self.counters: AsyncEngine | None = None
        if not self.url.startswith("sqlite"):
            # Its own pool: a transaction waiting for a counter never waits for the pool it holds a connection of.
            self.counters = postgres_engine(self.url, pool_size=2, max_overflow=4)
            info[COUNTERS_KEY] = self.counters
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession, info=info)
        self._writers = async_sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False,
            class_=AsyncSession, info=info,
        )
        self._info = info
        self._idle_sessions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[AsyncSession]]" = (
            weakref.WeakKeyDictionary())
        self._pool_size = pool_size
        self.sqlite = self.url.startswith("sqlite")
        self._sqlite_path = make_url(self.url).database or ":memory:" if self.sqlite else None
        file_backed = self._sqlite_path not in (None, ":memory:", "")
        self.checkpointer = WalCheckpointer(self._sqlite_path) if file_backed else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed on success, rolled back on any error.

        Sessions are reused (see ``_unit``): nothing a transaction loaded survives it,
        and ``after_commit`` callbacks run once the commit is done."""
        if self._sqlite_path is not None:
            if self.checkpointer is not None:
                self.checkpointer.start()  # once; a no-op afterwards
            async with _sqlite_write_lock(self._sqlite_path):
                async with self._unit() as session:
                    yield session
        else:
            async with self._unit() as session:
                yield session

    @asynccontextmanager
    async def _unit(self) -> AsyncIterator[AsyncSession]:
        # Building and closing a session costs about as much as a short transaction, so
        # each loop keeps its idle writer sessions (one on SQLite, whose writers take turns;
        # up to the pool size on PostgreSQL), emptied after each commit, dropped after any
        # failure. The transaction begins with its first statement (autobegin): an explicit
        # begin() is one more round through the greenlet bridge.
        idle = self._idle_sessions.setdefault(asyncio.get_running_loop(), [])
        session = idle.pop() if idle else await self._new_writer()
        try:
            yield session
            await _run_before_commit(session)
            await session.commit()
        except BaseException:
            # Rolled back (a refusal, a bug, a cancellation): this session is not reused.
            await _discard(session)
            raise
        _run_after_commit(session)
        session.expunge_all()  # nothing read here outlives the transaction
        session.info.clear()
        session.info.update(self._info)
        if len(idle) < self._pool_size:
            idle.append(session)
        else:
            await _discard(session)

    async def _new_writer(self) -> AsyncSession:
        if self._sqlite_path is None:
            return self._writers()
        # SQLite's one writer keeps its connection: no pool checkout and return per message.
        connection = await self.engine.execution_options(**{WRITE_OPTION: True}).connect()
        return AsyncSession(bind=connection, expire_on_commit=False, info=dict(self._info))

    async def dispose(self) -> None:
        for sessions in list(self._idle_sessions.values()):
            for session in sessions:
                await _discard(session)
        self._idle_sessions.clear()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        if self.counters is not None:
            await self.counters.dispose()
        await self.engine.dispose()
