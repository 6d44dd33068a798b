"""The scope matrix (issue 13, item 1): each level's staff × every staff command that acts on a ticket,
a person, a place or a community × in / out of their scope, generated.

Roles: 周网格员 (东区 of 幸福里), 王书记 (幸福里), 马书记 (安平里), 张主任 (新华街道: 幸福里 + 安平里) and the
district office's 李科长 (和平区: 新华街道), who holds a street officer's role in every community of the
district (docs/hierarchy.md). ``levels`` puts 和平里 in 红旗街道 of another district (河东区), so it is
out of reach of both officers.

In scope, the reply is not a scope refusal (the command's own rules may still answer: 「还没完成」).
Out of scope, the reply is a scope refusal and nothing is written. A staff command declared without
a row in COMMANDS fails ``test_every_staff_command_is_in_the_scope_matrix``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.db.models import PointsEntry
from bot.db.models_members import Voucher
from bot.db.models_mobilise import RollCallAnswer
from bot.db.models_schedule import ScheduledNotice
from bot.services import loader
from bot.services.directory import STAFF
from tests.harness import (
    EAST,
    GRID_WORKER,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBER_LIU,
    MEMBERS,
    NAMES,
    RES_WU,
    RES_ZHAO,
    SECRETARY,
    keys,
    texts,
)
from tests.test_permission_matrix import (  # noqa: F401 - the fixtures ``two`` and ``street``
    AP_ROOM,
    AP_SEC,
    HP_NAMES,
    HP_ROOM,
    LEADERS,
    OFFICER,
    snapshot,
    soon,
    street,
    two,
)

DISTRICT_OFFICER, AP_MEMBER, AP_MEMBERS = "qu-li", "mem-zheng", "room-anping-members"
WHO = {GRID_WORKER: "grid-worker", SECRETARY: "secretary-xingfuli", AP_SEC: "secretary-anping",
       OFFICER: "street-officer", DISTRICT_OFFICER: "district-officer"}
SAYS_AS = {**NAMES, **HP_NAMES, AP_SEC: "马书记", DISTRICT_OFFICER: "区网格中心李科长", AP_MEMBER: "郑师傅"}

# Every answer that means "not yours to act on": the role check, a grid worker's grid, another
# community's person / record / voucher / community, a street or district not one's own.
REFUSALS = {
    "err_forbidden", "err_outside_grid", "err_outside_grid_place", "err_outside_grid_person",
    "err_person_not_found", "err_entry_not_found", "shop_voucher_not_found", "dept_unknown_community",
    "err_no_street", "hier_not_officer", "hier_not_district_officer", "hier_street_not_yours",
    "hier_community_elsewhere",
}

# (label of the route) → (what it acts on, what the staff member types). ``grid``: a ticket, a place or
# a person of a grid (a grid worker is confined to theirs); ``community``: something of the whole
# community; ``street`` / ``district``: the hierarchy. ``{p}`` and the like come from a role's targets.
GRID, COMMUNITY, STREET, DISTRICT = "grid", "community", "street", "district"
COMMANDS = {
    "派单": (GRID, "/派单 {t} @{p}"), "验收": (GRID, "/验收 {t} 通过"), "改": (GRID, "/改 {t} 纠纷"),
    "上报": (GRID, "/上报 {n} 需要街道协调"), "转办": (GRID, "/转办 {n} 城管 限3天"),
    "吹哨": (GRID, "/吹哨 {n} 城管 供水"), "督办": (GRID, "/督办 {n}"),
    "加分": (GRID, "/加分 @{p} 2 帮忙"), "扣分": (GRID, "/扣分 @{p} 1 迟到"), "冲正": (GRID, "/冲正 {entry} 记错了"),
    "审核": (GRID, "/审核 @{reg} 通过"),
    "广播": (GRID, "/广播 {place} 明天停水"), "定时": (GRID, "/定时 明天 8:00 {place} 停水"),
    "统计": (GRID, "/统计 本月 {place}"), "集结": (GRID, "/集结 {place} 明天上午9点 核酸检测点 3 协助执勤"),
    "活动 发布": (COMMUNITY, "/活动 发布 清理楼道 {soon} 活动室 10 2"), "活动 确认": (COMMUNITY, "/活动 {act} 确认 @{p}"),
    "活动 名额": (COMMUNITY, "/活动 {act} 名额 20"), "活动 取消": (COMMUNITY, "/活动 {act} 取消 下雨"),
    "心愿 发布": (COMMUNITY, "/心愿 发布 买一台收音机"), "验收照片": (COMMUNITY, "/验收照片 设施报修 必须"),
    "星级评定": (COMMUNITY, "/星级评定 2026上半年"), "商品": (COMMUNITY, "/商品 上架 洗衣液 5 20"),
    "核销": (COMMUNITY, "/核销 {code}"), "清单": (COMMUNITY, "/清单 需求 添加 修路"),
    "单位": (COMMUNITY, "/单位 考核 3"), "战时": (COMMUNITY, "/战时 开启 防汛"),
    "队伍": (COMMUNITY, "/队伍 新建 防汛突击队 @{p}"), "参加考核": (COMMUNITY, "/参加考核 最少 4"),
    "征集": (COMMUNITY, "/征集 要不要加装电梯"),
    "部门": (STREET, "/部门 新增 {street} 燃气"), "辖区": (DISTRICT, "/辖区 绑定 {community} 新华街道"),
}
# Commands that name a person, a points record or a voucher: another community's, named in a private
# chat (where staff act in their own community), is not found.
NAMING = {"派单", "加分", "扣分", "冲正", "审核", "活动 确认", "核销", "队伍"}
# Commands that take a community before the ticket's number in a private chat (``{n}``: 「安平里 1」).
PLACE_FIRST = {"上报", "转办", "吹哨", "督办"}
HIERARCHY = {"部门", "辖区"}
# Staff commands acting on nothing of a place: the console's link (its pages check scope themselves,
# tests/test_console_access.py).
NOT_SCOPED = {"后台"}
# The label of a route that answers to two words (/部门 and /辖区).
WORDS_OF_ROUTE = {"部门": {"部门", "辖区"}}

# What each role acts on, by community. Ids of rows made by ``levels`` are filled in there.
XF_EAST = dict(t=2, p="李师傅", place="东区", act=1, entry="E_LI", reg="张三", code="CODE_XF",
               street="新华街道", community="安平里社区")
XF_WEST = {**XF_EAST, "t": 3, "p": "陈老师", "place": "西区", "entry": "E_CHEN", "reg": "李四"}
ANPING = dict(t=1, p="郑师傅", place="南院", act=1, entry="E_ZHENG", reg="王五", code="CODE_AP",
              street="新华街道", community="幸福里社区")
HEPING = dict(t=1, p="郑师傅", place="北院", act=1, entry="E_HP", reg="韩梅", code="CODE_HP",
              street="红旗街道", community="和平里社区")
FOREIGN_TO_XF = dict(p="郑师傅", entry="E_ZHENG", reg="王五", code="CODE_AP")
FOREIGN_TO_AP = dict(p="陈老师", entry="E_CHEN", reg="张三", code="CODE_XF")
OTHER_STREET = dict(street="红旗街道", community="和平里社区")


@dataclass(frozen=True)
class View:
    """One place a role acts from: in or out of its scope, the room, the targets, which commands."""

    name: str
    inside: bool
    room: str | None
    targets: dict
    levels: frozenset[str] = frozenset({GRID, COMMUNITY, STREET, DISTRICT})
    only: frozenset[str] | None = None  # these commands only


OFFICER_VIEWS = [
    View("幸福里", True, EAST, XF_WEST), View("安平里", True, AP_ROOM, ANPING),
    View("和平里", False, HP_ROOM, HEPING),
    View("named-幸福里", True, None, {**XF_WEST, "n": "幸福里 3"}, only=frozenset(PLACE_FIRST)),
    View("named-和平里", False, None, {**ANPING, **OTHER_STREET, "n": "和平里 1"},
         only=frozenset(PLACE_FIRST | HIERARCHY)),
]
VIEWS = {
    GRID_WORKER: [View("东区", True, None, XF_EAST), View("西区", False, None, XF_WEST, frozenset({GRID})),
                  View("安平里", False, AP_ROOM, ANPING)],
    SECRETARY: [View("幸福里", True, None, XF_WEST), View("安平里", False, AP_ROOM, ANPING),
                View("named-安平里", False, None, {**XF_WEST, **FOREIGN_TO_XF, "n": "安平里 1"},
                     only=frozenset(NAMING | PLACE_FIRST))],
    AP_SEC: [View("安平里", True, None, ANPING), View("幸福里", False, EAST, XF_WEST),
             View("named-幸福里", False, None, {**ANPING, **FOREIGN_TO_AP, "n": "幸福里 3"},
                  only=frozenset(NAMING | PLACE_FIRST))],
    OFFICER: OFFICER_VIEWS,
    DISTRICT_OFFICER: OFFICER_VIEWS,
}
# What a role may do at all (its level): a grid worker hands no ticket to departments; only street
# and district officers edit departments; only the district office edits the district.
NOT_FOR = {
    GRID_WORKER: {"转办", "吹哨", "督办", "部门", "辖区"},
    SECRETARY: {"部门", "辖区"}, AP_SEC: {"部门", "辖区"},
    OFFICER: {"辖区"}, DISTRICT_OFFICER: set(),
}


def _cases():
    """One test per role and view (the set-up is the cost: ~35 messages), its commands in turn: out of
    scope ones write nothing, so they share it; in scope ones run in ``COMMANDS`` order, which puts the
    hierarchy edits last."""
    for who, views in VIEWS.items():
        for view in views:
            rows = []
            for label, (level, template) in COMMANDS.items():
                if level not in view.levels or (view.only is not None and label not in view.only):
                    continue
                rows.append((label, template, view.inside and label not in NOT_FOR[who]))
            yield pytest.param(who, view.room, view.targets, rows, id=f"{WHO[who]}-{view.name}")


CASES = list(_cases())


def test_every_staff_command_is_in_the_scope_matrix():
    from handlers import build_routers  # here, not at import: the registry's order follows the imports

    staff = {route.label for router in build_routers() for route in router.routes
             if route.roles and set(route.roles) <= set(STAFF)}
    covered = set(NOT_SCOPED) | {word for label in COMMANDS for word in WORDS_OF_ROUTE.get(label, {label})}
    assert staff - NOT_SCOPED <= covered, f"staff commands missing from the scope matrix: {staff - covered}"
    assert covered <= staff | {w for words in WORDS_OF_ROUTE.values() for w in words}
    assert set(LEADERS) <= set(STAFF)
    assert set(VIEWS) == set(NOT_FOR) == set(WHO)


async def _say(bot, who: str, said: str, room: str | None):
    return await bot.say(who, said, room, name=SAYS_AS.get(who, who), mentions=())


@pytest.fixture
async def levels(street):  # noqa: F811 - the fixture imported above
    """``street`` (幸福里 #1 #2 in 东区, #3 in 西区; 安平里 #1; 和平里 #1), and in each community an
    activity, a registration waiting, a points record and a voucher; 和平里 in 红旗街道 of 河东区."""
    bot = street
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data={
            "districts": [{"id": "hedong", "name": "河东区", "officers": [{"id": "hd-zhao", "name": "赵科长"}]}],
            "streets": [{"id": "hongqi", "name": "红旗街道", "district": "hedong",
                         "officers": [{"id": "hq-sun", "name": "孙主任"}]}],
            "communities": [{"id": "heping", "name": "和平里社区", "street": "hongqi"}]})
    bot.runtime.db.cache.clear()
    assert "已发布" in texts(await _say(bot, AP_SEC, f"/活动 发布 清理楼道 {soon()} 南院 10 2", None))
    assert "等待" in texts(await bot.say("xf-west", "报到 6号楼 特长 电工", MEMBERS, name="李四"))
    assert "等待" in texts(await bot.say("ap-newbie", "报到 21号楼 特长 电工", AP_MEMBERS, name="王五"))
    assert "+6" in texts(await bot.say(SECRETARY, "/加分 @陈老师 6 帮忙", None))
    assert "+6" in texts(await _say(bot, AP_SEC, "/加分 @郑师傅 6 帮忙", None))
    assert "+6" in texts(await _say(bot, "hp-secretary", "/加分 @郑师傅 6 帮忙", None))
    assert "已上架" in texts(await bot.say(SECRETARY, "/商品 上架 洗衣液 5 20", None))
    assert "已上架" in texts(await _say(bot, AP_SEC, "/商品 上架 洗衣液 5 20", None))
    await bot.say(MEMBER_LI, "兑换 1", None)
    await _say(bot, AP_MEMBER, "兑换 1", None)
    for person, secretary in ((MEMBER_LI, SECRETARY), (MEMBER_CHEN, SECRETARY), (AP_MEMBER, AP_SEC)):
        assert "+3" in texts(await _say(bot, secretary, f"/加分 @{SAYS_AS[person]} 3 值班", None))  # reversible
    ids = {}
    async with bot.runtime.db.sessions() as session:
        for name, person, community in (("E_LI", MEMBER_LI, "xingfuli"), ("E_CHEN", MEMBER_CHEN, "xingfuli"),
                                        ("E_ZHENG", AP_MEMBER, "anping"), ("E_HP", "hp-m1", "heping")):
            ids[name] = await session.scalar(select(PointsEntry.id).where(
                PointsEntry.person_id == person, PointsEntry.community_id == community,
                PointsEntry.rule == "manual.award").order_by(PointsEntry.id.desc()).limit(1))
        for name, community in (("CODE_XF", "xingfuli"), ("CODE_AP", "anping")):
            ids[name] = await session.scalar(select(Voucher.code).where(Voucher.community_id == community))
    ids["CODE_HP"] = "ZZZZZZ"
    assert all(ids.values()), ids
    return bot, ids


@pytest.mark.parametrize("who,room,targets,rows", CASES)
async def test_scope_matrix(levels, who, room, targets, rows):
    bot, ids = levels
    values = {"n": targets["t"], **{k: ids.get(v, v) for k, v in targets.items()}}
    wrong = []
    for label, template, allowed in rows:
        said = template.format(soon=soon(), **values)
        before = await snapshot(bot)
        replies = await _say(bot, who, said, room)
        got = keys(replies)
        if not got or got[0] == "err_internal":
            wrong.append(f"{label}: {said!r} got {got} {texts(replies)}")
        elif allowed and got[0] in REFUSALS:
            wrong.append(f"{label}: {said!r} refused in scope: {got[0]} {texts(replies)}")
        elif not allowed and got[0] not in REFUSALS:
            wrong.append(f"{label}: {said!r} obeyed out of scope: {got[0]} {texts(replies)}")
        elif not allowed and await snapshot(bot) != before:
            wrong.append(f"{label}: {said!r} refused but wrote")
    assert not wrong, "\n".join(wrong)


async def test_a_grid_workers_notices_and_roll_calls_to_everyone_stay_in_their_grid(street):  # noqa: F811
    preview = texts(await street.say(GRID_WORKER, "/定时 明天 8:00 全体 停水", None))
    assert "东区网格群" in preview and "党员志愿者群" in preview and "西区网格群" not in preview
    assert keys(await street.say(GRID_WORKER, "确认", None)) == ["sched_created"]
    assert keys(await street.say(GRID_WORKER, "/集结 全体 明天上午9点 核酸检测点 3 协助执勤", None)) == ["rc_preview"]
    assert keys(await street.say(GRID_WORKER, "确认", None))[-1] == "rc_sent"
    async with street.runtime.db.sessions() as session:
        saved = [sorted(n.room_ids) for n in await session.scalars(select(ScheduledNotice))]
        asked = set(await session.scalars(select(RollCallAnswer.person_id)))
    assert saved == [sorted([EAST, MEMBERS])]
    assert {MEMBER_LI, MEMBER_LIU, RES_ZHAO} <= asked and not {MEMBER_CHEN, RES_WU} & asked  # 5号楼, 6号楼: 西区
    preview = texts(await street.say(SECRETARY, "/集结 全体 明天上午9点 核酸检测点 3 协助执勤", None))
    assert keys(await street.say(SECRETARY, "确认", None))[-1] == "rc_sent"
    async with street.runtime.db.sessions() as session:
        assert {MEMBER_CHEN, RES_WU} <= set(await session.scalars(select(RollCallAnswer.person_id)))


async def test_the_district_office_reaches_every_street_of_the_district_and_a_street_officer_only_theirs(street):  # noqa: F811
    """和平里, in no street, bound in chat to a new street of the district: 李科长 acts there, 张主任 does not."""
    assert keys(await _say(street, OFFICER, "/派单 1 @郑师傅", HP_ROOM)) == ["err_forbidden"]
    assert keys(await _say(street, DISTRICT_OFFICER, "/派单 1 @郑师傅", HP_ROOM)) == ["err_forbidden"]
    assert keys(await _say(street, DISTRICT_OFFICER, "/辖区 新增街道 光明街道", None)) == ["hier_street_added"]
    assert keys(await _say(street, DISTRICT_OFFICER, "/辖区 绑定 和平里 光明街道", None)) == ["hier_bound"]
    before = await snapshot(street)
    assert keys(await _say(street, OFFICER, "/派单 1 @郑师傅", HP_ROOM)) == ["err_forbidden"]
    assert keys(await _say(street, OFFICER, "/转办 和平里 1 城管", None)) == ["dept_unknown_community"]
    assert await snapshot(street) == before
    assert keys(await _say(street, DISTRICT_OFFICER, "/派单 1 @郑师傅", HP_ROOM))[0] == "ticket_assigned_ok"
    assert (await street.ticket(1, "heping")).claimer_id == "hp-m1"
    assert keys(await _say(street, DISTRICT_OFFICER, "/部门 新增 光明街道 燃气", None)) == ["hier_department_added"]
    assert keys(await _say(street, OFFICER, "/部门 新增 光明街道 燃气", None)) == ["hier_street_not_yours"]
