"""A generated district, written into either database with bulk inserts (issue 16, item 4).

    .venv/bin/python -m bench.district --url sqlite+aiosqlite:///district.db
    .venv/bin/python -m bench.district --url postgresql+asyncpg://postgres@127.0.0.1/district [--scale 0.1]

Defaults follow the seed reports' district: 119 communities, 470 groups (one members' group per
community, the other 351 grid groups spread over the communities, each bound to an estate),
12,000 members and 50,000 residents, plus one secretary and two grid workers per community, and
a year of tickets (30,000, mostly verified or closed, numbered per community).
Each community is a grid tree of estates → buildings → units; residents live in a unit, members
in a building. Ids are ``dNNN`` (community), ``dNNN-r…`` (rooms), ``dp…`` (people), so a
district sits beside the demo community. Names are deterministic (``seed``).

``build`` is what tests call, at small scale; the command prints counts and seconds.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.db.models import Community, Grid, Person, PersonRole, Room, Ticket

CHUNK = 5_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕"
STREETS = "东西南北中"


@dataclass(frozen=True)
class Shape:
    communities: int = 119
    rooms: int = 470
    members: int = 12_000
    residents: int = 50_000
    estates: int = 3  # per community
    buildings: int = 6  # per estate
    units: int = 2  # per building
    tickets: int = 30_000  # over the past year, most verified or closed

    def scaled(self, scale: float) -> "Shape":
        def s(n: int) -> int:
            return max(1, round(n * scale))
        communities = s(self.communities)
        return Shape(communities=communities, rooms=max(communities * 2, s(self.rooms)), members=s(self.members),
                     residents=s(self.residents), tickets=s(self.tickets), estates=self.estates, buildings=self.buildings, units=self.units)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate(shape: Shape = Shape(), *, seed: int = 16, first_grid_id: int = 1) -> dict[str, list[dict]]:
    """The district's rows by table (grid ids from ``first_grid_id``), deterministic for a seed."""
    rng = random.Random(seed)
    now = utcnow()
    communities = [{"id": f"d{c:03d}", "name": f"{STREETS[c % 5]}{c}号社区", "last_ticket_no": 0}
                   for c in range(shape.communities)]
    next_grid = first_grid_id
    grids: list[dict] = []
    estates: dict[str, list[int]] = {}
    buildings: dict[str, list[int]] = {}
    units: dict[str, list[int]] = {}
    for c in communities:
        cid = c["id"]
        for e in range(shape.estates):
            estate_id, next_grid = next_grid, next_grid + 1
            grids.append({"id": estate_id, "community_id": cid, "parent_id": None, "level": "estate",
                          "name": f"{STREETS[e % 5]}苑{e + 1}区", "building_no": None})
            estates.setdefault(cid, []).append(estate_id)
            for b in range(shape.buildings):
                number = e * shape.buildings + b + 1
                building_id, next_grid = next_grid, next_grid + 1
                grids.append({"id": building_id, "community_id": cid, "parent_id": estate_id, "level": "building",
                              "name": f"{number}号楼", "building_no": str(number)})
                buildings.setdefault(cid, []).append(building_id)
                for u in range(shape.units):
                    unit_id, next_grid = next_grid, next_grid + 1
                    grids.append({"id": unit_id, "community_id": cid, "parent_id": building_id, "level": "unit",
                                  "name": f"{number}号楼{u + 1}单元", "building_no": str(number)})
                    units.setdefault(cid, []).append(unit_id)
    rooms = [{"id": f"{c['id']}-members", "community_id": c["id"], "grid_id": None, "kind": "members",
              "name": f"{c['name']}党员群"} for c in communities]
    for i in range(shape.rooms - len(rooms)):
        c = communities[i % len(communities)]
        estate = estates[c["id"]][(i // len(communities)) % shape.estates]
        rooms.append({"id": f"{c['id']}-r{i:04d}", "community_id": c["id"], "grid_id": estate, "kind": "grid",
                      "name": f"{c['name']}网格群{i // len(communities) + 1}"})
    people: list[dict] = []
    roles: list[dict] = []

    def person(pid: str, cid: str, role: str, grid: int | None) -> None:
        people.append({"id": pid, "name": _name(rng), "created_at": now})
        roles.append({"person_id": pid, "community_id": cid, "role": role, "grid_id": grid, "skills": None})

    for c in communities:
        person(f"dp-{c['id']}-sec", c["id"], "secretary", None)
        for w in range(2):
            person(f"dp-{c['id']}-gw{w}", c["id"], "grid_worker", estates[c["id"]][w % shape.estates])
    for m in range(shape.members):
        cid = communities[m % len(communities)]["id"]
        person(f"dp-m{m:06d}", cid, "member", rng.choice(buildings[cid]))
    for r in range(shape.residents):
        cid = communities[r % len(communities)]["id"]
        person(f"dp-r{r:06d}", cid, "resident", rng.choice(units[cid]))
    tickets = _tickets(rng, shape, communities, units, now)
    return {"community": communities, "grid": grids, "room": rooms, "person": people, "person_role": roles,
            "ticket": tickets}


async def build(db: Database, shape: Shape = Shape(), *, seed: int = 16) -> dict[str, int]:
    """Write the district into ``db`` (schema already upgraded); returns row counts by table."""
    async with db.transaction() as session:
        first_grid = int(await session.scalar(select(func.coalesce(func.max(Grid.id), 0)))) + 1
    rows = generate(shape, seed=seed, first_grid_id=first_grid)
    async with db.transaction() as session:
        for table, name in ((Community, "community"), (Grid, "grid"), (Room, "room"), (Person, "person"),
                            (PersonRole, "person_role"), (Ticket, "ticket")):
            for start in range(0, len(rows[name]), CHUNK):
                await session.execute(insert(table), rows[name][start:start + CHUNK])
        if session.bind.dialect.name == "postgresql":  # explicit grid ids: move the sequence past them
            await session.execute(text("SELECT setval(pg_get_serial_sequence('grid', 'id'), (SELECT max(id) FROM grid))"))
    db.cache.clear()  # rooms and roles changed behind the directory cache
    return {"communities": len(rows["community"]), "grids": len(rows["grid"]), "rooms": len(rows["room"]),
            "people": len(rows["person"]), "person_roles": len(rows["person_role"]), "tickets": len(rows["ticket"])}


def document(shape: Shape = Shape(), *, seed: int = 16) -> dict:
    """The same district (without tickets) as a ``gridbot load`` file (bot/services/loader.py)."""
    rows = generate(shape, seed=seed)
    names = {g["id"]: g["name"] for g in rows["grid"]}
    tree: dict[int | None, list[dict]] = {}
    by_community: dict[str, dict] = {}
    for c in rows["community"]:
        by_community[c["id"]] = {"id": c["id"], "name": c["name"], "street": f"ds{int(c['id'][1:]) % 8}",
                                 "grids": [], "rooms": [], "people": []}
    for g in rows["grid"]:
        node = {"name": g["name"], "level": g["level"]}
        if g["building_no"] is not None:
            node["building_no"] = g["building_no"]
        tree[g["id"]] = node.setdefault("children", [])
        (by_community[g["community_id"]]["grids"] if g["parent_id"] is None else tree[g["parent_id"]]).append(node)
    for r in rows["room"]:
        room = {"id": r["id"], "name": r["name"], "kind": r["kind"]}
        if r["grid_id"] is not None:
            room["grid"] = names[r["grid_id"]]
        by_community[r["community_id"]]["rooms"].append(room)
    for p, role in zip(rows["person"], rows["person_role"]):
        entry = {"id": p["id"], "name": p["name"], "roles": [role["role"]]}
        if role["grid_id"] is not None:
            entry["grid"] = names[role["grid_id"]]
        by_community[role["community_id"]]["people"].append(entry)
    for c in by_community.values():  # leaves without children
        _prune(c["grids"])
    streets = [{"id": f"ds{k}", "name": f"{STREETS[k % 5]}{k}街道", "district": "dd"}
               for k in range(min(8, len(rows["community"])))]
    return {"districts": [{"id": "dd", "name": "生成区"}], "streets": streets, "communities": list(by_community.values())}


def _prune(nodes: list[dict]) -> None:
    for node in nodes:
        if node["children"]:
            _prune(node["children"])
        else:
            del node["children"]


# (status, share): a year's tickets are mostly finished; the last weeks' still open or in hand.
# Older than ACTIVE, every ticket is closed or cancelled: otherwise the scheduler spends its first
# half hour on a year of overdue reminders and follow-ups no real district would have waiting.
ACTIVE = timedelta(days=14)
STATUSES = (("closed", 0.55), ("verified", 0.3), ("done", 0.04), ("claimed", 0.04), ("open", 0.04),
            ("cancelled", 0.03))
TEXTS = (("repair", "{b}号楼{u}单元楼道灯坏了"), ("repair", "{b}号楼电梯坏了"), ("sanitation", "{b}号楼门口垃圾没人清"),
         ("greening", "{b}号楼旁边的树枝断了"), ("safety", "{b}号楼{u}单元消防通道被堵"), ("dispute", "{b}号楼楼上漏水"))


def _tickets(rng: random.Random, shape: Shape, communities: list[dict], units: dict[str, list[int]], now) -> list[dict]:
    rows = []
    for t in range(shape.tickets):
        c = communities[t % len(communities)]
        c["last_ticket_no"] += 1
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        category, template = rng.choice(TEXTS)
        building, unit = rng.randint(1, shape.estates * shape.buildings), rng.randint(1, shape.units)
        created = now - timedelta(days=rng.uniform(0, 365))
        if status not in ("closed", "cancelled") and now - created > ACTIVE:
            status = "closed"  # a ticket is not open, or verified and awaiting its follow-up, for months
        finished = created + timedelta(hours=rng.uniform(2, 96))
        claimer = None if status in ("open", "cancelled") else f"dp-m{rng.randrange(max(1, shape.members)):06d}"
        rows.append({
            "community_id": c["id"], "number": c["last_ticket_no"], "status": status, "category": category,
            "urgency": "normal", "text": template.format(b=building, u=unit), "evidence": None,
            "reporter_id": f"dp-r{rng.randrange(max(1, shape.residents)):06d}", "claimer_id": claimer,
            "room_id": None, "grid_id": rng.choice(units[c["id"]]), "building": str(building), "unit": str(unit),
            "room_no": None, "points_awarded": 2 if status in ("verified", "closed") else 0, "dispatch_level": 0,
            "affected_count": 1, "rating": None, "created_at": created, "updated_at": finished,
            "deadline_at": created + timedelta(days=3), "claimed_at": finished if claimer else None,
            "done_at": finished if status in ("done", "verified", "closed") else None,
            "verified_at": finished if status in ("verified", "closed") else None,
            "closed_at": finished if status == "closed" else None,
        })
    return rows


async def _main(url: str, shape: Shape) -> None:
    db = Database(url)
    try:
        await upgrade(db.engine)
        start = time.perf_counter()
        counts = await build(db, shape)
        print({**counts, "seconds": round(time.perf_counter() - start, 1)})
    finally:
        await db.dispose()


def write_file(path: str, shape: Shape, *, seed: int = 16) -> None:
    import yaml

    with open(path, "w", encoding="utf-8") as f:
        yaml.dump(document(shape, seed=seed), f, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  allow_unicode=True, sort_keys=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="DATABASE_URL of an empty (or demo-only) database")
    target.add_argument("--file", help="write a `gridbot load` file (YAML, no tickets) instead")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the district (default 1)")
    parser.add_argument("--buildings", type=int, default=Shape.buildings, help="buildings per estate")
    parser.add_argument("--units", type=int, default=Shape.units, help="units per building")
    args = parser.parse_args()
    shape = replace(Shape().scaled(args.scale), buildings=args.buildings, units=args.units)
    if args.file:
        write_file(args.file, shape)
    else:
        asyncio.run(_main(args.url, shape))


if __name__ == "__main__":
    main()
