"""Follow-up (回访): asked once after verification, a bare 1-5 privately rates,
silence for 3 days closes by itself, a rating of 1 or 2 alerts the secretary."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import TicketEvent
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, texts
from tests.schedule_helpers import Outbox, private_to, tick


async def verified_ticket(bot, text="1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"):
    number = await bot.open_ticket(text)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 已更换灯泡", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    return await bot.ticket(number)


async def test_resident_is_asked_once_and_rates_with_a_bare_number(bot):
    ticket = await verified_ticket(bot)
    assert ticket.verified_at is not None
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.verified_at + timedelta(seconds=30))
    rows = await box.new()
    asked = private_to(rows, RES_ZHAO)
    assert len(asked) == 1 and "回访" in asked[0].text and "1-5" in asked[0].text
    await tick(bot, ticket.verified_at + timedelta(minutes=5))
    assert await box.new() == []

    replies = await bot.say(RES_ZHAO, "５分", None)  # full-width, with 分
    assert "感谢评价" in texts(replies)
    ticket = await bot.ticket(1)
    assert ticket.status == "closed" and ticket.rating == 5 and ticket.closed_at is not None
    await box.mark()
    await tick(bot, ticket.verified_at + timedelta(days=4))
    assert await box.new() == []  # no alert, no auto-close


async def test_no_answer_in_three_days_closes_by_itself(bot):
    ticket = await verified_ticket(bot)
    await tick(bot, ticket.verified_at + timedelta(days=2, hours=23))
    assert (await bot.ticket(1)).status == "verified"
    await tick(bot, ticket.verified_at + timedelta(days=3, minutes=1))
    ticket = await bot.ticket(1)
    assert ticket.status == "closed" and ticket.rating is None
    async with bot.runtime.db.sessions() as session:
        close = (await session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.action == "close"))).one()
    assert close.actor_id is None and close.note == "auto"
    assert "已办结" in texts(await bot.say(RES_ZHAO, "查询 1"))


async def test_low_rating_alerts_the_secretary_once(bot):
    ticket = await verified_ticket(bot)
    await bot.say(RES_ZHAO, "2", None)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.verified_at + timedelta(minutes=1))
    alerts = [r for r in await box.new() if "差评提醒" in r.text]
    assert [r.to_person for r in alerts] == [SECRETARY] and "2 分" in alerts[0].text
    await tick(bot, ticket.verified_at + timedelta(minutes=2))
    assert await box.new() == []


async def test_low_rating_by_command_also_alerts(bot):
    ticket = await verified_ticket(bot)
    await bot.say(RES_ZHAO, "评价 1 1 等了太久", EAST)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, ticket.verified_at + timedelta(minutes=1))
    alerts = [r for r in await box.new() if "差评提醒" in r.text]
    assert len(alerts) == 1 and "等了太久" in alerts[0].text


async def test_bare_number_without_a_ticket_to_rate(bot):
    assert "没有待评价" in texts(await bot.say(RES_ZHAO, "4", None))
    await bot.open_ticket()
    assert await bot.say(RES_ZHAO, "5", EAST) == []  # in a group a number is just chatter
    assert (await bot.ticket(1)).status == "open"


async def test_bare_number_rates_the_most_recent_verified_ticket(bot):
    await verified_ticket(bot)
    await verified_ticket(bot, "3号楼门口垃圾堆了好几天没人清理，味道很大")
    await bot.say(RES_ZHAO, "4", None)
    first, second = await bot.ticket(1), await bot.ticket(2)
    assert second.status == "closed" and second.rating == 4 and first.status == "verified"
