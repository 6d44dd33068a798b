"""Durable due items (``scheduled_job``): add once by key, claim once by id.

Exactly-once without a leader: ``add`` inserts by a unique key (a second insert of
the same key is a no-op, also across processes), and ``claim`` is a conditional
UPDATE ``WHERE status = 'pending'`` run in the same transaction as the job's work
and its outbox rows. Of two processes that race for one row, PostgreSQL makes the
second wait for the first's commit and then match nothing; SQLite serialises the
writers (BEGIN IMMEDIATE). A job whose work fails is rolled back with its claim,
so it stays pending and is retried on the next tick, up to ``MAX_ATTEMPTS``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models_schedule import ScheduledJob
from bot.db.upsert import insert_ignore, prepared_insert_ignore

PENDING, DONE, SKIPPED, DROPPED, CANCELLED, FAILED = (
    "pending", "done", "skipped", "dropped", "cancelled", "failed",
)
MAX_ATTEMPTS = 5
_ADD_JOB = prepared_insert_ignore(ScheduledJob.__table__, returning=False)


async def add(
    *, session: AsyncSession, key: str, kind: str, community_id: str, due_at: datetime,
    ticket_id: int | None = None, notice_id: int | None = None,
) -> bool:
    """Insert a pending job unless one with this key exists; True when it was added.

    One statement; a concurrent transaction adding the same key makes this one add nothing.
    """
    return await insert_ignore(session, ScheduledJob.__table__, {
        "key": key, "kind": kind, "community_id": community_id, "due_at": due_at,
        "ticket_id": ticket_id, "notice_id": notice_id, "status": PENDING, "attempts": 0,
        "created_at": utcnow(),
    })


async def add_many(*, session: AsyncSession, items: list[dict]) -> None:
    """``add`` for several jobs in one statement (keys already taken are skipped)."""
    if not items:
        return
    now = utcnow()
    rows = [{"ticket_id": None, "notice_id": None, **item, "status": PENDING, "attempts": 0, "created_at": now}
            for item in items]
    await _ADD_JOB.run_many(session, rows)


async def due(*, session: AsyncSession, now: datetime, limit: int = 200) -> list[ScheduledJob]:
    return list(await session.scalars(
        select(ScheduledJob)
        .where(ScheduledJob.status == PENDING, ScheduledJob.due_at <= now)
        .order_by(ScheduledJob.due_at, ScheduledJob.id)
        .limit(limit)
    ))


async def claim(*, session: AsyncSession, job_id: int, now: datetime, status: str = DONE) -> bool:
    """Take a pending job for this transaction; False when another process already did."""
    result = await session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.id == job_id, ScheduledJob.status == PENDING)
        .values(status=status, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def set_status(*, session: AsyncSession, job_id: int, status: str) -> None:
    await session.execute(
        update(ScheduledJob).where(ScheduledJob.id == job_id).values(status=status)
        .execution_options(synchronize_session=False)
    )


async def record_failure(*, session: AsyncSession, job_id: int, error: str, now: datetime) -> None:
    job = await session.get(ScheduledJob, job_id)
    if job is None or job.status != PENDING:
        return
    job.attempts += 1
    job.last_error = error[:500]
    if job.attempts >= MAX_ATTEMPTS:
        job.status, job.finished_at = FAILED, now


async def cancel_pending(*, session: AsyncSession, notice_id: int | None = None,
                         ticket_id: int | None = None) -> int:
    query = update(ScheduledJob).where(ScheduledJob.status == PENDING)
    if notice_id is not None:
        query = query.where(ScheduledJob.notice_id == notice_id)
    if ticket_id is not None:
        query = query.where(ScheduledJob.ticket_id == ticket_id)
    result = await session.execute(query.values(status=CANCELLED).execution_options(synchronize_session=False))
    return result.rowcount or 0


async def of_ticket(*, session: AsyncSession, ticket_id: int) -> list[ScheduledJob]:
    return list(await session.scalars(
        select(ScheduledJob).where(ScheduledJob.ticket_id == ticket_id).order_by(ScheduledJob.id)))


class Batch:
    """What one rule wants to send, and whether it may break quiet hours."""

    __slots__ = ("messages", "urgent")

    def __init__(self, messages=None, *, urgent: bool = False) -> None:
        self.messages = list(messages or [])
        self.urgent = urgent


async def cancel_pending_key(*, session: AsyncSession, key: str) -> int:
    """Cancel one pending job by its key (a roll call closed before its reminder)."""
    result = await session.execute(update(ScheduledJob).where(ScheduledJob.key == key, ScheduledJob.status == PENDING)
                                   .values(status=CANCELLED).execution_options(synchronize_session=False))
    return result.rowcount or 0
