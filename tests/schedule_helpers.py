"""Helpers for the lifecycle-automation tests: a controllable clock and outbox views."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select, update

from bot.clock import LOCAL_TZ
from bot.db.models import Ticket
from bot.db.models_schedule import ScheduledJob


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A local (Asia/Shanghai) wall time as aware UTC."""
    return datetime.combine(day, time(hh, mm), LOCAL_TZ).astimezone(timezone.utc)


DIGEST_CAUSES = ("job:daily:", "job:weekly:", "job:monthly:")


class Outbox:
    """Rows the bot queued after a mark: ``new()`` returns them once.

    The recurring digests fire on the wall clock's days too, and ticket rules fire
    on the days the digest tests jump to: each kind of test sees only its own kind
    (``digests=True``: only the digests, ranking and report)."""

    def __init__(self, bot, *, digests: bool = False) -> None:
        self.bot = bot
        self.seen = 0
        self.digests = digests

    async def mark(self) -> None:
        rows = await self.bot.outbox()
        self.seen = rows[-1].id if rows else 0

    async def new(self):
        rows = [r for r in await self.bot.outbox() if r.id > self.seen]
        if rows:
            self.seen = rows[-1].id
        return [r for r in rows if (r.cause or "").startswith(DIGEST_CAUSES) == self.digests]
        return rows


async def tick(bot, at: datetime) -> int:
    return await bot.runtime.scheduler.tick(at)


async def jobs_of(bot, ticket_id: int | None = None) -> list[ScheduledJob]:
    async with bot.runtime.db.sessions() as session:
        query = select(ScheduledJob).order_by(ScheduledJob.id)
        if ticket_id is not None:
            query = query.where(ScheduledJob.ticket_id == ticket_id)
        return list(await session.scalars(query))


async def set_ticket(bot, number: int, **values) -> None:
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(Ticket).where(Ticket.number == number).values(**values))


def private_to(rows, person: str):
    return [r for r in rows if r.room_id is None and r.to_person == person]


def in_room(rows, room: str):
    return [r for r in rows if r.room_id == room]

