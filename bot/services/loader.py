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

Loading is idempotent: rows are matched by id (grids by name) and updated.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.directory_cache import cache_of, mark_changed
from bot.db.hooks import after_commit
from bot.db.models import Community, Grid, Room
from bot.db.models_streets import Street
from bot.replies import say
from bot.services import directory, streets, units

GRID_LEVELS = ("estate", "building", "unit")
ROOM_KINDS = ("grid", "members")


class LoadError(ValueError):
    """The file does not follow the format; the message (Chinese, bot/replies/cli.py) says where."""

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(say(key, **fields))
        self.key, self.fields = key, fields


def read_file(path: str | Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
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
    for c in data["communities"]:
        _require(c, ("id", "name"), "community")
        street_id = str(c["street"]) if c.get("street") is not None else None
        if street_id is not None and await session.get(Street, street_id) is None:
            raise LoadError("load_unknown_street", community=c["id"], street=street_id)
        community = await session.get(Community, str(c["id"]))
        if community is None:
            community = Community(id=str(c["id"]), name=c["name"], street_id=street_id)
            session.add(community)
        else:
            community.name = c["name"]
            if "street" in c:
                community.street_id = street_id
        await session.flush()
        counts["communities"] += 1
        grids: dict[str, Grid] = {}
        for g in c.get("grids") or []:
            await _load_grid(session, community.id, g, None, grids, counts)
        for r in c.get("rooms") or []:
            _require(r, ("id", "name", "kind"), "room")
            if r["kind"] not in ROOM_KINDS:
                raise LoadError("load_bad_room_kind", room=r["id"], valid="、".join(ROOM_KINDS))
            grid = _grid_ref(grids, r.get("grid"), f"{say('load_what_room')}「{r['id']}」")
            room = await session.get(Room, str(r["id"]))
            values = dict(community_id=community.id, name=r["name"], kind=r["kind"],
                          grid_id=grid.id if grid else None)
            if room is None:
                session.add(Room(id=str(r["id"]), **values))
            else:
                for key, value in values.items():
                    setattr(room, key, value)
            counts["rooms"] += 1
        for p in c.get("people") or []:
            _require(p, ("id", "name", "roles"), "person")
            await directory.ensure_person(session=session, person_id=str(p["id"]), name=p["name"])
            grid = _grid_ref(grids, p.get("grid"), f"{say('load_what_person')}「{p['id']}」")
            for role in p["roles"]:
                if role not in directory.ROLES:
                    raise LoadError("load_bad_role", person=p["id"], role=role, valid="、".join(directory.ROLES))
                await directory.add_role(session=session, person_id=str(p["id"]), community_id=community.id,
                                         role=role, grid_id=grid.id if grid else None, skills=p.get("skills"))
            counts["people"] += 1
        await session.flush()
    await streets.expand_roles(session=session)
    counts["units"] = await units.load_units(session=session, data=data, fail=_fail)
    return counts


def _fail(key: str, **fields: object) -> None:
    raise LoadError(key, **fields)


async def _load_grid(session, community_id, g, parent, grids, counts) -> None:
    _require(g, ("name", "level"), "grid")
    if g["level"] not in GRID_LEVELS:
        raise LoadError("load_bad_level", grid=g["name"], valid="、".join(GRID_LEVELS))
    grid = await session.scalar(select(Grid).where(Grid.community_id == community_id, Grid.name == g["name"]))
    building_no = str(g["building_no"]) if g.get("building_no") is not None else None
    if grid is None:
        grid = Grid(community_id=community_id, name=g["name"], level=g["level"],
                    parent_id=parent.id if parent else None, building_no=building_no)
        session.add(grid)
        await session.flush()
    else:
        grid.level, grid.building_no = g["level"], building_no
        grid.parent_id = parent.id if parent else None
    grids[g["name"]] = grid
    counts["grids"] += 1
    for child in g.get("children") or []:
        await _load_grid(session, community_id, child, grid, grids, counts)


def _grid_ref(grids: dict[str, Grid], name, where: str) -> Grid | None:
    if name is None:
        return None
    if name not in grids:
        raise LoadError("load_unknown_grid", where=where, grid=name)
    return grids[name]


def _require(item, keys, what) -> None:
    if not isinstance(item, dict):
        raise LoadError("load_not_mapping", what=say(f"load_what_{what}"), item=item)
    missing = [k for k in keys if k not in item]
    if missing:
        raise LoadError("load_missing", what=say(f"load_what_{what}"), name=item.get("id") or item.get("name") or "",
                        keys="、".join(missing))
