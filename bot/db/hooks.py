"""Callbacks around the commit of a ``Database.transaction()``.

``after_commit``: for caching what a transaction read or wrote: a cache filled from a
transaction that then rolls back would hold rows that never existed.
``before_commit``: a last check inside the transaction, just before it commits, so that a
lock it takes is held only for the commit (see bot.services.duplicates); raising rolls back.
"""
from __future__ import annotations

from typing import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

ON_COMMIT = "gridbot_on_commit"
BEFORE_COMMIT = "gridbot_before_commit"


def before_commit(session: AsyncSession, check: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Await ``check(session)`` as the transaction's last statements (``Database.transaction`` only)."""
    session.info.setdefault(BEFORE_COMMIT, []).append(check)


async def run_before_commit(session: AsyncSession) -> None:
    for check in session.info.pop(BEFORE_COMMIT, ()):
        await check(session)


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call ``callback()`` once this transaction has committed (``Database.transaction`` only)."""
    session.info.setdefault(ON_COMMIT, []).append(callback)


def run_after_commit(session: AsyncSession) -> None:
    for callback in session.info.pop(ON_COMMIT, ()):
        callback()
