"""Callbacks that run once a ``Database.transaction()`` has committed.

For caching what a transaction read or wrote: a cache filled from a transaction that
then rolls back would hold rows that never existed.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.ext.asyncio import AsyncSession

ON_COMMIT = "gridbot_on_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call ``callback()`` once this transaction has committed (``Database.transaction`` only)."""
    session.info.setdefault(ON_COMMIT, []).append(callback)


def run_after_commit(session: AsyncSession) -> None:
    for callback in session.info.pop(ON_COMMIT, ()):
        callback()
