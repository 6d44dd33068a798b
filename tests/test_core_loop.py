"""The whole loop through the dispatcher: demand → ticket → claim → done → verified → points."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Claim, PointsEntry, TicketEvent
from tests.harness import (
    EAST,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBERS,
    RES_SUN,
    RES_ZHAO,
    SECRETARY,
    texts,
)


async def test_resident_demand_opens_ticket_and_tells_members(bot):
    replies = await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的")
    ticket = (await bot.tickets())[0]
    assert ticket.number == 1 and ticket.status == "open"
    assert ticket.category == "repair" and ticket.building == "1" and ticket.unit == "2"
    assert ticket.reporter_id == RES_ZHAO and ticket.room_id == EAST
    to_room = [r for r in replies if r.room == EAST]
    assert len(to_room) == 1 and "#1" in to_room[0].text and "设施报修" in to_room[0].text
    assert to_room[0].mentions == [RES_ZHAO]
    # Tiered dispatch (issue 5): members living nearby are offered it privately, best skills first.
    offers = [r for r in replies if r.room is None and r.to != RES_ZHAO]
    assert offers and offers[0].to == MEMBER_LI and "接单 1" in offers[0].text
    assert not any(r.room == MEMBERS for r in replies)


async def test_chatter_stays_silent_and_opens_nothing(bot):
    for text in ("早上好", "谢谢物业，电梯修好了", "收到", "😀😀😀"):
        assert await bot.say(RES_ZHAO, text) == []
    assert await bot.tickets() == []


async def test_full_loop_awards_points_once(bot):
    number = await bot.open_ticket()
    claim = await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert "接单成功" in texts(claim)
    told = [r for r in claim if r.room == EAST]
    assert told and told[0].mentions == [RES_ZHAO] and "李师傅" in told[0].text

    done = await bot.say(MEMBER_LI, f"完成 {number} 已更换灯泡", MEMBERS)
    assert any(r.room == EAST and "已更换灯泡" in r.text for r in done)
    assert any(r.to == SECRETARY and r.room is None for r in done)
    assert (await bot.ticket(number)).status == "done"

    verified = await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    ticket = await bot.ticket(number)
    assert ticket.status == "verified" and ticket.points_awarded == 2
    assert any(r.to == MEMBER_LI and "2 积分" in r.text for r in verified)

    again = await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    assert "不能验收" in texts(again)
    async with bot.runtime.db.sessions() as session:
        entries = list(await session.scalars(select(PointsEntry)))
        events = [e.action for e in await session.scalars(select(TicketEvent).order_by(TicketEvent.id))]
        claims = list(await session.scalars(select(Claim)))
    assert [(e.person_id, e.amount) for e in entries] == [(MEMBER_LI, 2)]
    assert events == ["create", "claim", "complete", "verify"]
    assert claims[0].outcome == "done"

    mine = await bot.say(MEMBER_LI, "我的积分", MEMBERS)
    assert "2 分" in texts(mine) and f"#{number}" in texts(mine)
    board = await bot.say(MEMBER_CHEN, "积分榜", MEMBERS)
    assert "1. 李师傅 2 分" in texts(board)

    rated = await bot.say(RES_ZHAO, f"评价 {number} 5 修得很快")
    assert "已办结" in texts(rated)
    ticket = await bot.ticket(number)
    assert ticket.status == "closed" and ticket.rating == 5


async def test_reject_sends_back_to_claimer(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 好了", MEMBERS)
    replies = await bot.say(SECRETARY, f"/验收 {number} 驳回 灯还是不亮", None)
    assert any(r.to == MEMBER_LI and "灯还是不亮" in r.text for r in replies)
    assert (await bot.ticket(number)).status == "claimed"
    assert "为完成" in texts(await bot.say(MEMBER_LI, f"完成 {number} 换了新灯", MEMBERS))


async def test_release_reopens_and_cancel(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    released = await bot.say(MEMBER_LI, f"放弃 {number}", MEMBERS)
    assert "已放弃" in texts(released) and any(r.room == MEMBERS and "重新开放" in r.text for r in released)
    ticket = await bot.ticket(number)
    assert ticket.status == "open" and ticket.claimer_id is None
    await bot.say(MEMBER_CHEN, f"#{number} 我来", MEMBERS)
    cancelled = await bot.say(RES_ZHAO, f"撤销 {number}")
    assert "已撤销" in texts(cancelled) and any(r.to == MEMBER_CHEN for r in cancelled)
    assert (await bot.ticket(number)).status == "cancelled"


async def test_query_shows_status(bot):
    number = await bot.open_ticket()
    replies = await bot.say(RES_SUN, f"查询 {number}")
    assert "待认领" in texts(replies) and f"#{number}" in texts(replies)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert "李师傅" in texts(await bot.say(RES_ZHAO, f"进度 {number}"))


async def test_secretary_sees_why_a_ticket_got_its_category(bot):
    number = await bot.open_ticket("1号楼2单元楼道灯坏了好几天了")
    staff = texts(await bot.say(SECRETARY, f"查询 {number}", None))
    resident = texts(await bot.say(RES_ZHAO, f"查询 {number}"))
    assert "分类依据" in staff and "灯" in staff.split("分类依据")[1]
    assert "分类依据" not in resident


async def test_urgent_report_tells_the_resident_to_call_emergency_services_first(bot):
    replies = await bot.say(RES_ZHAO, "3号楼2单元楼道里有很大的煤气味，快来人")
    to_resident = [r for r in replies if r.room == EAST and r.mentions == [RES_ZHAO]]
    assert to_resident and "119" in to_resident[0].text and "#1" in to_resident[0].text
    normal = await bot.say(RES_SUN, "1号楼门口的路灯坏了好几天了")
    assert not any("119" in r.text for r in normal)
