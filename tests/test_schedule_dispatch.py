"""Tiered dispatch: nearby members first (privately, best skills first), then all
members after T1, then the secretary after T2; urgent tickets reach every tier at once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models import PersonRole, TicketEvent
from tests.harness import MEMBER_CHEN, MEMBER_LI, MEMBER_LIU, MEMBERS, RES_ZHAO, SECRETARY, texts
from tests.schedule_helpers import Outbox, in_room, jobs_of, local, private_to, tick

LAMP = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"  # repair, normal: T1 30 min, T2 120 min


async def events(bot, ticket_id: int, action: str) -> list[TicketEvent]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.action == action).order_by(TicketEvent.id)))


async def test_nearby_members_first_then_everyone_then_the_secretary(bot):
    replies = await bot.say(RES_ZHAO, LAMP)
    offers = [r for r in replies if r.room is None]
    assert [r.to for r in offers] == [MEMBER_LI, MEMBER_LIU]  # 水电维修 first; 陈老师 lives in 西区
    assert "就近派单 #1" in offers[0].text and "水电维修" in offers[0].text and "接单 1" in offers[0].text
    assert not any(r.room == MEMBERS for r in replies)
    ticket = await bot.ticket(1)
    assert ticket.dispatch_level == 0 and ticket.deadline_at is not None
    created = ticket.created_at

    box = Outbox(bot)
    await box.mark()
    await tick(bot, created + timedelta(minutes=29))
    assert await box.new() == []

    await tick(bot, created + timedelta(minutes=31))
    rows = await box.new()
    assert len(rows) == 1 and rows[0].room_id == MEMBERS and "任务待认领 #1" in rows[0].text
    ticket = await bot.ticket(1)
    assert ticket.dispatch_level == 1 and ticket.status == "open"
    await tick(bot, created + timedelta(minutes=32))
    assert await box.new() == []  # only once

    await tick(bot, created + timedelta(minutes=121))
    rows = await box.new()
    assert [r.to_person for r in rows] == [SECRETARY] and "派单提醒" in rows[0].text
    assert (await bot.ticket(1)).dispatch_level == 2 and (await bot.ticket(1)).status == "open"
    notes = [e.note for e in await events(bot, ticket.id, "escalate")]
    assert len(notes) == 2 and notes[0].startswith("level 1") and notes[1].startswith("level 2")
    await tick(bot, created + timedelta(hours=3))
    assert await box.new() == []


async def test_a_claimed_ticket_is_not_escalated(bot):
    await bot.say(RES_ZHAO, LAMP)
    await bot.say(MEMBER_LIU, "接单 1", None)  # claimed privately, as the offer suggests
    created = (await bot.ticket(1)).created_at
    box = Outbox(bot)
    await box.mark()
    await tick(bot, created + timedelta(minutes=31))
    await tick(bot, created + timedelta(minutes=121))
    assert await box.new() == []
    ticket = await bot.ticket(1)
    assert ticket.dispatch_level == 0 and ticket.claimer_id == MEMBER_LIU
    kinds = {j.kind: j.status for j in await jobs_of(bot, ticket.id)}
    assert kinds["escalate1"] == "skipped" and kinds["escalate2"] == "skipped"


async def test_skills_come_before_distance(bot):
    replies = await bot.say(RES_ZHAO, "2号楼1单元厨房水管漏水了，麻烦来修一下")
    offers = [r.to for r in replies if r.room is None]
    assert offers[0] == MEMBER_LI and MEMBER_LIU in offers  # 刘大姐 lives in 2号楼 but 李师傅 does 水电
    assert MEMBER_CHEN not in offers


async def test_urgent_goes_to_every_tier_and_the_secretary_at_once(bot):
    replies = await bot.say(RES_ZHAO, "1号楼3单元402门口的水管爆了，水流了一地")
    ticket = await bot.ticket(1)
    assert ticket.urgency == "urgent" and ticket.dispatch_level == 2 and ticket.status == "open"
    assert any(r.room is None and r.to == MEMBER_LI and "就近派单" in r.text for r in replies)
    assert any(r.room == MEMBERS and "紧急任务 #1" in r.text for r in replies)
    assert any(r.room is None and r.to == SECRETARY and "紧急诉求 #1" in r.text for r in replies)
    assert not [j for j in await jobs_of(bot, ticket.id) if j.kind.startswith("escalate")]
    assert len(await events(bot, ticket.id, "escalate")) == 1


async def test_nobody_nearby_starts_with_all_members(bot):
    async with bot.runtime.db.transaction() as session:  # 赵阿姨's home building is not on record
        await session.execute(update(PersonRole).where(PersonRole.person_id == RES_ZHAO).values(grid_id=None))
    replies = await bot.say(RES_ZHAO, "楼道灯坏了，晚上看不见路", None)  # private chat: no place known
    ticket = await bot.ticket(1)
    assert ticket is not None and ticket.dispatch_level == 1
    assert any(r.room == MEMBERS and "接单 1" in r.text for r in replies)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.created_at + timedelta(minutes=31))
    assert await box.new() == []  # no T1 step left
    await tick(bot, ticket.created_at + timedelta(minutes=121))
    assert [r.to_person for r in await box.new()] == [SECRETARY]


async def test_quiet_hours_hold_the_offer_until_morning(bot, monkeypatch):
    bot.runtime.settings.quiet_hours = "22:00-07:00"
    night = local((await _today(bot)), 23, 0)
    monkeypatch.setattr("bot.clock.utcnow", lambda: night)
    replies = await bot.say(RES_ZHAO, LAMP)
    assert "已登记为诉求 #1" in texts(replies)  # the resident's answer is not held
    assert "夜间免打扰" in replies[0].text and "07:00 会通知" in replies[0].text  # and says when, truthfully
    assert [r for r in replies if r.room is None] == []  # the offers are
    held = private_to(await bot.outbox(), MEMBER_LI)
    morning = local((await _today(bot)) + timedelta(days=1), 7, 0)
    assert len(held) == 1 and held[0].not_before == morning
    t1 = {j.kind: j.due_at for j in await jobs_of(bot)}["escalate1"]
    assert t1 == morning + timedelta(minutes=30)  # T1 counts from the morning offer

    box = Outbox(bot)
    await box.mark()
    await tick(bot, morning + timedelta(minutes=31))
    rows = await box.new()
    assert in_room(rows, MEMBERS) and rows[0].not_before is None


async def test_escalation_at_night_waits_for_the_morning(bot):
    bot.runtime.settings.quiet_hours = "22:00-07:00"
    await bot.say(RES_ZHAO, LAMP)
    box = Outbox(bot)
    await box.mark()
    day = await _today(bot)
    await tick(bot, local(day + timedelta(days=1), 23, 30))  # long after T1 and T2, at night
    rows = await box.new()
    assert rows and all(r.not_before == local(day + timedelta(days=2), 7, 0) for r in rows)


async def _today(bot):
    from bot.clock import to_local, utcnow

    return to_local(utcnow()).date()
