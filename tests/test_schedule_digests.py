"""Digests: the secretaries' morning digest, the weekly ranking in the members'
groups and the monthly report with its .xlsx link — each once, on time."""
from __future__ import annotations

from datetime import timedelta

from bot.clock import to_local, utcnow
from bot.db.models import PointsEntry
from tests.harness import MEMBER_CHEN, MEMBER_LI, MEMBERS, RES_SUN, RES_ZHAO, SECRETARY
from tests.schedule_helpers import Outbox, in_room, local, private_to, tick


def today():
    return to_local(utcnow()).date()


async def test_morning_digest_once_a_day(bot):
    await bot.open_ticket()
    await bot.open_ticket("3号楼门口垃圾堆了好几天没人清理，味道很大", sender=RES_SUN)
    await bot.say(MEMBER_LI, "接单 1", MEMBERS)
    await bot.say(MEMBER_LI, "完成 1 已更换灯泡", MEMBERS)
    box = Outbox(bot, digests=True)
    await box.mark()
    tomorrow = today() + timedelta(days=1)
    await tick(bot, local(tomorrow, 7, 59))
    assert await box.new() == []
    await tick(bot, local(tomorrow, 8, 0))
    rows = await box.new()
    assert [r.to_person for r in rows] == [SECRETARY]
    text = rows[0].text
    assert "每日简报" in text and "昨日新增 2 件" in text and "昨日完成 1 件" in text and "待认领 1 件" in text
    assert "#2" in text
    await tick(bot, local(tomorrow, 8, 5))
    await tick(bot, local(tomorrow, 10, 0))
    assert await box.new() == []
    await tick(bot, local(tomorrow + timedelta(days=1), 8, 1))
    rows = await box.new()
    assert len(rows) == 1 and "昨日新增 0 件" in rows[0].text and "待认领 1 件" in rows[0].text


async def test_digest_missed_by_a_long_outage_is_dropped(bot):
    await bot.open_ticket()
    box = Outbox(bot, digests=True)
    await box.mark()
    tomorrow = today() + timedelta(days=1)
    await tick(bot, local(tomorrow, 11, 30))  # 3.5 h late: more than the 3 h grace
    await tick(bot, local(tomorrow, 12, 0))
    assert await box.new() == []
    await tick(bot, local(tomorrow + timedelta(days=1), 9, 0))  # 1 h late: sent, late, once
    assert len(await box.new()) == 1


async def test_quiet_community_gets_no_digest(bot):
    box = Outbox(bot, digests=True)
    await box.mark()
    await tick(bot, local(today() + timedelta(days=1), 8, 0))
    assert await box.new() == []


async def test_weekly_ranking_posted_to_members_rooms(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 好了", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    monday = today() + timedelta(days=7 - today().weekday())
    box = Outbox(bot, digests=True)
    await box.mark()
    await tick(bot, local(monday, 9, 0))
    rows = [r for r in await box.new() if "积分榜" in r.text]
    assert len(rows) == 1 and rows[0].room_id == MEMBERS and "李师傅 +2 分" in rows[0].text
    last_monday = monday - timedelta(days=7)
    assert f"{last_monday:%m-%d} 至 {monday - timedelta(days=1):%m-%d}" in rows[0].text
    await tick(bot, local(monday, 9, 30))
    assert not [r for r in await box.new() if "积分榜" in r.text]
    # The week after, only 陈老师 earns: her gain is the board; 李师傅's old points are not.
    async with bot.runtime.db.transaction() as session:
        session.add(PointsEntry(person_id=MEMBER_CHEN, community_id="xingfuli", amount=3, rule="service.labour",
                                reason="志愿劳动", idempotency_key="t:week2", created_at=local(monday, 15, 0)))
    await tick(bot, local(monday + timedelta(days=7), 9, 0))
    rows = [r for r in await box.new() if "积分榜" in r.text]
    assert len(rows) == 1 and "陈老师 +3 分" in rows[0].text and "李师傅" not in rows[0].text
    # And a week in which nobody earned anything posts nothing.
    await tick(bot, local(monday + timedelta(days=14), 9, 0))
    assert not [r for r in await box.new() if "积分榜" in r.text]


async def test_monthly_report_with_xlsx_link(bot):
    await bot.open_ticket()
    first = (today().replace(day=1) + timedelta(days=32)).replace(day=1)
    box = Outbox(bot, digests=True)
    await box.mark()
    await tick(bot, local(first, 9, 0))
    reports = [r for r in private_to(await box.new(), SECRETARY) if "统计" in r.text]
    month = today().strftime("%Y-%m")
    assert len(reports) == 1 and f"/api/reports/xingfuli/{month}.xlsx" in reports[0].text
    assert "诉求 1 件" in reports[0].text and "设施报修 1" in reports[0].text
    await tick(bot, local(first, 9, 20))
    assert not [r for r in await box.new() if "统计" in r.text]
    assert not in_room(await bot.outbox(), RES_ZHAO)
