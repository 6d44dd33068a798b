"""Issue 10 defects in what residents and members are told about a ticket."""
from __future__ import annotations

from bot.services import duplicates, tickets
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_SUN, RES_WU, RES_ZHAO, SECRETARY


async def _three_reports(bot) -> int:
    first = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    await bot.say(RES_SUN, "3号楼2单元的楼道灯一直不亮，晚上看不见路")
    await bot.say(RES_WU, "3号楼2单元楼道灯坏了，黑乎乎的")
    assert (await bot.ticket(first)).affected_count == 3
    return first


async def test_assign_tells_a_group_once_mentioning_every_watcher_there(bot):
    number = await _three_reports(bot)
    replies = await bot.say(SECRETARY, f"/派单 {number} @刘大姐", None)
    in_east = [r for r in replies if r.room == EAST]
    assert len(in_east) == 1, [r.text for r in in_east]
    assert "刘大姐" in in_east[0].text
    assert set(in_east[0].mentions) == {RES_ZHAO, RES_SUN, RES_WU}


async def test_claim_and_complete_tell_a_group_once(bot):
    number = await _three_reports(bot)
    claimed = await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert len([r for r in claimed if r.room == EAST]) == 1
    done = await bot.say(MEMBER_LI, f"完成 {number} 换了灯泡", MEMBERS)
    in_east = [r for r in done if r.room == EAST]
    assert len(in_east) == 1 and set(in_east[0].mentions) == {RES_ZHAO, RES_SUN, RES_WU}


async def test_a_watcher_who_wrote_privately_is_told_privately(bot):
    number = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    async with bot.runtime.db.transaction() as session:  # a +1 made in a private chat
        ticket = await tickets.get_by_number(session=session, community_id="xingfuli", number=number)
        await duplicates.attach(session=session, ticket=ticket, person_id=RES_SUN, room_id=None, text="灯不亮")
    replies = await bot.say(SECRETARY, f"/派单 {number} @刘大姐", None)
    in_east = [r for r in replies if r.room == EAST]
    assert len(in_east) == 1 and in_east[0].mentions == [RES_ZHAO]
    assert [r.text for r in replies if r.room is None and r.to == RES_SUN] == [in_east[0].text]


async def test_released_urgent_ticket_keeps_its_urgent_label(bot):
    await bot.say(RES_ZHAO, "3号楼2单元楼道里有很大的煤气味，快来人")
    ticket = (await bot.tickets())[-1]
    assert ticket.urgency == "urgent"
    await bot.say(MEMBER_LI, f"接单 {ticket.number}", MEMBERS)
    released = await bot.say(MEMBER_LI, f"放弃 {ticket.number}", MEMBERS)
    reoffer = [r for r in released if r.room == MEMBERS and r.text.startswith("【任务重新开放")]
    assert reoffer and "紧急" in reoffer[0].text
