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


async def account_backlogs(*, session: AsyncSession, now: datetime) -> list[tuple[str, str, int, float]]:
    """(account, state, rows waiting, age of its oldest due row in seconds) for every account (issue 16)."""
    from bot.db.models import OutboxMessage
    from bot.db.models_accounts import Account

    waiting = {a: (int(n), oldest) for a, n, oldest in (await session.execute(
        select(OutboxMessage.account_id, func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == "pending",
               (OutboxMessage.not_before.is_(None)) | (OutboxMessage.not_before <= now))
        .group_by(OutboxMessage.account_id))).all()}
    found = []
    for account_id, state in (await session.execute(select(Account.id, Account.state).order_by(Account.id))).all():
        count, oldest = waiting.pop(account_id, (0, None))
        found.append((account_id, state, count, _age(now, oldest)))
    for account_id, (count, oldest) in sorted(waiting.items()):  # rows of an account with no record
        found.append((account_id, "unknown", count, _age(now, oldest)))
    return found


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:
        then = then.replace(tzinfo=now.tzinfo)
    return round(max(0.0, (now - then) / timedelta(seconds=1)), 1)


async def snapshot(*, session: AsyncSession, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {"tickets": await ticket_counts(session=session),
            "outbox": await outbox.stats(session=session, now=now),
            "oldest_job_seconds": await oldest_due_job_seconds(session=session, now=now),
            "accounts": await account_backlogs(session=session, now=now)}
