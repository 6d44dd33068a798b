"""Editing a community's grids in chat (/网格, issue 13 item 1): the secretary adds a grid, moves
buildings into it (with their units; a building it lacks is made there), names its grid worker and
renames it; each edit is audited and routing follows at once (a ticket at 7号楼 is the new grid's:
its grid worker may /派单 it, 周网格员 of 东区 may not). Grid workers are refused (secretary and street officers only); a person
outside the community cannot be made grid worker; a grid with buildings or open tickets cannot be
deleted. A street officer edits a community of their street by naming it."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Grid, PersonRole, Room
from bot.db.models_console import ConsoleAudit
from tests.harness import (
    GRID_WORKER,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBER_LIU,
    RES_WU,
    RES_ZHAO,
    SECRETARY,
    WEST,
    keys,
    texts,
)

OFFICER, AP_SEC = "st-zhang", "sec-ma"


async def _audit(bot) -> list[tuple[str, str, str | None]]:
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(ConsoleAudit).where(ConsoleAudit.action.like("hierarchy.%"))
                                     .order_by(ConsoleAudit.id))
        return [(r.person_id, r.action, r.target) for r in rows]


async def _grids(bot, community: str = "xingfuli") -> dict[str, Grid]:
    async with bot.runtime.db.sessions() as session:
        return {g.name: g for g in await session.scalars(select(Grid).where(Grid.community_id == community))}


async def _worker_grid(bot, person: str) -> int | None | str:
    async with bot.runtime.db.sessions() as session:
        row = await session.scalar(select(PersonRole).where(
            PersonRole.person_id == person, PersonRole.community_id == "xingfuli", PersonRole.role == "grid_worker"))
        return "none" if row is None else row.grid_id


async def test_the_secretary_builds_a_grid_and_routing_follows_at_once(bot):
    listed = texts(await bot.say(SECRETARY, "/网格", None))
    assert "东区：1号楼、2号楼、3号楼；网格员：周网格员" in listed and "西区：5号楼、6号楼、7号楼；网格员：—" in listed
    async with bot.runtime.db.transaction() as session:  # a unit under 7号楼 moves with it
        seven = await session.scalar(select(Grid).where(Grid.community_id == "xingfuli", Grid.name == "7号楼"))
        session.add(Grid(community_id="xingfuli", parent_id=seven.id, level="unit", name="7号楼1单元"))
    # Warm the caches (grid tree, actors) with 7号楼 in 西区 and 李师傅 a member only.
    assert "#1" in texts(await bot.say(RES_WU, "7号楼门口的路灯坏了，晚上很黑", WEST))
    assert keys(await bot.say(MEMBER_LI, "/派单 1 @陈老师", None, mentions=(MEMBER_CHEN,)))[0] == "err_forbidden"
    assert keys(await bot.say(MEMBER_LI, "我的积分", None))  # a committed message: 李师傅's roles are cached

    assert keys(await bot.say(SECRETARY, "/网格 新增 北区", None)) == ["hier_grid_added"]
    moved = await bot.say(SECRETARY, "/网格 北区 楼栋 7号楼 8号楼 8栋", None)
    assert keys(moved) == ["hier_grid_buildings"], texts(moved)
    assert "7号楼（原来在西区）" in texts(moved) and "8号楼（新建）" in texts(moved)
    grids = await _grids(bot)
    north = grids["北区"]
    assert north.level == "estate" and north.parent_id is None
    assert grids["7号楼"].parent_id == north.id and grids["7号楼1单元"].parent_id == grids["7号楼"].id
    assert (grids["8号楼"].parent_id, grids["8号楼"].level, grids["8号楼"].building_no) == (north.id, "building", "8")

    given = await bot.say(SECRETARY, "/网格 网格员 北区 @李师傅", None, mentions=(MEMBER_LI,))
    assert keys(given) == ["hier_grid_worker_set", "hier_grid_worker_told"], texts(given)
    assert given[0].text == "李师傅已是网格「北区」的网格员，已记录。"  # no grid before: nothing to say about it
    assert await _worker_grid(bot, MEMBER_LI) == north.id
    # Ticket #1 (7号楼, reported in the 西区 group) is 北区's now: its grid worker may send it, 东区's may not.
    assert keys(await bot.say(GRID_WORKER, "/派单 1 @陈老师", None, mentions=(MEMBER_CHEN,)))[0] == "err_outside_grid"
    sent = await bot.say(MEMBER_LI, "/派单 1 @陈老师", None, mentions=(MEMBER_CHEN,))
    assert keys(sent)[0] == "ticket_assigned_ok", texts(sent)
    # A ticket in 东区 is not the new grid worker's.
    assert "#2" in texts(await bot.say(RES_ZHAO, "2号楼楼道灯坏了好几天了"))
    assert keys(await bot.say(MEMBER_LI, "/派单 2 @陈老师", None, mentions=(MEMBER_CHEN,)))[0] == "err_outside_grid"

    assert keys(await bot.say(SECRETARY, "/网格 改名 北区 北片", None)) == ["hier_grid_renamed"]
    listed = texts(await bot.say(SECRETARY, "/网格", None))
    assert "北片：7号楼、8号楼；网格员：李师傅" in listed and "西区：5号楼、6号楼；网格员：—" in listed
    moved_zhou = await bot.say(SECRETARY, "/网格 网格员 北片 @周网格员", None, mentions=(GRID_WORKER,))
    assert keys(moved_zhou)[0] == "hier_grid_worker_set" and "原来负责：东区" in texts(moved_zhou)
    assert keys(await bot.say(GRID_WORKER, "/派单 1 @刘大姐", None, mentions=(MEMBER_LIU,)))[0] == \
        "ticket_assigned_ok"
    taken = await bot.say(SECRETARY, "/网格 网格员 北片 撤 @李师傅", None, mentions=(MEMBER_LI,))
    assert keys(taken) == ["hier_grid_worker_removed", "hier_grid_worker_untold"]
    assert await _worker_grid(bot, MEMBER_LI) == "none"
    assert keys(await bot.say(MEMBER_LI, "/派单 1 @陈老师", None, mentions=(MEMBER_CHEN,)))[0] == "err_forbidden"
    assert [(p, a, t) for p, a, t in await _audit(bot)] == [
        (SECRETARY, "hierarchy.grid.add", f"xingfuli:{north.id}"),
        (SECRETARY, "hierarchy.grid.buildings", f"xingfuli:{north.id}"),
        (SECRETARY, "hierarchy.grid.worker.add", MEMBER_LI),
        (SECRETARY, "hierarchy.grid.rename", f"xingfuli:{north.id}"),
        (SECRETARY, "hierarchy.grid.worker.add", GRID_WORKER),
        (SECRETARY, "hierarchy.grid.worker.remove", MEMBER_LI)]


async def test_bad_grid_edits_are_refused_and_write_nothing(bot):
    for said in ("/网格", "/网格 新增 北区", "/网格 西区 楼栋 1号楼", "/网格 网格员 东区 @李师傅"):
        refused = await bot.say(GRID_WORKER, said, None, mentions=(MEMBER_LI,))  # only secretary or street
        assert keys(refused) == ["err_forbidden"] and "书记、街道干部" in texts(refused), texts(refused)
    assert keys(await bot.say(RES_ZHAO, "/网格 新增 北区"))[0] == "err_forbidden"
    for said, key in [("/网格 中区 楼栋 9号楼", "hier_grid_unknown"), ("/网格 改名 中区 北区", "hier_grid_unknown"),
                      ("/网格 新增 东区", "hier_grid_name_used"), ("/网格 新增 1号楼", "hier_grid_name_used"),
                      ("/网格 改名 东区 西区", "hier_grid_name_used"), ("/网格 新增 " + "很" * 31, "hier_bad_name"),
                      ("/网格 西区 楼栋 7号楼2单元", "hier_grid_bad_building"),
                      ("/网格 西区 楼栋 8号楼 东区", "hier_grid_bad_building"),
                      ("/网格 东区 楼栋 3号楼 5号楼 9号楼 西区", "hier_grid_bad_building"),
                      ("/网格 网格员 东区 @没这个人", "err_person_not_found"),
                      ("/网格 网格员 东区 @马书记", "hier_grid_person_outside"),
                      ("/网格 网格员 东区 @周网格员", "hier_grid_worker_already"),
                      ("/网格 网格员 西区 撤 @周网格员", "hier_grid_worker_not_there"),
                      ("/网格 删除 东区", "hier_grid_has_buildings"), ("/网格 拆了 东区", "err_usage"),
                      ("/网格 安平里 新增 北院", "hier_grid_community_not_yours")]:
        replies = await bot.say(SECRETARY, said, None)
        assert keys(replies) == [key], (said, texts(replies))
    # 马书记 (安平里) is outside 幸福里, also when @mentioned.
    said = await bot.say(SECRETARY, "/网格 网格员 东区 @马书记", None, mentions=(AP_SEC,))
    assert keys(said) == ["hier_grid_person_outside"]
    # A grid with an open ticket (reported in its group) cannot go; an empty one can.
    assert keys(await bot.say(SECRETARY, "/网格 新增 北区", None)) == ["hier_grid_added"]
    async with bot.runtime.db.transaction() as session:
        north = await session.scalar(select(Grid).where(Grid.community_id == "xingfuli", Grid.name == "北区"))
        session.add(Room(id="room-north", community_id="xingfuli", grid_id=north.id, kind="grid", name="北区群"))
    assert "#1" in texts(await bot.say(RES_ZHAO, "小区东门的路灯坏了，晚上很黑", "room-north"))
    assert keys(await bot.say(SECRETARY, "/网格 删除 北区", None)) == ["hier_grid_has_tickets"]
    assert [a for _, a, _ in await _audit(bot)] == ["hierarchy.grid.add"]
    assert set(await _grids(bot)) == {"东区", "西区", "北区", "1号楼", "2号楼", "3号楼", "5号楼", "6号楼", "7号楼"}


async def test_an_empty_grid_is_deleted_and_a_street_officer_edits_a_community_of_the_street(bot):
    assert keys(await bot.say(SECRETARY, "/网格 新增 北区", None)) == ["hier_grid_added"]
    assert keys(await bot.say(SECRETARY, "/网格 删除 北区", None)) == ["hier_grid_deleted"]
    assert "北区" not in await _grids(bot)
    assert keys(await bot.say(AP_SEC, "/网格 幸福里 新增 北区", None, name="马书记")) == \
        ["hier_grid_community_not_yours"]
    added = await bot.say(OFFICER, "/网格 安平里 新增 北院", None, name="张主任")
    assert keys(added) == ["hier_grid_added"] and "安平里社区" in texts(added)
    assert keys(await bot.say(OFFICER, "/网格 安平里 北院 楼栋 22号楼", None)) == ["hier_grid_buildings"]
    grids = await _grids(bot, "anping")
    assert grids["22号楼"].parent_id == grids["北院"].id
    async with bot.runtime.db.transaction() as session:  # a grid worker for the whole 安平里 (as YAML may say)
        session.add(PersonRole(person_id="mem-zheng", community_id="anping", role="grid_worker"))
    listed = texts(await bot.say(OFFICER, "/网格 安平里", None))
    assert "北院：22号楼；网格员：—" in listed and "南院：21号楼；网格员：杨网格员" in listed
    assert "管全社区的网格员：郑师傅" in listed
    assert [(p, a) for p, a, _ in await _audit(bot)] == [
        (SECRETARY, "hierarchy.grid.add"), (SECRETARY, "hierarchy.grid.delete"),
        (OFFICER, "hierarchy.grid.add"), (OFFICER, "hierarchy.grid.buildings")]
