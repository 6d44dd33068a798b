"""Staff actions the console offers that have no chat command of their own (issue 14)."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import Ticket
from bot.errors import DomainError
from bot.replies import CATEGORY_NAMES
from bot.services import corrections, tickets


async def recategorize(*, session: AsyncSession, ticket_id: int, category: str, actor_id: str) -> str:
    """改类别: file a ticket under another category, in its history; returns the old category."""
    if category not in CATEGORY_NAMES:
        raise DomainError("err_console_category", categories="、".join(CATEGORY_NAMES.values()))
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise DomainError("err_ticket_not_found", number=ticket_id)
    old = ticket.category
    await session.execute(update(Ticket).where(Ticket.id == ticket_id)
                          .values(category=category, updated_at=utcnow()))
    await tickets.record_event(session=session, ticket_id=ticket_id, action="recategorize", actor_id=actor_id,
                               note=f"{CATEGORY_NAMES.get(old, old)} → {CATEGORY_NAMES[category]}")
    if old != category:  # a labelled example for the community, as /改 keeps one (issue 11)
        await corrections.keep(session=session, ticket=ticket, field="category", old=old, new=category,
                               actor_id=actor_id)
    return old
