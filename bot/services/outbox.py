"""The outbox: what the bot sends is written in the same transaction as the change.

A sender task drains pending rows to the transport, so a crash between the change
and the send loses nothing, and a rolled-back change sends nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import OutboxMessage
from bot.messages import Outgoing

# Longest text stored per message; transports split further to their own limits.
MAX_TEXT = 4000


async def enqueue(
    *, session: AsyncSession, messages: Iterable[Outgoing], cause: str | None,
    not_before: datetime | None = None,
) -> list[OutboxMessage]:
    rows = [
        OutboxMessage(
            room_id=m.room_id, to_person=m.to, text=m.text[:MAX_TEXT],
            mentions=list(m.mentions), cause=cause, not_before=not_before,
        )
        for m in messages
    ]
    session.add_all(rows)
    if rows:
        await session.flush()
    return rows


async def by_cause(*, session: AsyncSession, cause: str) -> list[OutboxMessage]:
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.cause == cause).order_by(OutboxMessage.id)
    ))


async def after(*, session: AsyncSession, seq: int, limit: int = 500) -> list[OutboxMessage]:
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > seq).order_by(OutboxMessage.id).limit(limit)
    ))


async def pending(*, session: AsyncSession, limit: int = 100, now: datetime | None = None) -> list[OutboxMessage]:
    now = now or utcnow()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending")
        .where((OutboxMessage.not_before.is_(None)) | (OutboxMessage.not_before <= now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def mark_sent(*, session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(status="sent", sent_at=utcnow())
        )


async def mark_failed(*, session: AsyncSession, message_id: int, error: str, final: bool) -> None:
    row = await session.get(OutboxMessage, message_id)
    if row is not None:
        row.attempts += 1
        row.last_error = error[:500]
        if final:
            row.status = "failed"


async def backlog(*, session: AsyncSession) -> int:
    from sqlalchemy import func

    return int(await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    ) or 0)
