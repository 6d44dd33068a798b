"""Things a person must confirm: one pending action per person and kind."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import PendingAction


async def put(
    *, session: AsyncSession, person_id: str, community_id: str, room_id: str | None,
    kind: str, payload: dict, ttl_seconds: int,
) -> PendingAction:
    await session.execute(
        delete(PendingAction).where(PendingAction.person_id == person_id, PendingAction.kind == kind)
    )
    action = PendingAction(
        person_id=person_id, community_id=community_id, room_id=room_id, kind=kind,
        payload=payload, expires_at=utcnow() + timedelta(seconds=ttl_seconds),
    )
    session.add(action)
    await session.flush()
    return action


async def take(*, session: AsyncSession, person_id: str, kind: str) -> PendingAction | None:
    """Remove and return the person's live pending action of this kind, if any."""
    action = await session.scalar(
        select(PendingAction).where(PendingAction.person_id == person_id, PendingAction.kind == kind)
    )
    if action is None:
        return None
    await session.delete(action)
    return action if action.expires_at > utcnow() else None
