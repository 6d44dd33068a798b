"""The simulator's directory, a page at a time (``GET /api/sim/directory``, issue 16).

At district size the whole directory was 5.5 MB built on the event loop in one go (0.9–1.7 s,
every other request waiting behind it). Now the first page carries the communities and the rooms
(hundreds, small) and every page carries at most ``limit`` people, in person-id order, with the
cursor for the next page: each page is two indexed queries and a bounded amount of JSON.

Generated district (bench/district.py, 62,357 people), load average 13 on 2 cores, longest
event-loop stall while walking every page: one 5.4 MB response 2.9 s (SQLite); pages of 1,000
195 ms (SQLite) / 340 ms (PostgreSQL), of 500 156 / 254 ms, p99 69 / 18 ms.
"""
from __future__ import annotations

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Grid, Person, PersonRole, Room

PAGE_DEFAULT = 500
PAGE_MAX = 5000


async def page(*, session: AsyncSession, after: str | None, limit: int) -> dict:
    """{"communities", "rooms" (first page only), "people", "next"}; ``next`` is None on the last page."""
    result: dict = {}
    if after is None:
        result["communities"] = [{"id": c.id, "name": c.name}
                                 for c in await session.scalars(select(Community).order_by(Community.id))]
        rows = await session.execute(
            select(Room.id, Room.name, Room.kind, Grid.name, Room.community_id)
            .outerjoin(Grid, Grid.id == Room.grid_id).order_by(Room.community_id, Room.id))
        result["rooms"] = [{"id": rid, "name": name, "kind": kind, "grid": grid, "community": community}
                           for rid, name, kind, grid, community in rows]
    ids_query = select(PersonRole.person_id).distinct().order_by(PersonRole.person_id).limit(limit + 1)
    if after is not None:
        ids_query = ids_query.where(PersonRole.person_id > after)
    ids = list(await session.scalars(ids_query))
    more = len(ids) > limit
    ids = ids[:limit]
    people: dict[tuple[str, str], dict] = {}
    if ids:
        rows = await session.execute(
            select(Person.id, Person.name, PersonRole.role, PersonRole.community_id)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(Person.id > after if after is not None else true(), Person.id <= ids[-1])
            .order_by(Person.id, PersonRole.id))
        for pid, pname, role, community in rows:
            entry = people.setdefault((pid, community), {"id": pid, "name": pname, "roles": [], "community": community})
            entry["roles"].append(role)
    result["people"] = list(people.values())
    result["next"] = ids[-1] if more else None
    return result
