"""Follow-up (回访): ask the resident to rate, close by itself, alert on a low rating.

The tick *discovers* what needs a follow-up from the tickets themselves (verified
tickets without a follow-up job; closed ones rated 1 or 2 without an alert job),
so it works whichever handler verified or rated the ticket, and a restart finds
the same work. Each discovery inserts jobs by unique key, hence once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import flows
from bot.db.models import Ticket
from bot.db.models_schedule import ScheduledJob
from bot.errors import DomainError
from bot.messages import Outgoing
from bot.replies import say
from bot.replies.tickets import ticket_fields
from bot.services import guards, jobs, tickets
from bot.services.dispatching import secretaries

LOW_RATING = 2
AUTO_NOTE = "auto"
RECENT = timedelta(days=7)  # older low ratings (e.g. before an upgrade) raise no alert


def _missing(kind: str):
    return ~select(ScheduledJob.id).where(and_(ScheduledJob.ticket_id == Ticket.id,
                                               ScheduledJob.kind == kind)).exists()


async def discover(*, session: AsyncSession, now: datetime, settings, limit: int = 200) -> int:
    """Plan follow-ups for newly verified tickets and alerts for new low ratings."""
    added = 0
    verified = await session.scalars(
        select(Ticket).where(Ticket.status == tickets.VERIFIED, _missing("followup_ask"))
        .order_by(Ticket.id).limit(limit))
    days = timedelta(days=getattr(settings, "followup_close_days", 3))
    for t in verified:
        base = t.verified_at or t.updated_at
        added += await jobs.add(session=session, key=f"followup_ask:{t.id}", kind="followup_ask",
                                community_id=t.community_id, due_at=now, ticket_id=t.id)
        await jobs.add(session=session, key=f"followup_close:{t.id}", kind="followup_close",
                       community_id=t.community_id, due_at=base + days, ticket_id=t.id)
    low = await session.scalars(
        select(Ticket).where(Ticket.status == tickets.CLOSED, Ticket.rating.is_not(None),
                             Ticket.rating <= LOW_RATING, Ticket.closed_at >= now - RECENT,
                             _missing("low_rating"))
        .order_by(Ticket.id).limit(limit))
    for t in low:
        added += await jobs.add(session=session, key=f"low_rating:{t.id}", kind="low_rating",
                                community_id=t.community_id, due_at=now, ticket_id=t.id)
    return added


async def ask(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    ticket = await session.get(Ticket, job.ticket_id)
    if ticket is None or ticket.status != tickets.VERIFIED:
        return None
    days = getattr(settings, "followup_close_days", 3)
    text = say("followup_ask", days=days, **ticket_fields(ticket))
    # "满意" or "5" in the private chat now rates this ticket (bot.flows; handlers.resident).
    await flows.start(session=session, name="rate", person_id=ticket.reporter_id, community_id=ticket.community_id,
                      room_id=None, payload={"number": ticket.number}, ttl_seconds=days * 24 * 3600)
    return jobs.Batch([Outgoing(text=text, to=ticket.reporter_id, guard=guards.while_verified(ticket))])


async def auto_close(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    ticket = await session.get(Ticket, job.ticket_id)
    if ticket is None or ticket.status != tickets.VERIFIED:
        return None
    try:
        await tickets.close(session=session, ticket=ticket, actor_id=None, rating=None, note=AUTO_NOTE)
    except DomainError:  # rated a moment ago
        return None
    return jobs.Batch([])


async def low_rating(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    ticket = await session.get(Ticket, job.ticket_id)
    if ticket is None or ticket.rating is None or ticket.rating > LOW_RATING:
        return None
    comment = await _comment(session, ticket)
    text = say("followup_low_rating", score=ticket.rating, comment=comment or say("no_comment"),
               **ticket_fields(ticket))
    people = await secretaries(session=session, community_id=ticket.community_id)
    return jobs.Batch([Outgoing(text=text, to=p) for p in people])


async def _comment(session: AsyncSession, ticket: Ticket) -> str | None:
    events = await tickets.events_of(session=session, ticket_id=ticket.id)
    closes = [e for e in events if e.action == "close"]
    return closes[-1].note if closes else None


async def latest_verified(*, session: AsyncSession, person_id: str) -> Ticket | None:
    """The person's most recently verified ticket that still waits for a rating."""
    return await session.scalar(
        select(Ticket).where(Ticket.reporter_id == person_id, Ticket.status == tickets.VERIFIED)
        .order_by(Ticket.verified_at.desc().nulls_last(), Ticket.updated_at.desc(), Ticket.id.desc()).limit(1))
