"""Things a person must confirm: one pending action per person and kind."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import PendingAction


async def put(
    *, session: AsyncSession, person_id: str, community_id: str, room_id: str | None,
    kind: str, payload: dict, ttl_seconds: int,
) -> None:
    """Ask the person to confirm; a newer question replaces the older one.

    One upsert on (person, kind): two messages of one person handled at once on
    PostgreSQL cannot both insert.
    """
    now = utcnow()
    values = dict(person_id=person_id, community_id=community_id, room_id=room_id, kind=kind,
                  payload=payload, expires_at=now + timedelta(seconds=ttl_seconds), created_at=now)
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(PendingAction).values(**values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[PendingAction.person_id, PendingAction.kind],
        set_={k: stmt.excluded[k] for k in ("community_id", "room_id", "payload", "expires_at", "created_at")},
    ))


async def take(*, session: AsyncSession, person_id: str, kind: str) -> PendingAction | None:
    """Remove and return the person's live pending action of this kind, if any.

    One DELETE … RETURNING: of two concurrent 确认/是 only one gets the action.
    """
    action = (await session.scalars(
        delete(PendingAction)
        .where(PendingAction.person_id == person_id, PendingAction.kind == kind)
        .returning(PendingAction)
        .execution_options(synchronize_session=False)
    )).first()
    if action is None:
        return None
    return action if action.expires_at > utcnow() else None
