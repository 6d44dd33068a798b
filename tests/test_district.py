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
