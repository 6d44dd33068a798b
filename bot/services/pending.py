"""Things a person must confirm: one pending action per person and kind."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import PendingAction
from bot.db.prepared import Prepared

# The one thing a secretary is asked to confirm (a /广播 or a /定时); a newer question
# replaces the older. The payload's "type" says which ("broadcast" when absent).
STAFF_CONFIRM = "broadcast"


def _upsert(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(PendingAction.__table__)
    return stmt.on_conflict_do_update(
        index_elements=["person_id", "kind"],
        set_={k: stmt.excluded[k] for k in ("community_id", "room_id", "payload", "expires_at", "created_at")},
    )


# Built once per dialect: constructing an upsert costs more than running it.
_UPSERT = Prepared(_upsert("sqlite"), postgresql=_upsert("postgresql"))


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
    await _UPSERT.run(session, values)


_P = PendingAction.__table__.c
_TAKE = Prepared(delete(PendingAction.__table__)
                 .where(_P.person_id == bindparam("person_id"), _P.kind == bindparam("kind")).returning(*_P))


async def take(*, session: AsyncSession, person_id: str, kind: str):
    """Remove and return the person's live pending action of this kind (a row with the
    columns of ``PendingAction``), if any.

    One DELETE … RETURNING: of two concurrent 确认/是 only one gets the action.
    """
    action = (await _TAKE.run(session, {"person_id": person_id, "kind": kind})).first()
    if action is None:
        return None
    return action if action.expires_at > utcnow() else None
