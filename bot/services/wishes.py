"""微心愿: a secretary posts a small wish of a resident in need; members claim and fulfil it.

A wish is a ticket (category ``care``) plus a ``Wish`` row that marks it, so it
goes through the one ticket state machine: 接单, 完成, /验收; the points for a
verified wish come from the ``wish`` rule.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket
from bot.db.models_members import Wish
from bot.replies.tickets import WISH_EVIDENCE
from bot.services import tickets

CATEGORY = "care"
MAX_TEXT = 300


async def post(*, session: AsyncSession, community_id: str, text: str, actor_id: str) -> Ticket:
    ticket = await tickets.create(
        session=session, community_id=community_id, reporter_id=actor_id, text=text[:MAX_TEXT],
        category=CATEGORY, urgency="normal", room_id=None, grid_id=None, building=None, unit=None,
        room_no=None, evidence=WISH_EVIDENCE,
    )
    session.add(Wish(ticket_id=ticket.id, community_id=community_id, posted_by=actor_id))
    await session.flush()
    return ticket


async def is_wish(*, session: AsyncSession, ticket_id: int) -> bool:
    return await session.scalar(select(Wish.id).where(Wish.ticket_id == ticket_id)) is not None


async def listing(*, session: AsyncSession, community_id: str, limit: int = 10) -> list[Ticket]:
    """Wishes still waiting for someone or being fulfilled, oldest first."""
    return list(await session.scalars(
        select(Ticket).join(Wish, Wish.ticket_id == Ticket.id)
        .where(Wish.community_id == community_id, Ticket.status.in_(tickets.ACTIVE))
        .order_by(Ticket.number).limit(limit)
    ))
