"""Load communities, grids, rooms and people from a YAML file (``gridbot load FILE``).

The format (see examples/community.yaml for a full one):

    communities:
      - id: xingfuli            # short, stable id; ticket numbers are per community
        name: 幸福里社区
        grids:                  # community → estate → building → unit, nested by `children`
          - name: 东区
            level: estate       # estate | building | unit
            children:
              - {name: 1号楼, level: building, building_no: "1"}
        rooms:
          - {id: sim-east, name: 东区网格群, kind: grid, grid: 东区}   # kind: grid | members
          - {id: sim-members, name: 党员志愿者群, kind: members}
        people:
          - {id: wang, name: 王书记, roles: [secretary]}
          - {id: li, name: 李师傅, roles: [member], grid: 1号楼, skills: 水电维修}

Streets, districts and departments above the communities: see bot/services/streets.py.

Loading is idempotent: rows are matched by id (grids by name) and updated. The whole file is
checked first, then written in bulk (bot/services/loader_bulk.py).
"""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.directory_cache import cache_of, mark_changed
from bot.db.hooks import after_commit
from bot.replies import say
from bot.services import directory, loader_bulk, loader_yaml, streets, units

GRID_LEVELS = ("estate", "building", "unit")
ROOM_KINDS = ("grid", "members")


class LoadError(ValueError):
    """The file does not follow the format; the message (Chinese, bot/replies/cli.py) says where."""

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(say(key, **fields))
        self.key, self.fields = key, fields


def read_file(path: str | Path) -> dict:
    try:
        data = loader_yaml.safe_load(Path(path).read_text(encoding="utf-8"))  # a district's file in seconds
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError("load_unreadable", path=path, error=getattr(exc, "strerror", None) or exc) from exc
    if not isinstance(data, dict) or not isinstance(data.get("communities"), list):
        raise LoadError("load_no_communities", path=path)
    return data


async def load(*, session: AsyncSession, data: dict) -> dict[str, int]:
    cache = cache_of(session)
    if cache is not None:
        cache.clear()  # rooms and roles are about to change
        after_commit(session, cache.clear)  # and again once they have (bot.db.directory_cache)
    mark_changed(session)
    counts = {"communities": 0, "grids": 0, "rooms": 0, "people": 0}
    counts.update(await streets.load_streets(session=session, data=data, fail=_fail))
    plan = loader_bulk.Plan()
    for c in data["communities"]:
        _plan_community(plan, c, counts)
    street = await loader_bulk.unknown_street(session, plan)
    if street is not None:
        community = next(c["id"] for c in data["communities"] if str(c.get("street")) == street)
        raise LoadError("load_unknown_street", community=community, street=street)
    await loader_bulk.write(session, plan)
    await streets.expand_roles(session=session)
    counts["units"] = await units.load_units(session=session, data=data, fail=_fail)
    return counts


def _plan_community(plan: loader_bulk.Plan, c, counts: dict[str, int]) -> None:
    """Check one community of the file and add its rows to the plan (nothing is written yet)."""
    _require(c, ("id", "name"), "community")
    cid = str(c["id"])
    entry = plan.communities.setdefault(cid, {})
    entry["name"] = c["name"]
    if "street" in c:
        entry["street_id"] = str(c["street"]) if c["street"] is not None else None
        if c["street"] is not None:
            plan.streets.add(str(c["street"]))
    counts["communities"] += 1
    grids: set[str] = set()  # the grids this entry names: what its rooms and people may refer to
    for g in c.get("grids") or []:
        _plan_grid(plan, cid, g, None, grids, counts)
    for r in c.get("rooms") or []:
        _require(r, ("id", "name", "kind"), "room")
        if r["kind"] not in ROOM_KINDS:
            raise LoadError("load_bad_room_kind", room=r["id"], valid="、".join(ROOM_KINDS))
        grid = _grid_ref(grids, r.get("grid"), f"{say('load_what_room')}「{r['id']}」")
        plan.rooms[str(r["id"])] = {"community_id": cid, "name": r["name"], "kind": r["kind"], "grid": grid}
        counts["rooms"] += 1
    for p in c.get("people") or []:
        _require(p, ("id", "name", "roles"), "person")
        pid = str(p["id"])
        plan.people[pid] = str(p["name"] or pid)[:64]
        grid = _grid_ref(grids, p.get("grid"), f"{say('load_what_person')}「{p['id']}」")
        for role in p["roles"]:
            if role not in directory.ROLES:
                raise LoadError("load_bad_role", person=p["id"], role=role, valid="、".join(directory.ROLES))
            row = plan.roles.setdefault((pid, cid, role), {"grid": None, "skills": None})
            if grid is not None:
                row["grid"] = grid
            if p.get("skills") is not None:
                row["skills"] = p["skills"]
        counts["people"] += 1


def _fail(key: str, **fields: object) -> None:
    raise LoadError(key, **fields)


def _plan_grid(plan: loader_bulk.Plan, community_id: str, g, parent: str | None, grids: set[str],
               counts: dict[str, int]) -> None:
    _require(g, ("name", "level"), "grid")
    if g["level"] not in GRID_LEVELS:
        raise LoadError("load_bad_level", grid=g["name"], valid="、".join(GRID_LEVELS))
    name = str(g["name"])
    building_no = str(g["building_no"]) if g.get("building_no") is not None else None
    plan.grids[(community_id, name)] = {"level": g["level"], "building_no": building_no, "parent": parent}
    grids.add(name)
    counts["grids"] += 1
    for child in g.get("children") or []:
        _plan_grid(plan, community_id, child, name, grids, counts)


def _grid_ref(grids: set[str], name, where: str) -> str | None:
    if name is None:
        return None
    if str(name) not in grids:
        raise LoadError("load_unknown_grid", where=where, grid=name)
    return str(name)


def _require(item, keys, what) -> None:
    if not isinstance(item, dict):
        raise LoadError("load_not_mapping", what=say(f"load_what_{what}"), item=item)
    missing = [k for k in keys if k not in item]
    if missing:
        raise LoadError("load_missing", what=say(f"load_what_{what}"), name=item.get("id") or item.get("name") or "",
                        keys="、".join(missing))
