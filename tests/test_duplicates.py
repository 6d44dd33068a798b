"""Issue 15, finding 4 through the bot: "+1" joins only the same problem at the same place,
and a resident repeating themselves is told "已登记过（#N）" instead of getting a second ticket."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.clock import utcnow
from bot.db.models import Ticket, TicketWatcher
from tests.harness import RES_SUN, RES_WU, RES_ZHAO, keys, texts


async def _count(bot) -> int:
    return len(await bot.tickets())


# -- the four findings -------------------------------------------------------------------------

async def test_light_and_door_access_in_one_unit_are_two_tickets(bot):
    await bot.open_ticket("3号楼2单元楼道灯坏了，晚上黑乎乎的", sender=RES_ZHAO)
    replies = await bot.say(RES_SUN, "3号楼2单元门禁坏了，刷卡没反应")
    assert "ticket_opened" in keys(replies) and "#2" in texts(replies)
    assert await _count(bot) == 2
    assert (await bot.ticket(1)).affected_count == 1


async def test_elevators_of_two_units_are_two_tickets(bot):
    await bot.open_ticket("2号楼1单元电梯坏了，一直不动", sender=RES_ZHAO)
    replies = await bot.say(RES_SUN, "2号楼4单元电梯坏了，一直不动")
    assert "ticket_opened" in keys(replies)
    assert [(t.building, t.unit) for t in await bot.tickets()] == [("2", "1"), ("2", "4")]


async def test_a_tap_leak_does_not_absorb_a_loose_handrail(bot):
    await bot.open_ticket("1号楼3单元楼道里公用的水龙头漏水，哗哗流", sender=RES_ZHAO)
    replies = await bot.say(RES_SUN, "1号楼3单元楼梯扶手松了，晃得厉害")
    assert "ticket_opened" in keys(replies)
    assert await _count(bot) == 2


async def test_the_same_resident_twice_gets_already_registered(bot):
    first = await bot.open_ticket("5号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    again = await bot.say(RES_ZHAO, "5号楼2单元楼道灯坏了好几天了")
    assert keys(again) == ["ticket_already_reported"]
    assert f"已登记过（#{first}）" in texts(again)
    assert await _count(bot) == 1
    ticket = await bot.ticket(first)
    assert ticket.affected_count == 1  # the reporter is not counted twice
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(TicketWatcher))) == []


# -- the rules behind them ---------------------------------------------------------------------

async def test_a_repeat_with_small_edits_and_in_private_chat_is_the_same_ticket(bot):
    first = await bot.open_ticket("2号楼1单元电梯坏了，停在5楼不动", sender=RES_ZHAO)
    edited = await bot.say(RES_ZHAO, "2号楼1单元电梯坏了 停在五楼不动了！！")
    private = await bot.say(RES_ZHAO, "2号楼1单元的电梯还是坏的，快来人修修", None)
    assert keys(edited) == ["ticket_already_reported"] and keys(private) == ["ticket_already_reported"]
    assert f"#{first}" in texts(private)
    assert await _count(bot) == 1


async def test_a_resident_who_already_joined_is_told_so(bot):
    first = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    joined = await bot.say(RES_SUN, "3号楼2单元的声控灯一直不亮")
    assert keys(joined) == ["ticket_merged"] and "共 2 户" in texts(joined)
    again = await bot.say(RES_SUN, "3号楼2单元感应灯还是不亮啊")
    assert keys(again) == ["ticket_already_reported"] and f"#{first}" in texts(again)
    assert (await bot.ticket(first)).affected_count == 2


async def test_the_same_thing_in_other_words_is_a_plus_one(bot):
    await bot.open_ticket("2号楼电梯坏了，老人下不了楼", sender=RES_ZHAO)
    replies = await bot.say(RES_SUN, "2号楼的升降梯不动了")
    assert keys(replies) == ["ticket_merged"]
    await bot.open_ticket("1号楼门口井盖丢了", sender=RES_ZHAO)
    replies = await bot.say(RES_SUN, "1号楼门口窨井盖没了，孩子差点掉进去")
    # a missing manhole cover where people walk is danger now (issue 11): the number to call comes first
    assert keys(replies) == ["ticket_urgent_call_110"] and "已为您 +1" in texts(replies)
    assert await _count(bot) == 2


async def test_other_floors_and_other_rooms_are_other_problems(bot):
    await bot.open_ticket("3号楼2单元5楼楼道灯坏了", sender=RES_ZHAO)
    floor = await bot.say(RES_SUN, "3号楼2单元8楼楼道灯坏了")
    await bot.open_ticket("1号楼2单元301水管漏水", sender=RES_ZHAO)
    room = await bot.say(RES_SUN, "1号楼2单元502水管漏水")
    assert "ticket_opened" in keys(floor) and "ticket_opened" in keys(room)
    assert await _count(bot) == 4


async def test_a_plus_one_without_a_place_joins_the_located_ticket(bot):
    first = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    replies = await bot.say(RES_SUN, "楼道灯还是不亮啊，什么时候修")
    assert keys(replies) == ["ticket_merged"] and f"#{first}" in texts(replies)


async def test_outside_the_window_is_a_new_ticket(bot):
    await bot.open_ticket("6号楼2单元门禁坏了", sender=RES_ZHAO)
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(Ticket).values(created_at=utcnow() - timedelta(hours=25)))
    replies = await bot.say(RES_ZHAO, "6号楼2单元门禁坏了")
    assert "ticket_opened" in keys(replies)
    assert await _count(bot) == 2


async def test_another_grid_is_never_merged_even_for_the_same_words(bot):
    await bot.open_ticket("小区路灯坏了", sender=RES_ZHAO)
    replies = await bot.say(RES_WU, "小区路灯坏了", "room-west")
    assert "ticket_opened" in keys(replies)
    assert await _count(bot) == 2


async def test_the_same_report_sent_twice_at_once_opens_one_ticket(bot):
    import asyncio

    text = "7号楼3单元门禁坏了，刷卡没反应"
    for _ in range(3):  # a double tap on "send", and a neighbour in the same second
        replies = await asyncio.gather(bot.say(RES_ZHAO, text), bot.say(RES_ZHAO, text), bot.say(RES_SUN, text))
        async with bot.runtime.db.transaction() as session:
            await session.execute(update(Ticket).values(status="cancelled"))
    got = sorted(k for r in replies for k in keys(r) if k.startswith("ticket_"))
    assert got == ["ticket_already_reported", "ticket_merged", "ticket_opened"]
    assert len(await bot.tickets()) == 3
    assert all(t.affected_count == 2 for t in await bot.tickets())


async def test_a_ticket_placed_from_the_reporters_home_keeps_that_place(bot):
    await bot.say(RES_ZHAO, "楼道灯坏了好几天了，晚上黑漆漆的")  # filed under 赵阿姨's home, 1号楼
    assert (await bot.ticket(1)).building == "1"
    other = await bot.say(RES_SUN, "3号楼楼道灯坏了好几天了")
    assert "ticket_opened" in keys(other)
    same = await bot.say(RES_SUN, "1号楼楼道灯坏了，一直不亮")
    assert keys(same) == ["ticket_merged"] and "#1" in texts(same)
