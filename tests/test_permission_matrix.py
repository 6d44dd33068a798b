"""The permission matrix (issue 15, items 3 and 11; issue 13: the scope of each level).

1. Every role-restricted command, tried by everyone it is not for (a resident, a member,
   another community's secretary), is refused and writes nothing.
2. Every command that names a person finds only people of the acting staff member's
   community: 和平里's secretary naming 幸福里's people, by name, id or real @mention,
   gets "没有找到" and writes nothing; naming their own people works.
3. Scope (issue 13): each role × each command that acts on a ticket or a place × in / out of its
   scope. A street officer acts in every community of their street, a secretary in theirs, a grid
   worker only in their grid, a department's contact only on the work handed to their department;
   out of scope is refused and writes nothing.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from bot.clock import to_local, utcnow
from bot.db.models import PointsEntry
from bot.db.models_members import ActivitySignup, MemberProfile
from bot.services import loader
from bot.services.directory import DEPARTMENT, STAFF
from bot.services.people import CAN_TAKE_TICKETS
from tests.harness import (
    EAST,
    GRID_WORKER,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBERS,
    RES_ZHAO,
    SECRETARY,
    WEST,
    BotHarness,
    keys,
    texts,
)

OFFICER, DEPT_CG, DEPT_GS = "st-zhang", "cg-liu", "gs-he"  # the demo's street (bot/demo/demo.yaml)
LEADERS = ("secretary", "street_officer")
HP_SEC, HP_WORKER, HP_MEMBER, HP_RESIDENT, HP_LI = "hp-secretary", "hp-worker", "hp-m1", "hp-r1", "hp-li"
HP_ROOM, HP_MEMBERS = "hp-north", "hp-members"
HP_NAMES = {HP_SEC: "马书记", HP_WORKER: "杨网格员", HP_MEMBER: "郑师傅", HP_RESIDENT: "钱大爷", HP_LI: "李师傅",
            OFFICER: "张主任", DEPT_CG: "城管刘科长", DEPT_GS: "供水何工"}
HEPING = {"communities": [{
    "id": "heping", "name": "和平里社区",
    "grids": [{"name": "北院", "level": "estate",
               "children": [{"name": "11号楼", "level": "building", "building_no": "11"}]}],
    "rooms": [{"id": HP_ROOM, "name": "北院居民群", "kind": "grid", "grid": "北院"},
              {"id": HP_MEMBERS, "name": "和平里党员群", "kind": "members"}],
    "people": [
        {"id": HP_SEC, "name": "马书记", "roles": ["secretary"]},
        {"id": HP_WORKER, "name": "杨网格员", "roles": ["grid_worker"], "grid": "北院"},
        {"id": HP_MEMBER, "name": "郑师傅", "roles": ["member"], "grid": "11号楼", "skills": "水电维修"},
        {"id": HP_RESIDENT, "name": "钱大爷", "roles": ["resident"], "grid": "11号楼"},
        {"id": HP_LI, "name": "李师傅", "roles": ["member"]},  # a namesake of 幸福里's 李师傅
        {"id": MEMBER_CHEN, "name": "陈老师", "roles": ["member"]},  # serves both communities
    ],
}]}
# Rows a refusal may write: the message id and the reply. Everything else must stay as it was.
_BOOKKEEPING = {"processedmessage", "outboxmessage", "processed_message", "outbox_message"}


async def hp(bot: BotHarness, who: str, said: str, room: str | None = None, **kw):
    return await bot.say(who, said, room, name=HP_NAMES.get(who, who), **kw)


async def snapshot(bot: BotHarness, *, skip: set[str] = frozenset()) -> dict[str, list]:
    """Every row of every table but the bookkeeping a refusal writes."""
    out = {}
    async with bot.runtime.db.sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in _BOOKKEEPING | skip:
                continue
            rows = (await session.execute(text(f'SELECT * FROM "{table.name}"'))).all()
            out[table.name] = sorted(map(repr, rows))
    return out


def soon() -> str:
    return to_local(utcnow() + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
async def two(bot):
    """幸福里 (the demo) and 和平里, each with an open ticket #1, an activity #1 and a pending registration;
    李师傅 of 幸福里 holds 10 points there, so a deduction that should be refused could happen."""
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=HEPING)
    await bot.open_ticket()
    assert "#1" in texts(await hp(bot, HP_RESIDENT, "11号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", HP_ROOM))
    assert "已发布" in texts(await bot.say(SECRETARY, f"/活动 发布 清理楼道 {soon()} 3号楼门口 10 2", None))
    assert "已发布" in texts(await hp(bot, HP_SEC, f"/活动 发布 清理楼道 {soon()} 北院 10 2"))
    assert "等待" in texts(await bot.say("xf-newbie", "报到 3号楼 特长 水电维修", MEMBERS, name="张三"))
    assert "等待" in texts(await bot.say("hp-newbie", "报到 11号楼 特长 电工", HP_MEMBERS, name="韩梅"))
    assert "+10" in texts(await bot.say(GRID_WORKER, "/加分 @李师傅 10 帮忙", None))
    return bot


# -- 1. roles --------------------------------------------------------------------------------------
# One sample per role-restricted route, by the route's label; a new restricted command must be added.
STAFF_SAMPLES = {
    "广播": "/广播 全体 明天停水", "派单": "/派单 1 @李师傅", "验收": "/验收 1 通过",
    "加分": "/加分 @李师傅 2 帮忙", "冲正": "/冲正 1 记错了", "星级评定": "/星级评定 2026上半年",
    "审核": "/审核 @张三 通过", "定时": "/定时 明天 8:00 开会", "统计": "/统计 本周",
    "商品": "/商品 上架 洗衣液 5 20", "核销": "/核销 ABCDEF", "活动 发布": "/活动 发布 清理楼道 明天9点 3号楼 10 2",
    "活动 确认": "/活动 1 确认 @李师傅", "活动 取消": "/活动 1 取消 下雨", "心愿 发布": "/心愿 发布 买一台收音机",
    "扣分": "/扣分 @李师傅 2 清空", "活动 名额": "/活动 1 名额 20", "验收照片": "/验收照片 设施报修 必须",
    "上报": "/上报 1 需要街道协调", "清单": "/清单 需求 添加 修路", "单位": "/单位 考核 3", "后台": "/后台",
    "集结": "/集结 党员 明天上午9点 核酸检测点 3 协助执勤", "战时": "/战时 开启 防汛",
    "队伍": "/队伍 新建 防汛突击队 @李师傅", "改": "/改 1 纠纷",
    "参加考核": "/参加考核 最少 4", "征集": "/征集 要不要加装电梯",
}
LEADER_SAMPLES = {"转办": "/转办 1 城管 限3天", "吹哨": "/吹哨 1 城管 供水", "督办": "/督办 1",
                  "部门": "/部门 新增 燃气"}
DEPARTMENT_SAMPLES = {"受理": "受理 1", "回复": "回复 1 已派人", "办结": "办结 1 修好了"}
MEMBER_SAMPLES = {"任务": "任务", "我的任务": "我的任务", "接单": "接单 1", "放弃": "放弃 1", "完成": "完成 1 修好了",
                  "分派": "分派 1 @李师傅"}


def test_every_restricted_route_is_in_the_matrix():
    from handlers import build_routers  # here, not at import: the registry's order follows the imports

    restricted = {(route.label, route.roles) for router in build_routers() for route in router.routes if route.roles}
    assert {label for label, roles in restricted if set(roles) == set(STAFF)} == set(STAFF_SAMPLES)
    assert {label for label, roles in restricted if set(roles) == set(CAN_TAKE_TICKETS)} == set(MEMBER_SAMPLES)
    assert {label for label, roles in restricted if set(roles) == set(LEADERS)} == set(LEADER_SAMPLES)
    assert {label for label, roles in restricted if set(roles) == {DEPARTMENT}} == set(DEPARTMENT_SAMPLES)
    assert all(set(roles) in (set(STAFF), set(CAN_TAKE_TICKETS), set(LEADERS), {DEPARTMENT})
               for _, roles in restricted)


OUTSIDERS = [(RES_ZHAO, EAST), (MEMBER_LI, MEMBERS), (HP_SEC, EAST)]


@pytest.mark.parametrize("command", [*STAFF_SAMPLES.values(), *LEADER_SAMPLES.values()])
@pytest.mark.parametrize("who,room", [*OUTSIDERS, (DEPT_CG, None)],
                         ids=["resident", "member", "other-secretary", "department"])
async def test_staff_commands_are_refused_to_everyone_else(two, command, who, room):
    await hp(two, who, "你好", room)  # 马书记 in 幸福里's group is a resident there
    before = await snapshot(two)
    replies = await hp(two, who, command, room)
    assert keys(replies) == ["err_forbidden"] and "仅限书记" in texts(replies), texts(replies)
    assert await snapshot(two) == before


@pytest.mark.parametrize("command", list(DEPARTMENT_SAMPLES.values()))
@pytest.mark.parametrize("who,room", [(RES_ZHAO, EAST), (MEMBER_LI, MEMBERS), (SECRETARY, None), (OFFICER, None)],
                         ids=["resident", "member", "secretary", "street-officer"])
async def test_department_commands_are_refused_to_everyone_else(two, command, who, room):
    before = await snapshot(two)
    replies = await hp(two, who, command, room)
    assert keys(replies) == ["err_forbidden"] and "仅限部门联系人" in texts(replies), texts(replies)
    assert await snapshot(two) == before


@pytest.mark.parametrize("command", list(MEMBER_SAMPLES.values()))
async def test_member_commands_are_refused_to_residents(two, command):
    before = await snapshot(two)
    assert "仅限" in texts(await two.say(RES_ZHAO, command, EAST))
    assert await snapshot(two) == before


# -- 2. people named in commands ---------------------------------------------------------------------
# (what 马书记 of 和平里 types, real @mentions) naming 幸福里's people only
OUT_OF_SCOPE = [("@赵阿姨", ()), ("@res-zhao", ()), ("@mem-li", ()), ("@李师傅", (MEMBER_LI,)), ("赵阿姨", ())]
NAMING_COMMANDS = ["/加分 {who} 5 帮忙", "/加分 {who} 志愿劳动", "/扣分 {who} 5 清空", "/派单 1 {who}",
                   "/活动 1 确认 {who}", "/审核 {who} 通过"]


@pytest.mark.parametrize("command", NAMING_COMMANDS)
@pytest.mark.parametrize("who,mentions", OUT_OF_SCOPE, ids=["name", "resident-id", "member-id", "mention", "bare"])
@pytest.mark.parametrize("room", [None, HP_ROOM], ids=["private", "group"])
async def test_another_communitys_people_are_not_found(two, command, who, mentions, room):
    before = await snapshot(two)
    replies = await hp(two, HP_SEC, command.format(who=who), room, mentions=mentions)
    assert keys(replies) == ["err_person_not_found"] and "没有找到" in texts(replies), texts(replies)
    assert await snapshot(two) == before


async def test_another_communitys_registrant_is_not_found(two):
    before = await snapshot(two)
    assert "没有找到「张三」" in texts(await hp(two, HP_SEC, "/审核 @张三 通过"))
    assert "没有找到" in texts(await hp(two, HP_SEC, "/审核 @xf-newbie 通过", mentions=("xf-newbie",)))
    assert await snapshot(two) == before


async def points_of(bot, person_id: str) -> list[tuple[str, int, str]]:
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(PointsEntry).where(PointsEntry.person_id == person_id)
                                     .order_by(PointsEntry.id))
        return [(e.community_id, e.amount, e.actor_id) for e in rows]


IN_SCOPE = [("@郑师傅", ()), (f"@{HP_MEMBER}", ()), ("@郑师傅", (HP_MEMBER,)), ("郑师傅", ())]


@pytest.mark.parametrize("who,mentions", IN_SCOPE, ids=["name", "id", "mention", "bare"])
async def test_own_communitys_people_are_found_by_every_command(two, who, mentions):
    say = lambda command, by=HP_SEC: hp(two, by, command.format(who=who), mentions=mentions)  # noqa: E731
    assert "+5" in texts(await say("/加分 {who} 5 帮忙"))
    assert "+2" in texts(await say("/加分 {who} 志愿劳动"))
    assert "-3" in texts(await say("/扣分 {who} 3 记错了", by=HP_WORKER))
    assert "派给 郑师傅" in texts(await say("/派单 1 {who}"))
    assert "郑师傅" in texts(await say("/活动 1 确认 {who}"))
    assert await points_of(two, HP_MEMBER) == [("heping", 5, HP_SEC), ("heping", 2, HP_SEC),
                                               ("heping", -3, HP_WORKER), ("heping", 2, HP_SEC)]
    assert (await two.ticket(1, "heping")).claimer_id == HP_MEMBER
    assert (await two.ticket(1)).claimer_id is None  # 幸福里's #1 untouched
    async with two.runtime.db.sessions() as session:
        attended = list(await session.scalars(select(ActivitySignup.person_id)
                                              .where(ActivitySignup.attended_at.is_not(None))))
    assert attended == [HP_MEMBER]


async def test_own_registrant_is_reviewed(two):
    assert "韩梅" in texts(await hp(two, HP_SEC, "/审核 @韩梅 通过"))
    async with two.runtime.db.sessions() as session:
        statuses = dict((await session.execute(select(MemberProfile.person_id, MemberProfile.status))).all())
    assert statuses == {"hp-newbie": "approved", "xf-newbie": "pending"}


async def test_a_namesake_resolves_to_the_person_of_ones_own_community(two):
    assert "+5" in texts(await hp(two, HP_SEC, "/加分 @李师傅 5 帮忙"))
    assert await points_of(two, HP_LI) == [("heping", 5, HP_SEC)]
    assert await points_of(two, MEMBER_LI) == [("xingfuli", 10, GRID_WORKER)]


async def test_a_person_serving_both_communities_is_found_from_each(two):
    assert "+5" in texts(await hp(two, HP_SEC, "/加分 @陈老师 5 帮忙"))
    assert "+3" in texts(await two.say(SECRETARY, "/加分 @陈老师 3 帮忙", None))
    assert await points_of(two, MEMBER_CHEN) == [("heping", 5, HP_SEC), ("xingfuli", 3, SECRETARY)]


async def test_two_people_of_one_name_need_an_at_mention(two):
    async with two.runtime.db.transaction() as session:  # a second 郑师傅 in 和平里
        await loader.load(session=session, data={"communities": [{
            "id": "heping", "name": "和平里社区",
            "people": [{"id": "hp-m9", "name": "郑师傅", "roles": ["member"]}]}]})
    before = await snapshot(two)
    assert "2 位叫「郑师傅」" in texts(await hp(two, HP_SEC, "/加分 @郑师傅 5 帮忙"))
    assert await snapshot(two) == before
    assert "+5" in texts(await hp(two, HP_SEC, "/加分 @郑师傅 5 帮忙", mentions=("hp-m9",)))
    assert await points_of(two, "hp-m9") == [("heping", 5, HP_SEC)]


# -- 3. scope by level (issue 13) ----------------------------------------------------------------------
# The demo's 新华街道 holds 幸福里 (东区 with 周网格员, 西区) and 安平里; 和平里 (loaded by ``two``) is
# in no street. Tickets: 幸福里 #2 in 东区 (1号楼), #3 in 西区 (6号楼); 安平里 #1; 和平里 #1.
AP_SEC, AP_ROOM, AP_RESIDENT = "sec-ma", "room-anping", "res-qian"


@pytest.fixture
async def street(two):
    await two.open_ticket("2号楼楼道灯坏了好几天了")  # #2, 东区
    assert "#3" in texts(await two.say(RES_ZHAO, "6号楼门口的路灯坏了", WEST, name="赵阿姨"))
    assert "#1" in texts(await two.say(AP_RESIDENT, "22号楼门口的路灯坏了", AP_ROOM, name="钱大爷"))
    return two


# (who, where, what they type, the reply key): in scope passes the scope check (and then the
# command's own rules answer), out of scope is refused.
SCOPE_CASES = [
    # a grid worker: only their grid (东区)
    (GRID_WORKER, None, "/派单 2 @李师傅", "ticket_assigned_ok"),
    (GRID_WORKER, None, "/派单 3 @李师傅", "err_outside_grid"),
    (GRID_WORKER, None, "/验收 2 通过", "err_bad_transition"),
    (GRID_WORKER, None, "/验收 3 通过", "err_outside_grid"),
    (GRID_WORKER, None, "/上报 2 处理不了", "dept_raised_ok"),
    (GRID_WORKER, None, "/上报 3 处理不了", "err_outside_grid"),
    (GRID_WORKER, None, "/转办 2 城管", "err_forbidden"),
    (GRID_WORKER, None, "/吹哨 2 城管", "err_forbidden"),
    (GRID_WORKER, None, "/督办 2", "err_forbidden"),
    (GRID_WORKER, None, "/统计 本月 东区", "stats_summary"),
    (GRID_WORKER, None, "/统计 本月 西区", "err_outside_grid_place"),
    (GRID_WORKER, None, "/统计 本月 6号楼", "err_outside_grid_place"),
    (GRID_WORKER, None, "/广播 东区 明天停水", "broadcast_preview"),
    (GRID_WORKER, None, "/广播 西区 明天停水", "err_outside_grid_place"),
    (GRID_WORKER, AP_ROOM, "/派单 1 @郑师傅", "err_forbidden"),  # another community: a resident there
    # a secretary: their community, every grid of it
    (SECRETARY, None, "/派单 3 @李师傅", "ticket_assigned_ok"),
    (SECRETARY, None, "/转办 3 城管 限3天", "dept_transfer_ok"),
    (SECRETARY, None, "/吹哨 3 城管 供水", "dept_whistle_ok"),
    (SECRETARY, None, "/督办 3", "dept_nothing_to_supervise"),
    (SECRETARY, None, "/统计 本月 西区", "stats_summary"),
    (SECRETARY, None, "/督办 安平里 1", "dept_unknown_community"),
    (SECRETARY, AP_ROOM, "/转办 1 城管", "err_forbidden"),
    (AP_SEC, None, "/转办 1 供水 限2天", "dept_transfer_ok"),
    (AP_SEC, EAST, "/转办 2 城管", "err_forbidden"),
    # the street officer: every community of the street, by its group or by name
    (OFFICER, None, "/转办 3 城管", "dept_transfer_ok"),
    (OFFICER, EAST, "/派单 3 @李师傅", "ticket_assigned_ok"),
    (OFFICER, None, "/督办 1", "dept_which_community"),  # 幸福里 #1 or 安平里 #1?
    (OFFICER, None, "/吹哨 安平里 1 城管", "dept_whistle_ok"),
    (OFFICER, AP_ROOM, "/督办 1", "dept_nothing_to_supervise"),
    (OFFICER, EAST, "/统计 本月 西区", "stats_summary"),
    (OFFICER, HP_ROOM, "/转办 1 城管", "err_forbidden"),  # 和平里 is not in the street
    (OFFICER, None, "/督办 和平里 1", "dept_unknown_community"),
    (HP_SEC, None, "/转办 1 城管", "err_no_street"),
    # editing the hierarchy: departments are the street's, streets and bindings the district's
    (SECRETARY, None, "/部门 新增 燃气", "hier_not_officer"),
    (OFFICER, None, "/部门 新增 燃气", "hier_department_added"),
    (OFFICER, None, "/辖区 绑定 和平里 新华街道", "hier_not_district_officer"),
    ("qu-li", None, "/辖区 绑定 和平里 新华街道", "hier_bound"),
]


@pytest.mark.parametrize("who,room,said,expected", SCOPE_CASES,
                         ids=[f"{w}-{c.split()[0]}-{c.split()[1]}-{e}" for w, _, c, e in SCOPE_CASES])
async def test_scope_by_level(street, who, room, said, expected):
    before = await snapshot(street)
    replies = await hp(street, who, said, room, mentions=())
    assert keys(replies)[0] == expected, texts(replies)
    if expected.startswith("err_") or expected.startswith("dept_unknown"):
        assert await snapshot(street) == before


async def test_a_grid_workers_statistics_and_notices_cover_only_their_grid(street):
    stats = texts(await street.say(GRID_WORKER, "/统计 本月", None))
    assert "诉求 2 件" in stats  # #1 and #2 of 东区; not 西区's #3
    assert "诉求 3 件" in texts(await street.say(SECRETARY, "/统计 本月", None))
    preview = texts(await street.say(GRID_WORKER, "/广播 全体 明天停水", None))
    assert "东区网格群" in preview and "党员志愿者群" in preview and "西区网格群" not in preview


async def test_a_department_answers_only_for_its_own_work(street):
    await street.say(SECRETARY, "/转办 1 城管 限3天", None)
    await street.say(SECRETARY, "/转办 2 城管 限3天", None)
    await hp(street, AP_SEC, "/转办 1 城管 限3天")
    before = await snapshot(street)
    assert keys(await hp(street, DEPT_GS, "受理 2")) == ["dept_no_task"]  # 供水 was not asked
    assert keys(await hp(street, DEPT_CG, "受理 1")) == ["dept_which_community"]  # #1 of 幸福里? of 安平里
    assert keys(await hp(street, DEPT_CG, "办结 3 修好了")) == ["dept_no_task"]
    assert await snapshot(street) == before
    assert keys(await hp(street, DEPT_CG, "受理 安平里 1"))[0] == "dept_accept_ok"
    assert keys(await hp(street, DEPT_CG, "受理 2"))[0] == "dept_accept_ok"
    assert (await street.ticket(1, "anping")).status == "claimed"
    assert keys(await hp(street, DEPT_CG, "受理 2")) == ["dept_bad_step"]  # once
