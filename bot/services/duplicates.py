"""Same problem, one ticket: a near-duplicate report within 24 hours joins the open ticket."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

import nlp
from bot.clock import utcnow
from bot.db.models import Ticket, TicketEvent, TicketWatcher
from bot.services.tickets import ACTIVE

WINDOW = timedelta(hours=24)
# Text similarity (0..1) above which two reports in one grid and category are one problem.
SIMILAR_TEXT = 0.5


def _same_place(ticket: Ticket, building: str | None, unit: str | None, room_no: str | None) -> bool:
    if building is None or ticket.building is None:
        return False
    if building != ticket.building:
        return False
    # Same building; a unit or room named on both sides must agree.
    return all(a is None or b is None or a == b for a, b in ((unit, ticket.unit), (room_no, ticket.room_no)))


async def find_duplicate(
    *, session: AsyncSession, community_id: str, grid_id: int | None, category: str,
    text: str, building: str | None, unit: str | None, room_no: str | None,
) -> Ticket | None:
    since = utcnow() - WINDOW
    candidates = await session.scalars(
        select(Ticket).where(
            Ticket.community_id == community_id,
            Ticket.category == category,
            Ticket.status.in_(ACTIVE),
            Ticket.created_at >= since,
            Ticket.grid_id.is_(None) if grid_id is None else Ticket.grid_id == grid_id,
        ).order_by(Ticket.id.desc()).limit(20)
    )
    best, best_score = None, 0.0
    for ticket in candidates:
        if building is not None and ticket.building is not None and building != ticket.building:
            continue  # both name a place and the places differ: two problems
        score = nlp.similarity(text, ticket.text)
        if _same_place(ticket, building, unit, room_no):
            score = max(score, SIMILAR_TEXT + 0.01)
        if score >= SIMILAR_TEXT and score > best_score:
            best, best_score = ticket, score
    return best


async def attach(
    *, session: AsyncSession, ticket: Ticket, person_id: str, room_id: str | None, text: str
) -> bool:
    """Add a "+1". Returns False when this person already reported or watches the ticket."""
    if ticket.reporter_id == person_id:
        return False
    exists = await session.scalar(
        select(TicketWatcher.id).where(TicketWatcher.ticket_id == ticket.id, TicketWatcher.person_id == person_id)
    )
    if exists is not None:
        return False
    session.add(TicketWatcher(ticket_id=ticket.id, person_id=person_id, room_id=room_id, text=text[:500]))
    await session.execute(
        update(Ticket).where(Ticket.id == ticket.id)
        .values(affected_count=Ticket.affected_count + 1).execution_options(synchronize_session=False)
    )
    ticket.affected_count += 1
    session.add(TicketEvent(ticket_id=ticket.id, action="plus_one", actor_id=person_id, note=text[:200]))
    return True


async def watchers(*, session: AsyncSession, ticket_id: int) -> list[TicketWatcher]:
    return list(await session.scalars(select(TicketWatcher).where(TicketWatcher.ticket_id == ticket_id)))
