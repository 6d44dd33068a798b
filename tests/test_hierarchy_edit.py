"""Editing the hierarchy in chat (issue 13, item 1: "loaded from the directory YAML and editable"):
a street officer adds a department, renames one and changes its contact; the district office adds a
street and moves a community into it. Each edit is audited and the roles derived from it follow
(the new contact can 受理, the old one cannot; the old street's officer no longer reaches the moved
community). Secretaries and street officers cannot do what is above them, and write nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Community, PersonRole
from bot.db.models_console import ConsoleAudit
from bot.db.models_streets import Department, Street
from tests.harness import RES_ZHAO, SECRETARY, keys, texts

OFFICER, DISTRICT_OFFICER, CG, GS = "st-zhang", "qu-li", "cg-liu", "gs-he"
AP_SEC, AP_RESIDENT, AP_ROOM = "sec-ma", "res-qian", "room-anping"


async def _audit(bot) -> list[tuple[str, str, str | None]]:
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(ConsoleAudit).where(ConsoleAudit.action.like("hierarchy.%"))
                                     .order_by(ConsoleAudit.id))
        return [(r.person_id, r.action, r.target) for r in rows]


async def _roles(bot, person: str) -> set[tuple[str, str]]:
    async with bot.runtime.db.sessions() as session:
        return {(r.community_id, r.role) for r in await session.scalars(
            select(PersonRole).where(PersonRole.person_id == person))}


async def test_a_street_officer_edits_the_streets_departments(bot):
    listed = texts(await bot.say(OFFICER, "/部门", None, name="张主任"))
    assert "城管（联系人：城管刘科长）" in listed and "供水（联系人：供水何工）" in listed
    await bot.say("gas-wang", "你好", None, name="燃气王工")  # known to the bot, no role anywhere
    added = await bot.say(OFFICER, "/部门 新增 燃气 @燃气王工", None, name="张主任", mentions=("gas-wang",))
    assert keys(added) == ["hier_department_added", "hier_contact_told"], texts(added)
    assert ("xingfuli", "department") in await _roles(bot, "gas-wang")
    assert ("anping", "department") in await _roles(bot, "gas-wang")
    # The new department works at once: 转办 to it, its contact accepts.
    await bot.open_ticket("3号楼楼下有很重的燃气味")
    assert keys(await bot.say(SECRETARY, "/转办 1 燃气 限1天", None))[0] == "dept_transfer_ok"
    assert keys(await bot.say("gas-wang", "受理 幸福里 1", None, name="燃气王工"))[0] == "dept_accept_ok"
    assert keys(await bot.say(OFFICER, "/部门 新增 燃气", None))[0] == "hier_department_exists"

    renamed = await bot.say(OFFICER, "/部门 改名 城管 城管执法队", None)
    assert keys(renamed) == ["hier_department_renamed"]
    assert keys(await bot.say(SECRETARY, "/转办 1 城管执法队", None))[0] == "dept_transfer_ok"

    moved = await bot.say(OFFICER, "/部门 联系人 供水 @城管刘科长", None)
    assert keys(moved) == ["hier_contact_set", "hier_contact_told"], texts(moved)
    assert await _roles(bot, GS) == set()  # 供水何工 is no department's contact any more
    assert keys(await bot.say(GS, "受理 幸福里 1", None))[0] == "err_forbidden"
    assert [a for _, a, _ in await _audit(bot)] == ["hierarchy.department.add", "hierarchy.department.rename",
                                                    "hierarchy.department.contact"]
    async with bot.runtime.db.sessions() as session:
        names = set(await session.scalars(select(Department.name).where(Department.street_id == "xinhua")))
    assert names == {"城管执法队", "供水", "燃气"}


async def test_bad_department_edits_are_refused_and_write_nothing(bot):
    for said, key in [("/部门 新增 燃气", "hier_not_officer"), ("/部门 改名 城管 城管局", "hier_not_officer")]:
        assert keys(await bot.say(SECRETARY, said, None))[0] == key  # a secretary lists, but does not edit
    assert "城管" in texts(await bot.say(SECRETARY, "/部门", None))
    for said, key in [("/部门 改名 消防 消防队", "err_department_not_found"), ("/部门 新增", "err_usage"),
                      ("/部门 拆了 城管", "err_usage"), ("/部门 联系人 城管 @没这个人", "err_person_not_found"),
                      ("/部门 新增 红旗街道 燃气", "hier_street_not_yours"),
                      ("/部门 新增 " + "很" * 31, "hier_bad_name")]:
        assert keys(await bot.say(OFFICER, said, None))[0] == key, (said, texts(await bot.say(OFFICER, said, None)))
    assert keys(await bot.say(RES_ZHAO, "/部门 新增 燃气", None))[0] == "err_forbidden"
    assert await _audit(bot) == []
    async with bot.runtime.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Department)) == 2


async def test_the_district_office_adds_a_street_and_moves_a_community(bot):
    assert "新华街道：安平里社区、幸福里社区" in texts(await bot.say(DISTRICT_OFFICER, "/辖区", None))
    for who in (OFFICER, SECRETARY):
        assert keys(await bot.say(who, "/辖区 新增街道 红旗街道", None))[0] == "hier_not_district_officer"
    assert keys(await bot.say(DISTRICT_OFFICER, "/辖区 新增街道 红旗街道", None)) == ["hier_street_added"]
    assert keys(await bot.say(DISTRICT_OFFICER, "/辖区 新增街道 红旗街道", None)) == ["hier_street_exists"]
    assert keys(await bot.say(DISTRICT_OFFICER, "/辖区 绑定 没有社区 红旗街道", None)) == ["hier_community_not_found"]
    assert keys(await bot.say(DISTRICT_OFFICER, "/辖区 绑定 安平里 东风街道", None)) == ["hier_street_not_yours"]
    assert "#1" in texts(await bot.say(AP_RESIDENT, "22号楼门口的路灯坏了", AP_ROOM, name="钱大爷"))
    assert keys(await bot.say(OFFICER, "/督办 安平里 1", None))[0] == "dept_nothing_to_supervise"  # in reach

    bound = await bot.say(DISTRICT_OFFICER, "/辖区 绑定 安平里 红旗街道", None)
    assert keys(bound) == ["hier_bound"] and "原来：新华街道" in texts(bound)
    async with bot.runtime.db.sessions() as session:
        street = await session.scalar(select(Street).where(Street.name == "红旗街道"))
        assert (await session.get(Community, "anping")).street_id == street.id
    # 新华街道's officer and departments no longer reach 安平里; the district officer still does.
    assert ("anping", "street_officer") not in await _roles(bot, OFFICER)
    assert ("anping", "department") not in await _roles(bot, CG)
    assert ("xingfuli", "department") in await _roles(bot, CG)
    assert keys(await bot.say(OFFICER, "/督办 安平里 1", None))[0] == "dept_unknown_community"
    assert keys(await bot.say(AP_SEC, "/转办 1 城管", None, name="马书记"))[0] == "err_department_not_found"
    assert ("anping", "street_officer") in await _roles(bot, DISTRICT_OFFICER)
    renamed = await bot.say(DISTRICT_OFFICER, "/辖区 街道改名 红旗街道 红星街道", None)
    assert keys(renamed) == ["hier_street_renamed"]
    assert "红星街道：安平里社区" in texts(await bot.say(DISTRICT_OFFICER, "/辖区", None))
    assert [(p, a) for p, a, _ in await _audit(bot)] == [
        (DISTRICT_OFFICER, "hierarchy.street.add"), (DISTRICT_OFFICER, "hierarchy.community.bind"),
        (DISTRICT_OFFICER, "hierarchy.street.rename")]
