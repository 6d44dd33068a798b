"""Roll-up (issue 13): /统计 at grid, community and street level with the same measures plus
escalations by department and their on-time rate; the street's monthly report (.xlsx, per-community
and per-department tables) shows the scene's ticket, and is sent to the street officer on the 1st."""
from __future__ import annotations

import io
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import to_local, utcnow
from bot.db.models_streets import DepartmentTask
from bot.web.app import create_app
from tests.harness import GRID_WORKER, RES_ZHAO, SECRETARY, keys, texts
from tests.schedule_helpers import Outbox, local, private_to, tick

OFFICER, CHENGGUAN, GONGSHUI, AP_SEC, AP_RESIDENT = "st-zhang", "cg-liu", "gs-he", "sec-ma", "res-qian"


async def scene(bot, monkeypatch) -> None:
    """幸福里 #1 (东区): to 城管 限3天, finished a day late, verified, rated 5.
    安平里 #1: to 供水 限2天, finished at once, verified. 幸福里 #2 (西区): still open."""
    await bot.open_ticket("1号楼门口路面塌陷了一个大坑，很危险")
    await bot.say(SECRETARY, "/转办 1 城管 限3天 请尽快修复", None)
    await bot.say(CHENGGUAN, "受理 幸福里 1", None, name="城管刘科长")
    async with bot.runtime.db.sessions() as session:
        deadline = (await session.scalar(select(DepartmentTask))).deadline_at
    await tick(bot, deadline + timedelta(hours=25))  # 督办, then the street officer is alerted
    with monkeypatch.context() as late:  # finished a day after the deadline
        late.setattr("bot.clock.utcnow", lambda: deadline + timedelta(hours=25))
        assert "已办结" in texts(await bot.say(CHENGGUAN, "办结 幸福里 1 已回填", None, name="城管刘科长"))
    await bot.say(SECRETARY, "/验收 1 通过", None)
    await bot.say(RES_ZHAO, "评价 1 5", None)
    await bot.say(AP_RESIDENT, "22号楼自来水管漏水了", "room-anping", name="钱大爷")
    await bot.say(AP_SEC, "/转办 1 供水 限2天", None, name="马书记")
    await bot.say(GONGSHUI, "办结 安平里 1 已换管", None, name="供水何工")
    await bot.say(AP_SEC, "/验收 1 通过", None, name="马书记")
    await bot.say("res-wu", "6号楼电梯坏了，老人上不了楼", "room-west", name="吴奶奶")


async def test_statistics_at_grid_community_and_street_level(bot, monkeypatch):
    await scene(bot, monkeypatch)
    community = texts(await bot.say(SECRETARY, "/统计 本月", None))
    assert "诉求 2 件" in community and "部门转办" in community
    assert "城管 1 件（办结 1，按期 0，超期 1，按期率 0%）" in community and "供水" not in community
    grid = texts(await bot.say(GRID_WORKER, "/统计 本月", None))  # 周网格员: 东区 only
    assert "诉求 1 件" in grid and "城管 1 件" in grid and "平均评分：5.0" in grid
    street = await bot.say(OFFICER, "/统计 本月 街道", None, name="张主任")
    text = texts(street)
    assert keys(street) == ["stats_summary"] and "新华街道" in text and "诉求 3 件" in text
    assert "城管 1 件（办结 1，按期 0，超期 1，按期率 0%）" in text
    assert "供水 1 件（办结 1，按期 1，超期 0，按期率 100%）" in text
    assert "幸福里社区：诉求 2 件，已验收 1 件" in text and "安平里社区：诉求 1 件，已验收 1 件" in text
    assert keys(await bot.say(SECRETARY, "/统计 本月 街道", None)) == ["stats_street_only"]
    assert keys(await bot.say(OFFICER, "/统计 明年 街道", None, name="张主任")) == ["stats_bad_word"]


async def test_the_streets_monthly_report(bot, monkeypatch):
    await scene(bot, monkeypatch)
    month = to_local(utcnow()).strftime("%Y-%m")
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        resp = await client.get(f"/api/reports/street/xinhua/{month}.xlsx")
        assert resp.status == 200 and "spreadsheetml" in resp.headers["Content-Type"]
        book = load_workbook(io.BytesIO(await resp.read()))
        assert (await client.get(f"/api/reports/street/nowhere/{month}.xlsx")).status == 404
        community_book = load_workbook(io.BytesIO(await (await client.get(f"/api/reports/xingfuli/{month}.xlsx"))
                                                  .read()))
    assert book.sheetnames == ["概览", "各社区", "部门转办", "分类", "诉求明细"]
    summary = {row[0].value: row[1].value for row in book["概览"].iter_rows()}
    assert summary["街道"] == "新华街道" and summary["诉求总数"] == 3
    per_community = list(book["各社区"].iter_rows(values_only=True))
    assert [r[0] for r in per_community[1:]] == ["安平里社区", "幸福里社区"]
    assert per_community[2][1] == 2 and per_community[2][8] == 1  # 幸福里: 2 tickets, 1 escalated
    per_department = list(book["部门转办"].iter_rows(values_only=True))[1:]
    assert set(per_department) == {("城管", 1, 1, 0, 1, 0), ("供水", 1, 1, 1, 0, 1)}
    scene_row = [r for r in book["诉求明细"].iter_rows(values_only=True) if r[0] == "幸福里社区" and r[1] == 1]
    assert scene_row and scene_row[0][3] == "已办结" and scene_row[0][8] == "城管" and scene_row[0][9] == 5
    assert "部门转办" in community_book.sheetnames  # the community's own report has the table too

    first = (to_local(utcnow()).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(first, 9, 0))
    sent = [r for r in private_to(await bot.outbox(), OFFICER) if r.cause and "street_monthly" in r.cause]
    assert len(sent) == 1 and f"/api/reports/street/xinhua/{month}.xlsx" in sent[0].text
    assert "诉求 3 件" in sent[0].text and "幸福里社区" in sent[0].text
    await tick(bot, local(first, 9, 20))
    assert len([r for r in private_to(await bot.outbox(), OFFICER)
                if r.cause and "street_monthly" in r.cause]) == 1  # once
