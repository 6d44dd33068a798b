"""Stale automation (issue 10): a message about a ticket is sent only if it still applies.

Offers, escalations, reminders and follow-ups may wait hours in the outbox (quiet
hours hold them to the morning; a rate limit or a retry can hold them too). Each is
written with a ``Guard`` (bot.messages): the ticket statuses in which it still
makes sense and, for a reminder, the person who must still hold the ticket. The
sender calls ``drop_stale`` in the transaction that claims the rows, right before
handing them to the transport; a row whose ticket moved on becomes 'dropped'
(counted in the outbox health, logged), never sent.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, Ticket
from bot.messages import Guard
from bot.services.tickets import CLAIMED, OPEN, VERIFIED

log = logging.getLogger(__name__)
DROPPED = "dropped"


def while_open(ticket) -> Guard:
    """Offers and escalations: only while nobody has taken the ticket."""
    return Guard(ticket.id, (OPEN,))


def while_unfinished(ticket) -> Guard:
    """Overdue alerts to staff: only while the work is not done (open or claimed)."""
    return Guard(ticket.id, (OPEN, CLAIMED))


def while_claimed_by(ticket, person_id: str) -> Guard:
    """Reminders to a claimer: only while that person still holds the ticket."""
    return Guard(ticket.id, (CLAIMED,), person_id)


def while_verified(ticket) -> Guard:
    """The 回访 rating request: only until the resident rated or it closed."""
    return Guard(ticket.id, (VERIFIED,))


def _reason(row: OutboxMessage, state) -> str | None:
    """Why the row no longer applies, or None when it does."""
    if state is None:
        return "ticket gone"
    status, claimer = state
    if status not in (row.guard_statuses or "").split(","):
        return f"ticket is {status}"
    if row.guard_claimer and claimer != row.guard_claimer:
        return f"ticket now claimed by {claimer or 'nobody'}"
    return None


async def drop_stale(*, session: AsyncSession, rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Mark the claimed ``rows`` whose guard no longer holds 'dropped'; return the others."""
    ticket_ids = {r.guard_ticket_id for r in rows if r.guard_ticket_id is not None}
    if not ticket_ids:
        return rows
    states = {tid: (status, claimer) for tid, status, claimer in await session.execute(
        select(Ticket.id, Ticket.status, Ticket.claimer_id).where(Ticket.id.in_(ticket_ids)))}
    kept = []
    for row in rows:
        reason = _reason(row, states.get(row.guard_ticket_id)) if row.guard_ticket_id is not None else None
        if reason is None:
            kept.append(row)
            continue
        row.status, row.claimed_by, row.last_error = DROPPED, None, f"no longer applies: {reason}"[:500]
        log.info("outbox row %s to %s dropped before sending: %s", row.id, row.conversation, reason)
    await session.flush()
    return kept
