"""Short per-community numbers (activities, shop items), handed out one at a time."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_members import CommunityCounter


def dialect_insert(session: AsyncSession):
    """INSERT … ON CONFLICT for whichever database the session is on."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def next_number(*, session: AsyncSession, community_id: str, kind: str) -> int:
    # An upsert that increments under the row lock: concurrent callers get distinct numbers.
    stmt = dialect_insert(session)(CommunityCounter).values(community_id=community_id, kind=kind, last_no=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CommunityCounter.community_id, CommunityCounter.kind],
        set_={"last_no": CommunityCounter.last_no + 1},
    ).returning(CommunityCounter.last_no)
    return int((await session.execute(stmt)).scalar_one())
