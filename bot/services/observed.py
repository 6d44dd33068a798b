"""What an operator watches, read cheaply for ``/metrics`` (bot/metrics.py) and ``/healthz``."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import Ticket
from bot.db.models_schedule import ScheduledJob
from bot.services import jobs, outbox


async def ticket_counts(*, session: AsyncSession) -> list[tuple[str, str, int]]:
    """(community, status, count) for every pair present: one pass over ix_ticket_status."""
    rows = await session.execute(
        select(Ticket.community_id, Ticket.status, func.count()).group_by(Ticket.community_id, Ticket.status)
        .order_by(Ticket.community_id, Ticket.status))
    return [(c, s, int(n)) for c, s, n in rows.all()]


async def oldest_due_job_seconds(*, session: AsyncSession, now: datetime) -> float:
    """How long the oldest due, still pending job has waited (0 when none): the scheduler's lag."""
    oldest = await session.scalar(select(func.min(ScheduledJob.due_at))
                                  .where(ScheduledJob.status == jobs.PENDING, ScheduledJob.due_at <= now))
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return round(max(0.0, (now - oldest) / timedelta(seconds=1)), 1)


async def snapshot(*, session: AsyncSession, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {"tickets": await ticket_counts(session=session),
            "outbox": await outbox.stats(session=session, now=now),
            "oldest_job_seconds": await oldest_due_job_seconds(session=session, now=now)}
