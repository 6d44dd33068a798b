"""/统计 and the monthly report: figures, the chat summary and the .xlsx download."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.clock import to_local, utcnow
from bot.services import stats
from bot.web.app import create_app
from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBERS, RES_SUN, RES_WU, RES_ZHAO, SECRETARY, WEST, texts
from tests.schedule_helpers import set_ticket


async def two_tickets(bot):
    """#1 claimed after 10 min and verified after 5 h; #2 open and past its deadline."""
    one = await bot.open_ticket()
    two = await bot.open_ticket("3号楼门口垃圾堆了好几天没人清理，味道很大", sender=RES_SUN)
    await bot.say(MEMBER_LI, f"接单 {one}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {one} 好了", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {one} 通过", None)
    t1 = await bot.ticket(one)
    start = t1.created_at
    await set_ticket(bot, one, claimed_at=start + timedelta(minutes=10), done_at=start + timedelta(hours=4),
                     verified_at=start + timedelta(hours=5))
    await set_ticket(bot, two, deadline_at=utcnow() - timedelta(minutes=1))
    return one, two


async def test_figures(bot):
    await two_tickets(bot)
    span = stats.period("本月", utcnow())
    async with bot.runtime.db.sessions() as session:
        f = await stats.figures(session=session, community_id="xingfuli", start=span[0], end=span[1], now=utcnow())
    assert f.created == 2 and dict(f.by_category) == {"repair": 1, "sanitation": 1}
    assert f.median_claim_minutes == pytest.approx(10) and f.median_close_hours == pytest.approx(5)
    assert (f.overdue, f.with_deadline, f.overdue_rate) == (1, 2, 0.5)
    assert f.top_members[0][0] == "李师傅" and f.top_members[0][1] == 1 and f.top_members[0][2] > 0


async def test_stats_command_for_secretaries(bot):
    await two_tickets(bot)
    text = texts(await bot.say(SECRETARY, "/统计 本月", None))
    assert "本月" in text and "诉求 2 件" in text and "认领用时中位数 10 分钟" in text
    assert "办结用时中位数 5.0 小时" in text and "超时 1/2 件，超时率 50%" in text and "李师傅" in text
    week = texts(await bot.say(SECRETARY, "/统计 本周", None))
    assert "本周" in week and "诉求 2 件" in week
    assert "用法：/统计 本周" in texts(await bot.say(SECRETARY, "/统计 明年", None))
    assert "仅限" in texts(await bot.say(RES_ZHAO, "/统计 本月", EAST))


async def test_empty_period_reads_well(bot):
    text = texts(await bot.say(SECRETARY, "/统计 上周", None))
    assert "诉求 0 件" in text and "—" in text and "暂无" in text


async def test_xlsx_download(bot):
    await two_tickets(bot)
    month = to_local(utcnow()).strftime("%Y-%m")
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        resp = await client.get(f"/api/reports/xingfuli/{month}.xlsx")
        assert resp.status == 200 and "spreadsheetml" in resp.headers["Content-Type"]
        book = load_workbook(io.BytesIO(await resp.read()))
        assert (await client.get("/api/reports/xingfuli/2026-13.xlsx")).status == 400
        assert (await client.get("/api/reports/nowhere/2026-11.xlsx")).status == 404
    assert book.sheetnames == ["概览", "分类", "诉求明细", "活跃党员"]
    summary = {row[0].value: row[1].value for row in book["概览"].iter_rows()}
    assert summary["诉求总数"] == 2 and summary["超时率"] == 0.5
    detail = list(book["诉求明细"].iter_rows(values_only=True))
    assert detail[0][0] == "编号" and len(detail) == 3 and detail[1][10] == "李师傅"
    assert book["活跃党员"]["B2"].value == "李师傅"


async def west_ticket(bot) -> int:
    await bot.say(RES_WU, "6号楼电梯坏了，老人上不了楼", WEST)
    return (await bot.tickets())[-1].number


async def test_stats_by_grid(bot):
    await two_tickets(bot)  # both in 东区 (1号楼, 3号楼)
    west = await west_ticket(bot)
    await bot.say(MEMBER_CHEN, f"接单 {west}", MEMBERS)  # 陈老师 lives in 5号楼 (西区)
    await bot.say(MEMBER_CHEN, f"完成 {west} 已报修", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {west} 通过", None)
    whole = texts(await bot.say(SECRETARY, "/统计 本月", None))
    east = texts(await bot.say(SECRETARY, "/统计 本月 东区", None))
    west_text = texts(await bot.say(SECRETARY, "/统计 西区 本月", None))
    assert "诉求 3 件" in whole and "陈老师" in whole and "李师傅" in whole
    assert "【本月 东区（" in east and "诉求 2 件" in east and "李师傅" in east and "陈老师" not in east
    assert "【本月 西区（" in west_text and "诉求 1 件" in west_text and "陈老师" in west_text
    assert "李师傅" not in west_text
    assert "诉求 1 件" in texts(await bot.say(SECRETARY, "/统计 6号楼", None))  # the period defaults to 本月
    refused = texts(await bot.say(SECRETARY, "/统计 本月 南区", None))
    assert refused.startswith("「南区」不是时段，也不是本社区的网格名") and "/统计 本月 东区" in refused


async def test_only_members_are_listed_as_the_most_active(bot):
    await two_tickets(bot)
    await bot.say(SECRETARY, "/加分 @赵阿姨 5 帮邻居照看孩子", None)  # a resident with points
    text = texts(await bot.say(SECRETARY, "/统计 本月", None))
    members = text.split("最活跃党员：", 1)[1]
    assert "李师傅" in members and "赵阿姨" not in members
