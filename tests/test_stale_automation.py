"""Issue 10, stale automation: what quiet hours hold overnight is checked again at 07:00.

Offers, tier escalations, reminders and 回访 are queued at night with a ``not_before`` of
07:00; the ticket changes before then (claimed, withdrawn, rated, released); at 07:00 the
sender delivers what still applies and drops the rest (status 'dropped', counted)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.db.models_schedule import ScheduledJob
from bot.services import outbox
from tests.harness import (
    EAST,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBER_LIU,
    MEMBERS,
    RES_SUN,
    RES_WU,
    RES_ZHAO,
    SECRETARY,
    WEST,
)
from tests.schedule_helpers import local, tick

LAMP = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"
GARBAGE = "3号楼门口的垃圾堆了三天没人清理，臭死了"


@pytest.fixture
def night(bot, monkeypatch):
    """Quiet hours on; ``night.at(hh, mm)`` sets the wall clock to that time tonight (or
    tomorrow morning for hh < 12); ``night.morning`` is 07:00 tomorrow."""
    from bot.clock import to_local, utcnow

    bot.runtime.settings.quiet_hours = "22:00-07:00"
    today = to_local(utcnow()).date()

    class Night:
        morning = local(today + timedelta(days=1), 7, 0)

        def at(self, hh: int, mm: int = 0):
            moment = local(today + timedelta(days=1 if hh < 12 else 0), hh, mm)
            monkeypatch.setattr("bot.clock.utcnow", lambda: moment)
            return moment

    night = Night()
    night.at(20, 0)  # the day's work happens in the evening, whatever the real time (else 22:15 is quiet)
    return night


async def send_at(bot, moment) -> list:
    """Run the sender with its wall clock at ``moment``; what the transport got."""
    transport = bot.runtime.transport
    before = len(transport.sent)
    bot.runtime.sender.wall = lambda: moment
    await bot.runtime.sender.drain()
    return transport.sent[before:]


def to(sent, person: str) -> list[str]:
    return [m.text for m in sent if m.room_id is None and m.to == person]


async def dropped_rows(bot) -> list:
    return [r for r in await bot.outbox() if r.status == "dropped"]


async def test_offers_held_overnight_are_dropped_once_the_ticket_is_claimed_or_withdrawn(bot, night):
    night.at(23, 0)
    await bot.say(RES_ZHAO, LAMP)  # #1: offered to 李师傅 and 刘大姐 at 07:00
    await bot.say(RES_SUN, GARBAGE)  # #2: the same two
    await bot.say(RES_WU, "6号楼2单元楼道灯坏了好几天了", WEST)  # #3: 陈老师
    held = [r for r in await bot.outbox() if r.not_before == night.morning]
    assert {r.to_person for r in held} == {MEMBER_LI, MEMBER_LIU, MEMBER_CHEN} and len(held) == 5
    await send_at(bot, night.at(23, 1))  # the answers to the residents go now

    night.at(23, 30)
    await bot.say(MEMBER_LIU, "接单 1", None)  # 刘大姐 is awake and takes #1
    await bot.say(RES_SUN, "撤销 2")  # 孙先生 withdraws #2
    await send_at(bot, night.at(23, 31))

    sent = await send_at(bot, night.morning)
    offers = [m.text for m in sent if "就近派单" in m.text]
    assert len(offers) == 1 and "就近派单 #3" in offers[0] and to(sent, MEMBER_CHEN) == offers
    assert not any("#1" in t or "#2" in t for t in to(sent, MEMBER_LI) + to(sent, MEMBER_LIU))
    gone = await dropped_rows(bot)
    assert len(gone) == 4 and {r.guard_ticket_id for r in gone} == {(await bot.ticket(1)).id,
                                                                      (await bot.ticket(2)).id}
    assert all("no longer applies" in r.last_error for r in gone)
    assert bot.runtime.sender.counters["dropped"] == 4
    async with bot.runtime.db.sessions() as session:
        assert (await outbox.stats(session=session, now=night.morning))["dropped"] == 4


async def test_a_tier_escalation_held_overnight_is_dropped_once_claimed(bot, night):
    night.at(21, 50)
    await bot.say(RES_ZHAO, LAMP)  # offered to the nearby members at once; T1 at 22:20
    await bot.say(RES_WU, "6号楼2单元楼道灯坏了好几天了", WEST)  # T1 at 22:20 too
    await send_at(bot, night.at(21, 51))
    await tick(bot, night.at(22, 21))  # both escalate to the members' group, held to 07:00
    held = [r for r in await bot.outbox() if r.room_id == MEMBERS and r.not_before == night.morning]
    assert len(held) == 2
    night.at(23, 0)
    await bot.say(MEMBER_LI, "接单 1", MEMBERS)
    sent = await send_at(bot, night.morning)
    tiers = [m.text for m in sent if m.room_id == MEMBERS and "任务待认领" in m.text]
    assert len(tiers) == 1 and "#2" in tiers[0]


async def test_a_followup_held_overnight_is_dropped_once_rated(bot, night):
    for text, who in ((LAMP, RES_ZHAO), (GARBAGE, RES_SUN)):
        number = await bot.open_ticket(text, sender=who)
        await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
        await bot.say(MEMBER_LI, f"完成 {number} 修好了", MEMBERS)
        await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    await send_at(bot, night.at(21, 0))
    await tick(bot, night.at(23, 0))  # 回访 to both residents, held to 07:00
    held = [r for r in await bot.outbox() if r.not_before == night.morning]
    assert sorted(r.to_person for r in held) == sorted([RES_ZHAO, RES_SUN])
    await bot.say(RES_ZHAO, "评价 1 5 修得真快")  # 赵阿姨 rates before the morning
    sent = await send_at(bot, night.morning)
    assert [t for t in to(sent, RES_ZHAO) if "回访" in t] == []
    assert len([t for t in to(sent, RES_SUN) if "回访" in t]) == 1


async def test_a_reminder_held_overnight_is_dropped_once_released(bot, night):
    for text, who in ((LAMP, RES_ZHAO), (GARBAGE, RES_SUN)):
        number = await bot.open_ticket(text, sender=who)
        await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    async with bot.runtime.db.transaction() as session:  # both reminders come due tonight
        await session.execute(update(ScheduledJob).where(ScheduledJob.kind == "remind")
                              .values(due_at=night.at(22, 30)))
    await send_at(bot, night.at(21, 0))
    await tick(bot, night.at(22, 31))
    held = [r for r in await bot.outbox() if r.not_before == night.morning]
    assert [r.cause for r in held] == ["job:remind:1", "job:remind:2"]
    await bot.say(MEMBER_LI, "放弃 1", MEMBERS)  # 李师傅 gives #1 back
    await bot.say(MEMBER_LIU, "接单 1", MEMBERS)  # and 刘大姐 takes it: still not 李师傅's
    sent = await send_at(bot, night.morning)
    reminders = [t for t in to(sent, MEMBER_LI) if "办结提醒" in t]
    assert len(reminders) == 1 and "#2" in reminders[0]
    assert [t for t in to(sent, MEMBER_LIU) if "办结提醒" in t] == []


async def test_rows_without_a_guard_are_sent_as_before(bot, night):
    """Held digests, notices and replies carry no guard: nothing is dropped."""
    night.at(23, 0)
    await bot.say(RES_ZHAO, LAMP, EAST)
    sent = await send_at(bot, night.morning)
    assert sent and await dropped_rows(bot) == []
    assert all(r.status == "sent" for r in await bot.outbox())


@pytest.mark.parametrize("limited", [False, True], ids=["batch", "one-by-one"])
async def test_a_dropped_head_does_not_hold_up_its_conversation(bot, limited):
    """Both sender paths (no limits: batches; platform limits: one row at a time) drop a
    stale row and go on with the rows after it in the same conversation."""
    import random

    from bot.messages import Guard, Outgoing
    from bot.sender import OutboxSender
    from bot.transports.ratelimit import FakeClock
    from tests.transports.fake_platform import WECHATY_LIMITS, FakePlatform, wall_of

    await bot.open_ticket(LAMP)
    await bot.say(MEMBER_LIU, "接单 1", None)
    ticket = await bot.ticket(1)
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(outbox.OutboxMessage).values(status="sent"))  # start clean
        await outbox.enqueue(session=session, cause="test", messages=[
            Outgoing(text="stale offer", to=MEMBER_LI, guard=Guard(ticket.id, ("open",))),
            Outgoing(text="still true", to=MEMBER_LI, guard=Guard(ticket.id, ("claimed",), MEMBER_LIU)),
            Outgoing(text="plain", to=MEMBER_LI),
        ])
    clock = FakeClock()
    platform = FakePlatform(clock, **({"limits": WECHATY_LIMITS} if limited else {}))
    sender = OutboxSender(bot.runtime.db, platform, clock=clock, wall=wall_of(clock), rng=random.Random(3))
    await sender.drain()
    assert platform.texts() == ["still true", "plain"]
    assert sender.counters["dropped"] == 1 and [r.text for r in await dropped_rows(bot)] == ["stale offer"]
