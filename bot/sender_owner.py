"""Who holds outbox rows, and whether that holder is still alive (issue 15, item 7).

A sender marks the rows it is sending with its *owner id*. The bot's owner id is
stable across restarts of the same deployment (``Settings.outbox_owner``, by default
host name, transport and port), so a restarted process knows the rows its previous
incarnation left in 'sending' and takes them back at once.

On PostgreSQL several processes may share the database, so "the holder died" must be
observable from outside: each sender holds a *session-level advisory lock* keyed by
its owner id on a dedicated connection for as long as it lives. The server drops that
lock the moment the process's connection goes away (a crash, ``kill -9``, a lost
host), so another sender that can take the same key (``pg_try_advisory_xact_lock``
inside its recovery transaction) knows the holder is gone and recovers its rows
straight away, with no lease to wait out. SQLite is one process: at start every row
in 'sending' belongs to a dead process.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.db.engine import Database

log = logging.getLogger(__name__)

_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_TRY_XACT_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")


def default_owner(transport: str, port: int) -> str:
    """One deployment on one host: the same id after every restart."""
    return f"{socket.gethostname()}:{transport}:{port}"


def random_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lock_key(owner: str) -> int:
    """A signed 64-bit advisory-lock key for an owner id (namespaced, so other locks do not collide)."""
    digest = hashlib.blake2b(f"gridbot-outbox:{owner}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class OwnerLock:
    """Holds this sender's liveness lock on PostgreSQL; a no-op on SQLite."""

    def __init__(self, db: Database, owner: str) -> None:
        self.db, self.owner = db, owner
        self.exclusive = False  # True: never fall back to a fresh id (see ``acquire``)
        self._conn: AsyncConnection | None = None

    @property
    def needed(self) -> bool:
        return not self.db.sqlite

    @property
    def held(self) -> bool:
        return not self.needed or self._conn is not None

    async def acquire(self, *, wait: float = 5.0) -> str:
        """Take the lock for ``owner``; returns the owner id to use.

        A previous incarnation's lock disappears with its connection, and another
        sender's recovery holds the key only for one transaction, so a short wait is
        enough. If a live process really uses the same id (a configuration mistake),
        this sender takes a fresh, unique id instead and says so."""
        if not self.needed:
            return self.owner
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            if await self._try(self.owner):
                return self.owner
            if asyncio.get_running_loop().time() >= deadline:
                break
            await asyncio.sleep(0.1)
        if self.exclusive:  # an account's sender: wait for the live one to go, never send beside it
            raise RuntimeError(f"outbox owner {self.owner!r} is held by another live process; waiting")
        fresh = f"{self.owner}:{uuid.uuid4().hex[:6]}"
        log.error("outbox owner %r is held by another live process; this one sends as %r "
                  "(set OUTBOX_OWNER to a distinct name per process)", self.owner, fresh)
        if not await self._try(fresh):
            raise RuntimeError(f"could not take the outbox owner lock for {fresh!r}")
        self.owner = fresh
        return fresh

    async def _try(self, owner: str) -> bool:
        conn = await self.db.engine.connect()
        try:
            got = bool(await conn.scalar(_TRY_LOCK, {"key": lock_key(owner)}))
            await conn.commit()  # the lock is the session's; no transaction stays open
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def check(self) -> bool:
        """Is the lock still ours (its connection alive)? Re-take it if the connection dropped."""
        if not self.needed:
            return True
        if self._conn is not None:
            try:
                await self._conn.scalar(text("SELECT 1"))
                await self._conn.commit()
                return True
            except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
                log.error("outbox owner %r lost its liveness connection; taking the lock again", self.owner)
                await self._close()
        try:
            return await self._try(self.owner)
        except Exception:  # noqa: BLE001 - the database is unreachable; try again later
            return False

    async def release(self) -> None:
        await self._close()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()  # closing the session releases the advisory lock
            except Exception:  # noqa: BLE001
                pass


async def dead_owners(*, session: AsyncSession, owners: list[str]) -> list[str]:
    """Those of ``owners`` (other senders' ids) whose process is gone, on PostgreSQL.

    Taking a holder's key succeeds only when no live session holds it; the transaction
    lock keeps that holder from coming back mid-recovery and is released at commit."""
    dead = []
    for owner in owners:
        if await session.scalar(_TRY_XACT_LOCK, {"key": lock_key(owner)}):
            dead.append(owner)
    return dead
