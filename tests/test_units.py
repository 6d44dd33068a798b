"""Work units (双报到, issue 13): the demo's two units support its communities; a unit's contact gets
a monthly report of what its members did, in any community (积分互认), as chat text and .xlsx; the
street sees which units' members have not served in N months."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.clock import to_local, utcnow
from bot.services import loader
from bot.web.app import create_app
from tests.harness import MEMBER_LI, MEMBERS, SECRETARY, keys, texts
from tests.schedule_helpers import local, private_to, tick

FGW_CONTACT, SWJ_CONTACT, OFFICER = "fgw-zhao", "swj-qin", "st-zhang"


async def li_serves_in_both_communities(bot) -> int:
    """李师傅 (市发改委) finishes a ticket in 幸福里 (rated 4) and earns points in 安平里 too."""
    number = await bot.done_ticket()
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    await bot.say("res-zhao", f"评价 {number} 4", None)
    async with bot.runtime.db.transaction() as session:  # 李师傅 also reports in 安平里 (a member there)
        await loader.load(session=session, data={"communities": [{"id": "anping", "name": "安平里社区", "people": [
            {"id": MEMBER_LI, "name": "李师傅", "roles": ["member"]}]}]})
    assert "+3" in texts(await bot.say("sec-ma", "/加分 @李师傅 3 帮忙", None, name="马书记"))
    return number


async def test_a_units_monthly_report_counts_service_everywhere(bot):
    await li_serves_in_both_communities(bot)
    month = to_local(utcnow()).strftime("%Y-%m")
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        resp = await client.get(f"/api/reports/unit/fgw/{month}.xlsx")
        assert resp.status == 200
        book = load_workbook(io.BytesIO(await resp.read()))
        assert (await client.get(f"/api/reports/unit/nowhere/{month}.xlsx")).status == 404
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("市发改委机关党委", f"{int(month[:4])}年{int(month[5:])}月")
    by_name = {r[0]: r for r in rows[2:]}
    li = by_name["李师傅"]
    assert rows[1][3] == "服务时长（小时）"
    assert li[1] == 1 and li[2] == 0 and li[3] == 0 and li[4] > 3 and li[5] == 4 and li[6] == "是"  # 幸福里 + 安平里's 3
    assert by_name["陈老师"][1:5] == (0, 0, 0, 0) and by_name["陈老师"][6] == "否"

    first = (to_local(utcnow()).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    await tick(bot, local(first, 9, 0))
    sent = private_to(await bot.outbox(), FGW_CONTACT)
    assert len(sent) == 1 and "市发改委机关党委" in sent[0].text and f"/api/reports/unit/fgw/{month}.xlsx" in sent[0].text
    assert "1/2 人参与了服务" in sent[0].text and "李师傅：服务 1 次" in sent[0].text
    assert "税务局" in private_to(await bot.outbox(), SWJ_CONTACT)[0].text
    await tick(bot, local(first, 9, 20))
    assert len(private_to(await bot.outbox(), FGW_CONTACT)) == 1  # once


async def test_the_street_sees_units_whose_members_did_not_serve(bot):
    await li_serves_in_both_communities(bot)
    secretary = texts(await bot.say(SECRETARY, "/单位 考核 3", None))
    assert "市发改委机关党委：陈老师" in secretary and "区税务局党支部：刘大姐" in secretary
    street = texts(await bot.say(OFFICER, "/单位 考核 3个月", None, name="张主任"))
    assert "区税务局党支部：刘大姐、郑师傅" in street
    assert "李师傅" not in street
    for bad in ("/单位", "/单位 考核 x", "/单位 考核 99", "/单位 报告"):
        assert keys(await bot.say(SECRETARY, bad, None)) == ["err_usage"], bad
    assert keys(await bot.say(MEMBER_LI, "/单位 考核 3", MEMBERS)) == ["err_forbidden"]


@pytest.mark.parametrize("data, message", [
    ({"communities": [], "units": [{"id": "u", "name": "U", "communities": ["nowhere"]}]}, "社区「nowhere」不存在"),
    ({"communities": [], "units": [{"id": "u", "name": "U", "members": ["ghost"]}]}, "党员「ghost」不存在"),
])
async def test_bad_units_are_refused(bot, data, message):
    with pytest.raises(loader.LoadError, match=message):
        async with bot.runtime.db.transaction() as session:
            await loader.load(session=session, data=data)


async def test_the_units_report_gives_each_members_service_hours(bot, monkeypatch):
    """Hours recorded at activities and roll calls (issue 17) count in the unit's report (issue 13)."""
    from bot.db.models_streets import WorkUnit
    from bot.services import units
    from tests.test_hours import serve

    await serve(bot, monkeypatch)  # 李师傅: 2 h at an activity, 3 h at a roll call
    now = utcnow()
    async with bot.runtime.db.sessions() as session:
        unit = await session.get(WorkUnit, "fgw")
        rows = await units.member_rows(session=session, unit_id="fgw", start=now - timedelta(days=1),
                                       end=now + timedelta(days=1))
    li = next(r for r in rows if r.person_id == MEMBER_LI)
    assert li.minutes == 300 and li.served
    assert "李师傅：服务 0 次，活动 1 次，服务 5 小时" in units.report_text(unit, rows, "本月")
    book = load_workbook(io.BytesIO(units.workbook(unit, rows, "本月")))
    assert [r for r in book.active.iter_rows(values_only=True) if r[0] == "李师傅"][0][3] == 5.0


async def test_a_member_who_names_their_unit_when_reporting_joins_it(bot):
    """双报到 in chat: 「报到 … 单位 市发改委」 links the newcomer to 市发改委机关党委 (once, however often
    they report), so the unit's monthly report lists them; an unknown unit is kept as words only."""
    from sqlalchemy import select

    from bot.db.models_streets import WorkUnitMember
    from bot.services import units

    new, other = "wx-newbie", "wx-other"
    first = texts(await bot.say(new, "报到 3号楼 特长 水电维修 单位 市发改委", MEMBERS, name="张三"))
    assert "已关联到单位：市发改委机关党委" in first
    await bot.say(new, "报到 单位 市发改委机关党委", MEMBERS, name="张三")
    unknown = texts(await bot.say(other, "报到 3号楼 单位 火星开发局", MEMBERS, name="王五"))
    assert "这个单位还没有在街道登记" in unknown
    async with bot.runtime.db.sessions() as session:
        linked = list(await session.scalars(select(WorkUnitMember.unit_id).where(WorkUnitMember.person_id == new)))
        assert list(await session.scalars(select(WorkUnitMember).where(WorkUnitMember.person_id == other))) == []
        rows = await units.member_rows(session=session, unit_id="fgw", start=utcnow() - timedelta(days=30),
                                       end=utcnow())
    assert linked == ["fgw"] and "张三" in {r.name for r in rows}


async def test_the_check_names_unit_members_who_have_not_reported_where_they_live(bot):
    """双报到 has two halves: a unit member on the unit's roster who is no member anywhere has not
    报到 where they live; one who did and waits for review is said so; once approved, they count
    among the members who have (or have not) served."""
    await _load(bot, {"communities": [{"id": "xingfuli", "name": "幸福里社区", "people": [
        {"id": "res-huang", "name": "黄先生", "roles": ["resident"]}]}],
        "units": [{"id": "fgw", "name": "市发改委机关党委", "communities": ["xingfuli"],
                   "members": ["mem-li", "mem-chen", "res-huang"]}]})
    said = await bot.say(SECRETARY, "/单位 考核 3", None)
    assert keys(said) == ["unit_unreported_header"]
    assert "还没有到居住地社区报到的单位党员：\n· 市发改委机关党委：黄先生" in texts(said)
    await bot.say("res-huang", "报到 1号楼 单位 市发改委", None, name="黄先生")
    assert "黄先生（已报到，待审核）" in texts(await bot.say(SECRETARY, "/单位 考核 3", None))
    await bot.say(SECRETARY, "/审核 @黄先生 通过", None)
    after = await bot.say(SECRETARY, "/单位 考核 3", None)
    assert keys(after) == ["unit_idle_header"] and "还没有到居住地社区报到" not in texts(after)
    assert "市发改委机关党委：陈老师、李师傅、黄先生" in texts(after)  # reported now; not served yet
    street = texts(await bot.say(OFFICER, "/单位 考核", None, name="张主任"))
    assert "还没有到居住地社区报到" not in street and "近 3 个月没有参加服务" in street


async def _load(bot, data: dict) -> None:
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=data)
