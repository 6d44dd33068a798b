"""Service hours: 签到 → 签退 at activities and 到岗 → 结束 at roll calls; shown in 我的存折,
in the ledger spreadsheet, and in a member's half-year statement (.xlsx) with the points."""
from __future__ import annotations

import io
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot import clock
from bot.clock import to_local
from bot.services import exports, hours, ranking
from bot.web.app import create_app
from tests.harness import MEMBER_CHEN, MEMBER_LI, MEMBERS, SECRETARY, keys, texts
from tests.test_activities import publish


def this_half() -> str:
    today = to_local(clock.utcnow())
    return f"{today.year}H{1 if today.month <= 6 else 2}"


async def serve(bot, monkeypatch) -> None:
    """李师傅: 2 h at activity 1 (签到 → 签退) and 3 h at roll call 1 (到岗 → 结束)."""
    start = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    await publish(bot, points=3)
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    await bot.say(MEMBER_LI, "签到 1", MEMBERS)
    await bot.say(SECRETARY, "/集结 党员 明天上午9点 检测点 2 执勤", None)
    await bot.say(SECRETARY, "确认", None)
    await bot.say(MEMBER_LI, "到", MEMBERS)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(minutes=1))
    await bot.say(MEMBER_LI, "到岗", MEMBERS)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=2))
    out = await bot.say(MEMBER_LI, "签退", MEMBERS)
    assert keys(out) == ["act_checkout_ok"] and "2 小时" in texts(out)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=3, minutes=1))
    await bot.say(SECRETARY, "/集结 1 结束", None)


async def test_check_out_records_the_hours_once(bot, monkeypatch):
    await serve(bot, monkeypatch)
    assert keys(await bot.say(MEMBER_LI, "签退 1", MEMBERS)) == ["act_checkout_again"]
    assert keys(await bot.say(MEMBER_CHEN, "签退 1", MEMBERS)) == ["act_checkout_not_in"]
    async with bot.runtime.db.sessions() as session:
        found = await hours.records(session=session, person_id=MEMBER_LI)
    assert sorted((r.kind, r.minutes) for r in found) == [("活动", 120), ("集结", 180)]


async def test_passbook_and_ledger_show_the_hours(bot, monkeypatch):
    await serve(bot, monkeypatch)
    book = texts(await bot.say(MEMBER_LI, "我的存折", None))
    assert "累计服务 5 小时" in book and "服务 3 小时" in book  # the roll call's entry names its hours
    async with bot.runtime.db.sessions() as session:
        ledger = load_workbook(io.BytesIO(await exports.ledger_xlsx(session=session, community_id="xingfuli")))
    rows = list(ledger["服务时长"].iter_rows(values_only=True))
    assert rows[0] == ("姓名", "账号", "类型", "名称", "开始", "结束", "小时")
    assert sorted((r[0], r[2], r[6]) for r in rows[1:]) == [("李师傅", "活动", 2), ("李师傅", "集结", 3)]


async def test_half_year_statement_gives_hours_and_points(bot, monkeypatch):
    await serve(bot, monkeypatch)
    period = ranking.half_year(this_half())
    async with bot.runtime.db.sessions() as session:
        data = await hours.half_year_xlsx(session=session, person_id=MEMBER_LI, period=period)
    book = load_workbook(io.BytesIO(data))
    served = list(book["服务时长"].iter_rows(values_only=True))
    assert served[-1][0] == "合计" and served[-1][5] == 5
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[1] == ("李师傅", MEMBER_LI, period.code, 2, 5, 5, 0)  # 3 (activity) + 2 (roll call) points
    async with TestClient(TestServer(create_app(bot.runtime))) as c:
        resp = await c.get(f"/api/people/{MEMBER_LI}/statement.xlsx?half={this_half()}")
        assert resp.status == 200 and this_half() in resp.headers["Content-Disposition"]
        assert (await c.get(f"/api/people/{MEMBER_LI}/statement.xlsx?half=上个月")).status == 400
        assert (await c.get(f"/api/people/nobody/statement.xlsx?half={this_half()}")).status == 404
