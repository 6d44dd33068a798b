"""战时 mode: announced and logged at both ends; new tickets urgent; quiet hours off; waiting
tickets' tiers in minutes; the members on standby listed; an hourly summary until it ends."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import clock
from bot.db.models_mobilise import WartimeMode
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, WEST, keys, texts
from tests.schedule_helpers import Outbox, jobs_of, tick

LAMP = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"  # repair, normal


async def test_on_and_off_are_announced_logged_and_list_the_standby_members(bot):
    assert keys(await bot.say(SECRETARY, "/战时", None)) == ["war_status_off"]
    on = await bot.say(SECRETARY, "/战时 开启 防汛红色预警", None)
    assert {r.room for r in on if r.room and "【战时状态】" in r.text} == {EAST, WEST, MEMBERS}
    reply = next(r.text for r in on if r.key == "war_on_ok")
    assert "待命党员（3）" in reply and "李师傅（1号楼）" in reply and "防汛红色预警" in reply
    assert keys(await bot.say(SECRETARY, "/战时 开启 又来", None)) == ["war_already"]
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/战时 结束", MEMBERS))
    assert "战时状态中" in texts(await bot.say(SECRETARY, "/战时", None))
    off = await bot.say(SECRETARY, "/战时 结束", None)
    assert {r.room for r in off if r.room and "【战时状态解除】" in r.text} == {EAST, WEST, MEMBERS}
    assert "war_off_ok" in keys(off)
    assert keys(await bot.say(SECRETARY, "/战时 结束", None)) == ["war_not_on"]
    assert keys(await bot.say(SECRETARY, "/战时 开启", None)) == ["war_usage"]
    async with bot.runtime.db.sessions() as session:
        rows = list(await session.scalars(select(WartimeMode)))
    assert [(r.reason, r.started_by, r.ended_by, r.ended_at is not None) for r in rows] == [
        ("防汛红色预警", SECRETARY, SECRETARY, True)]


async def test_new_tickets_are_urgent_only_while_it_lasts(bot):
    await bot.say(SECRETARY, "/战时 开启 防汛", None)
    replies = await bot.say(RES_ZHAO, LAMP)
    assert (await bot.ticket(1)).urgency == "urgent"
    assert any(r.to == SECRETARY for r in replies)  # every tier at once, the secretary included
    await bot.say(SECRETARY, "/战时 结束", None)
    await bot.say(RES_ZHAO, "5号楼门口的路灯坏了")
    assert (await bot.ticket(2)).urgency == "normal"


async def test_waiting_tickets_escalate_in_minutes_and_quiet_hours_are_off(bot):
    bot.runtime.settings.quiet_hours = "00:00-23:59"  # always quiet: only 战时 lets it through
    await bot.say(RES_ZHAO, LAMP)
    before = {j.kind: j.due_at for j in await jobs_of(bot)}
    now = clock.utcnow()
    await bot.say(SECRETARY, "/战时 开启 防汛", None)
    after = {j.kind: j.due_at for j in await jobs_of(bot)}
    assert after["escalate1"] <= now + timedelta(minutes=11) < before["escalate1"]
    assert after["escalate2"] <= now + timedelta(minutes=21) < before["escalate2"]
    box = Outbox(bot)
    await box.mark()
    await tick(bot, now + timedelta(minutes=12))
    rows = await box.new()
    assert rows and rows[0].room_id == MEMBERS and rows[0].not_before is None


async def test_hourly_summary_to_the_secretary_until_it_ends(bot):
    now = clock.utcnow()
    await bot.say(SECRETARY, "/战时 开启 防汛", None)
    await bot.say(RES_ZHAO, LAMP)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, now + timedelta(minutes=59))
    assert [r for r in await box.new() if "【战时汇总】" in r.text] == []
    await tick(bot, now + timedelta(minutes=61))
    first = [r for r in await box.new() if "【战时汇总】" in r.text]
    assert [r.to_person for r in first] == [SECRETARY] and "新诉求 1 件" in first[0].text
    await tick(bot, now + timedelta(minutes=121))
    assert len([r for r in await box.new() if "【战时汇总】" in r.text]) == 1
    await bot.say(SECRETARY, "/战时 结束", None)
    await box.mark()
    await tick(bot, now + timedelta(minutes=181))
    assert [r for r in await box.new() if "【战时汇总】" in r.text] == []
