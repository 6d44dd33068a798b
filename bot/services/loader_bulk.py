"""The directory file's communities, grids, rooms, people and roles written in bulk (``gridbot load``).

The loader checks the whole file first and reduces it to one entry per row (the last mention
of a row wins, as when the rows were written one by one); ``write`` then reads what exists in
a few ``IN`` queries, puts the new rows in (COPY on PostgreSQL, executemany on SQLite; grids a
level at a time so each has its parent's id) and updates only the stored rows that differ: a
district (119 communities, 20,000 grids, 62,000 people) is a few hundred statements instead of
four round trips per person, loading it again writes nothing, and no ORM object is kept per row.
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


async def _insert_new(session: AsyncSession, table, rows: list[dict]) -> None:
    """Rows nobody else has (checked in this transaction): COPY on PostgreSQL, executemany on SQLite.
    A concurrent insert of the same key makes the load fail and roll back as a whole."""
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        await _many(session, table.insert(), rows)
        return
    columns = list(rows[0])
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    await raw.copy_records_to_table(table.name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns)


async def unknown_street(session: AsyncSession, plan: Plan) -> str | None:
    known = {row[0] for row in await _select_in(session, [Street.__table__.c.id], Street.__table__.c.id, plan.streets)}
    return next((s for s in sorted(plan.streets) if s not in known), None)


async def write(session: AsyncSession, plan: Plan) -> None:
    await session.flush()  # the streets' ORM rows first
    await _communities(session, plan)
    grid_ids = await _grids(session, plan)
    await _rooms(session, plan, grid_ids)
    new_people = await _people(session, plan)
    await _roles(session, plan, grid_ids, new_people)


async def _communities(session: AsyncSession, plan: Plan) -> None:
    existing = {row[0] for row in await _select_in(session, [_C.c.id], _C.c.id, plan.communities)}
    await _many(session, _C.insert(), [{"id": cid, "name": c["name"], "street_id": c.get("street_id"), "last_ticket_no": 0}
                                       for cid, c in plan.communities.items() if cid not in existing])
    for with_street in (False, True):
        values = {"name": bindparam("b_name")}
        if with_street:
            values["street_id"] = bindparam("b_street")
        rows = [{"b_id": cid, "b_name": c["name"], "b_street": c.get("street_id")}
                for cid, c in plan.communities.items() if cid in existing and ("street_id" in c) == with_street]
        await _many(session, update(_C).where(_C.c.id == bindparam("b_id")).values(**values), rows)


async def _grid_rows(session: AsyncSession, communities: Iterable[str]) -> dict[tuple[str, str], tuple]:
    """(community, name) → (id, level, building_no, parent_id) of the stored grids."""
    rows = await _select_in(session, [_G.c.community_id, _G.c.name, _G.c.id, _G.c.level, _G.c.building_no,
                                      _G.c.parent_id], _G.c.community_id, communities)
    return {(c, name): rest for c, name, *rest in rows}


def _depths(plan: Plan) -> dict[tuple[str, str], int]:
    """How deep each planned grid sits under the file's roots. A cycle (a name nested in its own
    child by a later mention) puts its grids at depth 0; their parents are then set by the update."""
    depths: dict[tuple[str, str], int] = {}
    for key in plan.grids:
        chain: list[tuple[str, str]] = []
        node = key
        while node not in depths:
            parent = plan.grids[node]["parent"]
            if parent is None:
                depths[node] = 0
            elif node in chain:
                depths.update((item, 0) for item in chain)
            else:
                chain.append(node)
                node = (key[0], parent)
        for item in reversed(chain):
            depths.setdefault(item, depths[(key[0], plan.grids[item]["parent"])] + 1)
    return depths


async def _grids(session: AsyncSession, plan: Plan) -> dict[tuple[str, str], int]:
    """New grids go in a level at a time, each with its parent's id; stored ones that differ are updated."""
    communities = {c for c, _ in plan.grids}
    stored = await _grid_rows(session, communities)
    depths = _depths(plan)
    ids = {key: row[0] for key, row in stored.items()}
    have = {key: tuple(row[1:]) for key, row in stored.items()}  # (level, building_no, parent_id) as written
    new = [key for key in plan.grids if key not in stored]
    for depth in sorted({depths[key] for key in new}):
        rows = []
        for key in (k for k in new if depths[k] == depth):
            g = plan.grids[key]
            parent = ids.get((key[0], g["parent"])) if g["parent"] is not None else None
            rows.append({"community_id": key[0], "name": key[1], "level": g["level"], "building_no": g["building_no"],
                         "parent_id": parent})
            have[key] = (g["level"], g["building_no"], parent)
        await _insert_new(session, _G, rows)
        ids.update({key: row[0] for key, row in (await _grid_rows(session, communities)).items()})
    rows = []
    for key, g in plan.grids.items():
        want = (g["level"], g["building_no"], ids[(key[0], g["parent"])] if g["parent"] is not None else None)
        if want != have[key]:
            rows.append({"b_id": ids[key], "b_level": want[0], "b_no": want[1], "b_parent": want[2]})
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


async def _people(session: AsyncSession, plan: Plan) -> set[str]:
    """Adds the new people and renames the others; returns the ids that were new."""
    existing = dict(await _select_in(session, [_P.c.id, _P.c.name], _P.c.id, plan.people))
    now = utcnow()
    await _insert_new(session, _P, [{"id": pid, "name": name, "created_at": now}
                                    for pid, name in plan.people.items() if pid not in existing])
    await _many(session, update(_P).where(_P.c.id == bindparam("b_id")).values(name=bindparam("b_name")),
                [{"b_id": pid, "b_name": name} for pid, name in plan.people.items()
                 if pid in existing and existing[pid] != name])
    return {pid for pid in plan.people if pid not in existing}


async def _roles(session: AsyncSession, plan: Plan, grid_ids: dict, new_people: set[str]) -> None:
    """A role is added once; a grid or skills given in the file replace the stored ones. New
    people's roles cannot exist yet and go in directly; the others' are compared with what is stored."""
    rows = [{"person_id": pid, "community_id": cid, "role": role, "skills": r["skills"],
             "grid_id": grid_ids[(cid, r["grid"])] if r["grid"] is not None else None}
            for (pid, cid, role), r in plan.roles.items()]
    await _insert_new(session, _PR, [r for r in rows if r["person_id"] in new_people])
    known = [r for r in rows if r["person_id"] not in new_people]
    if not known:
        return
    stored = {(p, c, role): (rid, grid, skills) for p, c, role, rid, grid, skills in await _select_in(
        session, [_PR.c.person_id, _PR.c.community_id, _PR.c.role, _PR.c.id, _PR.c.grid_id, _PR.c.skills],
        _PR.c.person_id, {r["person_id"] for r in known})}
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(_PR)
    stmt = stmt.on_conflict_do_update(  # a newcomer's first message may add the same role meanwhile
        index_elements=[_PR.c.person_id, _PR.c.community_id, _PR.c.role],
        set_={"grid_id": func.coalesce(stmt.excluded.grid_id, _PR.c.grid_id),
              "skills": func.coalesce(stmt.excluded.skills, _PR.c.skills)})
    await _many(session, stmt, [r for r in known if (r["person_id"], r["community_id"], r["role"]) not in stored])
    changed = []
    for r in known:
        have = stored.get((r["person_id"], r["community_id"], r["role"]))
        if have is None:
            continue
        grid = r["grid_id"] if r["grid_id"] is not None else have[1]
        skills = r["skills"] if r["skills"] is not None else have[2]
        if (grid, skills) != have[1:]:
            changed.append({"b_id": have[0], "b_grid": grid, "b_skills": skills})
    await _many(session, update(_PR).where(_PR.c.id == bindparam("b_id")).values(
        grid_id=bindparam("b_grid"), skills=bindparam("b_skills")), changed)
