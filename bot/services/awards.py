"""Points that follow from other areas' events (a resident's 5-star rating)."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket
from bot.services import points, rules


async def on_rated(*, session: AsyncSession, ticket: Ticket, score: int) -> int:
    """The member who did the work gets the ``rating_bonus`` rule's points for a top rating, once.

    Returns the points awarded (0 when the score is lower, there is no claimer, the
    rule is set to 0 or the bonus was given before).
    """
    if score < rules.rating_bonus_stars() or not ticket.claimer_id:
        return 0
    amount = await rules.value(session=session, community_id=ticket.community_id, code="rating_bonus")
    if amount <= 0:
        return 0
    entry = await points.post(
        session=session, person_id=ticket.claimer_id, community_id=ticket.community_id, amount=amount,
        rule="rating_bonus", reason=f"诉求 #{ticket.number} 获居民 {score} 星好评",
        idempotency_key=f"ticket:{ticket.id}:rating-bonus", actor_id=ticket.reporter_id, ticket_id=ticket.id,
    )
    return entry.amount if entry else 0
