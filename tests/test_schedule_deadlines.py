"""Deadlines (限时办结): the claimer is reminded before, the secretary told when one passes."""
from __future__ import annotations

from datetime import timedelta

from tests.harness import MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY
from tests.schedule_helpers import Outbox, jobs_of, private_to, tick

LAMP = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"  # repair: 48 h, reminder 6 h before


async def claimed_ticket(bot):
    await bot.say(RES_ZHAO, LAMP)
    await bot.say(MEMBER_LI, "接单 1", MEMBERS)
    return await bot.ticket(1)


async def test_deadline_is_set_per_category_and_urgency(bot):
    await bot.say(RES_ZHAO, LAMP)
    await bot.say(RES_ZHAO, "3号楼有人晕倒了，快来人帮忙")
    normal, urgent = await bot.ticket(1), await bot.ticket(2)
    assert normal.deadline_at - normal.created_at == timedelta(hours=48)  # counted from the creation, exactly
    assert urgent.urgency == "urgent"
    assert urgent.deadline_at - urgent.created_at == timedelta(hours=4)


async def test_claimer_reminded_before_and_secretary_told_after(bot):
    ticket = await claimed_ticket(bot)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.deadline_at - timedelta(hours=6, minutes=1))
    assert await box.new() == []
    await tick(bot, ticket.deadline_at - timedelta(hours=5, minutes=59))
    rows = await box.new()
    assert [r.to_person for r in rows] == [MEMBER_LI] and "办结提醒" in rows[0].text
    await tick(bot, ticket.deadline_at - timedelta(hours=1))
    assert await box.new() == []  # reminded once

    await tick(bot, ticket.deadline_at + timedelta(minutes=1))
    rows = await box.new()
    assert "超时提醒" in private_to(rows, SECRETARY)[0].text and private_to(rows, MEMBER_LI)
    await tick(bot, ticket.deadline_at + timedelta(hours=5))
    assert await box.new() == []


async def test_completed_in_time_hears_nothing(bot):
    ticket = await claimed_ticket(bot)
    await bot.say(MEMBER_LI, "完成 1 已更换灯泡", MEMBERS)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.deadline_at - timedelta(hours=5))
    await tick(bot, ticket.deadline_at + timedelta(hours=1))
    assert await box.new() == []
    statuses = {j.kind: j.status for j in await jobs_of(bot, ticket.id)}
    assert statuses["remind"] == "skipped" and statuses["overdue"] == "skipped"


async def test_down_over_the_deadline_skips_the_reminder_and_alerts_once(bot):
    ticket = await claimed_ticket(bot)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.deadline_at + timedelta(hours=2))  # first tick after a long outage
    rows = await box.new()
    assert [r.to_person for r in rows if "办结提醒" in r.text] == []
    assert len([r for r in rows if "超时提醒" in r.text]) == 1


async def test_rejected_work_counts_as_not_done_again(bot):
    ticket = await claimed_ticket(bot)
    await bot.say(MEMBER_LI, "完成 1 好了", MEMBERS)
    assert (await bot.ticket(1)).done_at is not None
    await bot.say(SECRETARY, "/验收 1 驳回 灯还是不亮", None)
    rejected = await bot.ticket(1)
    assert rejected.status == "claimed" and rejected.done_at is None
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.deadline_at + timedelta(minutes=1))
    assert [r for r in await box.new() if "超时提醒" in r.text and r.to_person == SECRETARY]
