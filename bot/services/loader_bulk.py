"""The directory file's communities, grids, rooms, people and roles written in bulk (``gridbot load``).

``loader.plan`` checks the whole file first and reduces it to one entry per row (the last
mention of a row wins, as when the rows were written one by one); ``write`` then reads what
exists in a few ``IN`` queries and writes each table with executemany statements, chunk by
chunk: a district (119 communities, 20,000 grids, 62,000 people) is some 150 statements
instead of four round trips per person, and no ORM object is kept per row.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import Community, Grid, Person, PersonRole, Room
from bot.db.models_streets import Street

# Rows per statement and keys per IN list (SQLite before 3.32 allows 999 parameters).
CHUNK = 900

_C, _G, _R, _P, _PR = (t.__table__ for t in (Community, Grid, Room, Person, PersonRole))


@dataclass
class Plan:
    """One entry per row, in the file's order; grids keyed by (community, name)."""

    communities: dict[str, dict] = field(default_factory=dict)  # id → {name[, street_id]}
    grids: dict[tuple[str, str], dict] = field(default_factory=dict)  # → {level, building_no, parent}
    rooms: dict[str, dict] = field(default_factory=dict)  # id → {community_id, name, kind, grid}
    people: dict[str, str] = field(default_factory=dict)  # id → name
    roles: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (person, community, role) → {grid, skills}
    streets: set[str] = field(default_factory=set)


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _select_in(session: AsyncSession, columns, key, values: Iterable) -> list:
    rows: list = []
    for part in chunks(list(values)):
        rows += (await session.execute(select(*columns).where(key.in_(part)))).all()
    return rows


async def _many(session: AsyncSession, statement, rows: list[dict]) -> None:
    for part in chunks(rows):
        await session.execute(statement, part)


async def unknown_street(session: AsyncSession, plan: Plan) -> str | None:
    known = {row[0] for row in await _select_in(session, [Street.__table__.c.id], Street.__table__.c.id, plan.streets)}
    return next((s for s in sorted(plan.streets) if s not in known), None)


async def write(session: AsyncSession, plan: Plan) -> None:
    await session.flush()  # the streets' ORM rows first
    await _communities(session, plan)
    grid_ids = await _grids(session, plan)
    await _rooms(session, plan, grid_ids)
    await _people(session, plan)
    await _roles(session, plan, grid_ids)


async def _communities(session: AsyncSession, plan: Plan) -> None:
    existing = {row[0] for row in await _select_in(session, [_C.c.id], _C.c.id, plan.communities)}
    new = [{"id": cid, "name": c["name"], "street_id": c.get("street_id"), "last_ticket_no": 0}
           for cid, c in plan.communities.items() if cid not in existing]
    await _many(session, _C.insert(), new)
    for with_street in (False, True):
        values = {"name": bindparam("b_name")}
        if with_street:
            values["street_id"] = bindparam("b_street")
        rows = [{"b_id": cid, "b_name": c["name"], "b_street": c.get("street_id")}
                for cid, c in plan.communities.items() if cid in existing and ("street_id" in c) == with_street]
        await _many(session, update(_C).where(_C.c.id == bindparam("b_id")).values(**values), rows)


async def _grid_ids(session: AsyncSession, communities: Iterable[str]) -> dict[tuple[str, str], int]:
    rows = await _select_in(session, [_G.c.community_id, _G.c.name, _G.c.id], _G.c.community_id, communities)
    return {(c, name): gid for c, name, gid in rows}


async def _grids(session: AsyncSession, plan: Plan) -> dict[tuple[str, str], int]:
    """New grids go in without a parent, then every planned grid gets its parent, level and number."""
    communities = {c for c, _ in plan.grids}
    ids = await _grid_ids(session, communities)
    new = [{"community_id": c, "name": name, "level": g["level"], "building_no": g["building_no"], "parent_id": None}
           for (c, name), g in plan.grids.items() if (c, name) not in ids]
    if new:
        await _many(session, _G.insert(), new)
        ids = await _grid_ids(session, communities)
    rows = [{"b_id": ids[key], "b_level": g["level"], "b_no": g["building_no"],
             "b_parent": ids[(key[0], g["parent"])] if g["parent"] is not None else None}
            for key, g in plan.grids.items()]
    await _many(session, update(_G).where(_G.c.id == bindparam("b_id")).values(
        level=bindparam("b_level"), building_no=bindparam("b_no"), parent_id=bindparam("b_parent")), rows)
    return ids


async def _rooms(session: AsyncSession, plan: Plan, grid_ids: dict) -> None:
    existing = {row[0] for row in await _select_in(session, [_R.c.id], _R.c.id, plan.rooms)}
    rows = [{"id": rid, "community_id": r["community_id"], "name": r["name"], "kind": r["kind"],
             "grid_id": grid_ids[(r["community_id"], r["grid"])] if r["grid"] is not None else None}
            for rid, r in plan.rooms.items()]
    await _many(session, _R.insert(), [r for r in rows if r["id"] not in existing])
    await _many(session, update(_R).where(_R.c.id == bindparam("b_id")).values(
        community_id=bindparam("b_community"), name=bindparam("b_name"), kind=bindparam("b_kind"),
        grid_id=bindparam("b_grid")), [{"b_id": r["id"], "b_community": r["community_id"], "b_name": r["name"],
                                         "b_kind": r["kind"], "b_grid": r["grid_id"]}
                                        for r in rows if r["id"] in existing])


async def _people(session: AsyncSession, plan: Plan) -> None:
    existing = dict(await _select_in(session, [_P.c.id, _P.c.name], _P.c.id, plan.people))
    now = utcnow()
    await _many(session, _P.insert(), [{"id": pid, "name": name, "created_at": now}
                                       for pid, name in plan.people.items() if pid not in existing])
    await _many(session, update(_P).where(_P.c.id == bindparam("b_id")).values(name=bindparam("b_name")),
                [{"b_id": pid, "b_name": name} for pid, name in plan.people.items()
                 if pid in existing and existing[pid] != name])


async def _roles(session: AsyncSession, plan: Plan, grid_ids: dict) -> None:
    """A role is added once; a grid or skills given in the file replace the stored ones."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(_PR)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_PR.c.person_id, _PR.c.community_id, _PR.c.role],
        set_={"grid_id": func.coalesce(stmt.excluded.grid_id, _PR.c.grid_id),
              "skills": func.coalesce(stmt.excluded.skills, _PR.c.skills)})
    await _many(session, stmt, [
        {"person_id": pid, "community_id": cid, "role": role, "skills": r["skills"],
         "grid_id": grid_ids[(cid, r["grid"])] if r["grid"] is not None else None}
        for (pid, cid, role), r in plan.roles.items()])
