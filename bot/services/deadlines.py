"""Deadlines (限时办结): remind the claimer before, tell the secretary when one passes.

A reminder that comes due after its deadline (the bot was down) is skipped: the
overdue alert that follows says more. Both check the ticket's state when they
run, so a ticket completed or cancelled in the meantime hears nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models import Person, Ticket, TicketEvent
from bot.db.models_schedule import ScheduledJob
from bot.messages import Outgoing
from bot.replies import say, status_name
from bot.replies.tickets import ticket_fields
from bot.services import guards, jobs, policy
from bot.services.dispatching import secretaries


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """Past its deadline: completed late, or still not completed after it."""
    if ticket.deadline_at is None or ticket.status == "cancelled":
        return False
    finished = ticket.done_at
    if finished is None and ticket.status in ("verified", "closed"):
        finished = ticket.verified_at or ticket.updated_at
    return (finished or now) > ticket.deadline_at


def _when(dt: datetime) -> str:
    return to_local(dt).strftime("%m-%d %H:%M")


async def remind(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    ticket = await session.get(Ticket, job.ticket_id)
    if ticket is None or ticket.status != "claimed" or not ticket.claimer_id or ticket.deadline_at is None:
        return None
    if now >= ticket.deadline_at:
        return None
    text = say("deadline_reminder", deadline=_when(ticket.deadline_at), **ticket_fields(ticket))
    held = guards.while_claimed_by(ticket, ticket.claimer_id)
    return jobs.Batch([Outgoing(text=text, to=ticket.claimer_id, guard=held)], urgent=ticket.urgency == policy.URGENT)


async def overdue(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    ticket = await session.get(Ticket, job.ticket_id)
    if ticket is None or ticket.status not in ("open", "claimed") or ticket.deadline_at is None:
        return None
    claimer = await session.get(Person, ticket.claimer_id) if ticket.claimer_id else None
    session.add(TicketEvent(ticket_id=ticket.id, action="overdue", from_status=ticket.status,
                            to_status=ticket.status, note=f"deadline {ticket.deadline_at.isoformat()}"))
    text = say("deadline_overdue_secretary", deadline=_when(ticket.deadline_at), status=status_name(ticket.status),
               claimer=claimer.name if claimer else say("nobody"), **ticket_fields(ticket))
    unfinished = guards.while_unfinished(ticket)
    out = [Outgoing(text=text, to=p, guard=unfinished)
           for p in await secretaries(session=session, community_id=ticket.community_id)]
    if claimer:
        out.append(Outgoing(text=say("deadline_overdue_claimer", **ticket_fields(ticket)), to=claimer.id,
                            guard=guards.while_claimed_by(ticket, claimer.id)))
    return jobs.Batch(out, urgent=ticket.urgency == policy.URGENT)
