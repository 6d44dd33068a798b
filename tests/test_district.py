"""bench/district.py at small scale (issue 16, item 4): the generated district is what the bot
reads (rooms, grids, roles) on either database, and a resident of it can report a problem."""
from __future__ import annotations

from sqlalchemy import func, select

from bench.district import Shape, build
from bot.db.models import Grid, PersonRole, Room, Ticket

SMALL = Shape().scaled(0.02)  # 2 communities, 9 groups, 240 members, 1,000 residents, 600 tickets


async def test_small_district_is_generated_and_usable(bot):
    db = bot.runtime.db
    counts = await build(db, SMALL)
    assert SMALL.communities == 2 and counts["communities"] == 2 and counts["rooms"] == SMALL.rooms == 9
    assert counts["people"] == SMALL.members + SMALL.residents + 3 * SMALL.communities
    assert counts["tickets"] == 600
    async with db.sessions() as session:
        by_role = dict((await session.execute(
            select(PersonRole.role, func.count()).where(PersonRole.community_id.like("d%"))
            .group_by(PersonRole.role))).all())
        grid_rooms = list(await session.scalars(select(Room).where(Room.kind == "grid", Room.id.like("d%"))))
        units = await session.scalar(select(func.count()).select_from(Grid).where(Grid.level == "unit",
                                                                                     Grid.community_id == "d000"))
    assert by_role == {"resident": 1000, "member": 240, "secretary": 2, "grid_worker": 4}
    assert len(grid_rooms) == 7 and all(r.grid_id for r in grid_rooms)
    assert units == SMALL.estates * SMALL.buildings * SMALL.units
    # A generated resident reports in a generated grid group: the ticket lands in that community.
    room = next(r for r in grid_rooms if r.community_id == "d000")
    replies = await bot.say("dp-r000000", "1号楼2单元水管爆了，水流了一地", room=room.id)
    assert any("#301" in r.text for r in replies), replies  # after the year's 300 tickets of d000
    async with db.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.community_id == "d000", Ticket.number == 301))
        statuses = dict((await session.execute(select(Ticket.status, func.count()).group_by(Ticket.status))).all())
    assert ticket is not None and ticket.reporter_id == "dp-r000000"
    assert statuses["closed"] > statuses["open"] > 0
    # Ids after the generated grids are still free (the PostgreSQL sequence was moved past them).
    async with db.transaction() as session:
        session.add(Grid(community_id="d000", level="estate", name="新建片区"))
        await session.flush()


async def test_the_district_file_loads_complete_and_correct(bot):
    """`gridbot load` of the generated district (bulk writes, bot/services/loader_bulk.py): every
    community, grid (with its parent), room, person and role as generated; loading again changes
    nothing, and a changed name, grid or skill is updated in place."""
    from bench.district import document, generate
    from bot.db.models import Community, Person
    from bot.db.models_streets import Street
    from bot.services import loader

    db = bot.runtime.db
    doc = document(SMALL)
    async with db.transaction() as session:
        counts = await loader.load(session=session, data=doc)
    rows = generate(SMALL)
    assert counts["people"] == len(rows["person"]) and counts["grids"] == len(rows["grid"])

    async def snapshot() -> tuple:
        async with db.sessions() as session:
            grids = {g.id: g for g in await session.scalars(select(Grid).where(Grid.community_id.like("d%")))}
            tree = {(g.community_id, g.name, g.level, g.building_no, grids[g.parent_id].name if g.parent_id else None)
                    for g in grids.values()}
            rooms = {(r.id, r.community_id, r.name, r.kind, grids[r.grid_id].name if r.grid_id else None)
                     for r in await session.scalars(select(Room).where(Room.id.like("d%")))}
            people = dict((await session.execute(select(Person.id, Person.name).where(Person.id.like("dp-%")))).all())
            roles = {(r.person_id, r.community_id, r.role, grids[r.grid_id].name if r.grid_id else None, r.skills)
                     for r in await session.scalars(select(PersonRole).where(PersonRole.person_id.like("dp-%")))}
            communities = dict((await session.execute(select(Community.id, Community.street_id)
                                                      .where(Community.id.like("d%")))).all())
            streets = set(await session.scalars(select(Street.id)))
        return tree, rooms, people, roles, communities, streets

    tree, rooms, people, roles, communities, streets = await snapshot()
    names = {g["id"]: g["name"] for g in rows["grid"]}
    assert tree == {(g["community_id"], g["name"], g["level"], g["building_no"], names.get(g["parent_id"]))
                    for g in rows["grid"]}
    assert rooms == {(r["id"], r["community_id"], r["name"], r["kind"], names.get(r["grid_id"])) for r in rows["room"]}
    assert people == {p["id"]: p["name"] for p in rows["person"]}
    assert roles == {(r["person_id"], r["community_id"], r["role"], names.get(r["grid_id"]), None)
                     for r in rows["person_role"]}
    assert communities == {"d000": "ds0", "d001": "ds1"} and {"ds0", "ds1"} <= streets
    # Loading the same file again changes nothing.
    async with db.transaction() as session:
        await loader.load(session=session, data=doc)
    assert await snapshot() == (tree, rooms, people, roles, communities, streets)
    # A second file updates one person's name, grid and skills, one room's grid; the rest stays.
    community = doc["communities"][0]
    person = next(p for p in community["people"] if p["roles"] == ["member"])
    person.update(name="改名", grid="2号楼", skills="水电")
    room = next(r for r in community["rooms"] if r["kind"] == "grid")
    room["grid"] = "2号楼"
    async with db.transaction() as session:
        await loader.load(session=session, data={"communities": [community]})
    after = await snapshot()
    assert after[2] == {**people, person["id"]: "改名"}
    assert (person["id"], "d000", "member", "2号楼", "水电") in after[3] and len(after[3]) == len(roles)
    assert (room["id"], "d000", room["name"], "grid", "2号楼") in after[1] and len(after[1]) == len(rooms)
    assert after[0] == tree
    # And a resident of the loaded district reports in one of its groups.
    replies = await bot.say("dp-r000000", "1号楼2单元水管爆了，水流了一地", room="d000-r0000")
    assert any("#1" in r.text for r in replies), replies


async def test_a_grid_named_twice_ends_where_its_last_mention_puts_it(bot):
    """As when the file was written row by row: the last mention of a grid gives its parent,
    level and number; a file nesting a grid inside itself loads (its parents are set afterwards)."""
    from bot.services import loader

    db = bot.runtime.db
    data = {"communities": [{"id": "dx", "name": "重名社区", "grids": [
        {"name": "东区", "level": "estate", "children": [{"name": "1号楼", "level": "building", "building_no": 1}]},
        {"name": "西区", "level": "estate", "children": [{"name": "1号楼", "level": "building", "building_no": 9}]},
        {"name": "乙", "level": "estate", "children": [{"name": "甲", "level": "building", "children": [
            {"name": "乙", "level": "unit"}]}]},
    ]}]}
    async with db.transaction() as session:
        counts = await loader.load(session=session, data=data)
    assert counts["grids"] == 7  # mentions
    async with db.sessions() as session:
        grids = {g.name: g for g in await session.scalars(select(Grid).where(Grid.community_id == "dx"))}
    assert set(grids) == {"东区", "西区", "1号楼", "甲", "乙"}
    assert grids["1号楼"].parent_id == grids["西区"].id and grids["1号楼"].building_no == "9"
    assert grids["甲"].parent_id == grids["乙"].id and grids["乙"].parent_id == grids["甲"].id
    assert grids["乙"].level == "unit"
