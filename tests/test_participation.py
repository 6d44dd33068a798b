"""参加次数考核 (issue 17): a community sets the least number of times a member should take part in
a period; activities attended, roll calls arrived at and verified tasks count; the members below
it are listed in chat, the whole table comes as .xlsx through a signed link."""
from __future__ import annotations

import io
import re

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.web.app import create_app
from tests.harness import MEMBER_CHEN, MEMBER_LI, MEMBER_LIU, MEMBERS, SECRETARY, keys, texts
from tests.test_activities import publish


async def take_part(bot) -> None:
    """李师傅: an activity and a task (2 times); 陈老师: a roll call arrival (1); 刘大姐: none."""
    await publish(bot)
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    await bot.say(MEMBER_LI, "签到 1", MEMBERS)
    number = await bot.done_ticket(claimer=MEMBER_LI)
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    await bot.say(SECRETARY, "/集结 党员 明天上午9点 检测点 2 执勤", None)
    await bot.say(SECRETARY, "确认", None)
    await bot.say(MEMBER_CHEN, "到", MEMBERS)
    await bot.say(MEMBER_CHEN, "到岗", MEMBERS)


async def test_members_below_the_minimum_are_listed_with_a_table(bot):
    assert keys(await bot.say(SECRETARY, "/参加考核 本年", None)) == ["part_no_min"]
    assert keys(await bot.say(SECRETARY, "/参加考核 最少 很多", None)) == ["part_bad_min"]
    assert keys(await bot.say(SECRETARY, "/参加考核 最少 0", None)) == ["part_bad_min"]
    assert keys(await bot.say(SECRETARY, "/参加考核 最少 2", None)) == ["part_set_ok"]
    await take_part(bot)
    out = await bot.say(SECRETARY, "/参加考核 本年", None)
    assert keys(out) == ["part_header"]
    said = out[0].text
    assert "最少 2 次" in said and "2 人未达标，共 3 人" in said
    assert "刘大姐：0 次" in said and "陈老师：1 次（活动 0，集结 1，任务 0）" in said and "李师傅" not in said
    assert keys(await bot.say(SECRETARY, "/参加考核 明年", None)) == ["part_usage"]
    assert "仅限" in texts(await bot.say(MEMBER_LIU, "/参加考核 本年", MEMBERS))
    path = re.search(r"http://[^/]+(/api/reports/participation/\S+\.xlsx\S*)", said).group(1)
    async with TestClient(TestServer(create_app(bot.runtime))) as c:
        resp = await c.get(path)
        assert resp.status == 200
        book = load_workbook(io.BytesIO(await resp.read()))
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[1] == ("姓名", "账号", "活动", "集结", "任务", "合计", "最少", "是否达标")
        assert sorted((r[0], r[5], r[7]) for r in rows[2:]) == [("刘大姐", 0, "未达标"), ("李师傅", 2, "达标"),
                                                                 ("陈老师", 1, "未达标")]
        assert (await c.get("/api/reports/participation/xingfuli/2026-01.xlsx")).status == 400
        assert (await c.get("/api/reports/participation/nowhere/20260101-20260701.xlsx")).status == 404


async def test_a_half_year_and_a_month_are_periods_too(bot):
    await bot.say(SECRETARY, "/参加考核 最少 1", None)
    assert "全部名单" in texts(await bot.say(SECRETARY, "/参加考核 2026上半年", None))
    assert "共 3 人" in texts(await bot.say(SECRETARY, "/参加考核 上月", None))
