"""Group-chat context (issue 11, items 3, 4, 5): danger calls the right number and alerts staff at once;
notices, forwards, questions and staff announcements are not tickets; a quote lends its problem to
"+1"; sarcasm and weary complaints are demands; a chase (催办) joins the open ticket it refers to."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.clock import utcnow
from bot.db.models import Ticket, TicketEvent, TicketWatcher
from tests.harness import EAST, GRID_WORKER, MEMBER_LI, MEMBERS, RES_SUN, RES_WU, RES_ZHAO, SECRETARY, keys, texts

SEPARATOR = "- - - - - - - - - - - - - - -"


async def _events(bot, ticket_id: int, action: str) -> list[TicketEvent]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.action == action)))


# -- item 3: urgent tickets name the number that fits and alert staff at once --------------------
@pytest.mark.parametrize(("text", "key"), [
    ("3号楼2单元楼道里有烟 还有噼里啪啦的声音", "ticket_urgent_call_119"),
    ("5号楼挖掘机把燃气管挖断了 呲呲往外冒气", "ticket_urgent_call_119"),
    ("2号楼门口有个老人倒在地上 叫不醒", "ticket_urgent_call_120"),
    ("6号楼1单元有个男的拿着刀在楼道里追人", "ticket_urgent_call_110"),
    ("4号楼有个小孩爬到窗外空调外机上了", "ticket_urgent_call_110"),
])
async def test_danger_tells_the_right_number_and_alerts_the_secretary_at_once(bot, text, key):
    replies = await bot.say(RES_ZHAO, text)
    ticket = (await bot.tickets())[-1]
    assert ticket.urgency == "urgent" and ticket.dispatch_level == 2
    to_resident = [r for r in replies if r.room == EAST]
    assert keys(to_resident) == [key]
    assert f"#{ticket.number}" in to_resident[0].text
    assert "dispatch_urgent_secretary" in keys([r for r in replies if r.to == SECRETARY and r.room is None])
    assert "dispatch_urgent_room" in keys([r for r in replies if r.room == MEMBERS])


async def test_danger_is_filed_not_asked_even_when_said_politely(bot):
    replies = await bot.say(RES_WU, "麻烦问一下 我家老伴摔倒了起不来 谢谢 5号楼")
    assert keys([r for r in replies if r.room == EAST]) == ["ticket_urgent_call_120"]
    assert (await bot.tickets())[0].urgency == "urgent"


async def test_danger_reported_into_a_normal_ticket_makes_it_urgent_and_alerts(bot):
    await bot.say(RES_ZHAO, "3号楼2单元的配电箱坏了 麻烦派人看看")
    ticket = (await bot.tickets())[0]
    assert ticket.urgency == "normal"
    replies = await bot.say(RES_SUN, "3号楼2单元的配电箱进水了 滋滋冒火花")
    assert len(await bot.tickets()) == 1
    assert keys([r for r in replies if r.room == EAST]) == ["ticket_urgent_call_119"]
    assert "dispatch_urgent_secretary" in keys([r for r in replies if r.to == SECRETARY])
    assert (await bot.ticket(1)).urgency == "urgent"
    assert await _events(bot, ticket.id, "urgent")


async def test_past_or_pretend_danger_is_not_urgent(bot):
    for text in ("上礼拜3号楼着火了 吓死我了", "我家孩子玩游戏喊着火啦", "火已经灭了 大家放心"):
        replies = await bot.say(RES_SUN, text)
        assert not any((r.key or "").startswith("ticket_urgent_call") for r in replies), text
    assert not [t for t in await bot.tickets() if t.urgency == "urgent"]


# -- item 4: notices, forwards and questions; staff announcements ---------------------------------
@pytest.mark.parametrize("text", [
    "转：3号楼电梯明天维修 停用一天",
    "转发：冬季暖气片漏水怎么办 看这篇",
    "请问社区服务中心周六几点开门？",
    "卫生站中午上班吗",
    "跟大家说一下 5号楼后面那个坑已经填好了 晚上走路不用绕了",
    "提醒一下 最近有冒充燃气公司上门推销报警器的 别上当",
])
async def test_notices_forwards_and_questions_open_nothing(bot, text):
    assert await bot.say(RES_ZHAO, text) == []
    assert await bot.tickets() == []


@pytest.mark.parametrize("staff", [SECRETARY, GRID_WORKER])
async def test_a_staff_notice_in_a_group_is_never_a_ticket(bot, staff):
    for text in ("3号楼电梯今天下午坏了 正在抢修 大家走楼梯", "明天1号楼2单元停水 请提前储水",
                 "5号楼楼道灯坏了 已经报修 请大家注意脚下"):
        assert await bot.say(staff, text, EAST) == []
    assert await bot.tickets() == []


# -- item 5: quotes, sarcasm, weary complaints, 催办 -----------------------------------------------
async def test_a_quoted_report_lends_its_problem_to_plus_one(bot):
    number = await bot.open_ticket("1号楼2单元楼道灯坏了好几天了")
    replies = await bot.say(RES_SUN, "我们这也是", quoted="1号楼2单元楼道灯坏了好几天了")
    assert keys(replies) == ["ticket_merged"] and f"#{number}" in replies[0].text
    pasted = f"「赵阿姨：1号楼2单元楼道灯坏了好几天了」\n{SEPARATOR}\n+1"
    assert keys(await bot.say(RES_WU, pasted)) == ["ticket_merged"]
    assert len(await bot.tickets()) == 1
    assert (await bot.ticket(number)).affected_count == 3


    # a quote does not make chatter a demand
    assert await bot.say(RES_SUN, "哈哈 早上好", quoted="1号楼2单元楼道灯坏了好几天了") == []
    assert len(await bot.tickets()) == 1


async def test_an_unquoted_plus_one_right_after_a_report_agrees_with_it(bot):
    # Found by day in the simulator (stop 28): 「+1 我们5号楼也是」 under a neighbour's report got no answer.
    await bot.open_ticket("1号楼2单元楼道灯又不亮了 晚上下楼摸黑")
    replies = await bot.say(RES_SUN, "+1 我们3号楼也是", EAST)
    assert keys(replies)[0] == "ticket_opened"  # 3号楼 is another stairwell: its own ticket, not a +1 to 1号楼's
    assert sorted(t.building for t in await bot.tickets()) == ["1", "3"]
    assert await bot.say(RES_WU, "+1 今天天气不错", EAST) == []  # agreeing with the weather is chat
    async with bot.runtime.db.transaction() as session:  # the reports are now eleven minutes old
        await session.execute(update(Ticket).values(created_at=utcnow() - timedelta(minutes=11)))
    count = len(await bot.tickets())
    assert await bot.say(RES_WU, "+1", EAST) == []  # long after, a bare +1 agrees with nothing the bot can see
    assert len(await bot.tickets()) == count


async def test_plus_one_naming_another_building_opens_its_own_ticket(bot):
    # Stop 28's simulator note: a quoted 「+1 我们5号楼也是」 joined the 6号楼 ticket as a +1.
    number = await bot.open_ticket("6号楼电梯又坏了 老人爬楼太难了")
    replies = await bot.say(RES_SUN, "+1 我们5号楼也是", quoted="6号楼电梯又坏了 老人爬楼太难了")
    assert keys(replies)[0] != "ticket_merged", replies
    tickets = {t.number: t for t in await bot.tickets()}
    assert tickets[number].affected_count == 1
    assert sorted(t.building for t in tickets.values()) == ["5", "6"]
    assert max(tickets.values(), key=lambda t: t.number).text.startswith("+1 我们5号楼也是")  # read before the quote
    # the same building again is the same problem
    assert keys(await bot.say(RES_WU, "+1 我们6号楼也是", quoted="6号楼电梯又坏了 老人爬楼太难了")) == ["ticket_merged"]


async def test_a_reply_names_its_own_unit_and_the_quote_lends_the_rest(bot):
    """The reply's own place beats the quote's: "3单元的也不亮" under a report about 1号楼2单元 is 1号楼3单元."""
    await bot.say(RES_SUN, "3单元的也不亮 晚上黑咕隆咚的 麻烦来看看", quoted="1号楼2单元楼道灯坏了好几天了")
    pasted = f"「赵阿姨：6号楼502厕所下水道返水」\n{SEPARATOR}\n我6号楼402也是 地漏往上冒黑水"
    await bot.say(RES_WU, pasted)
    places = sorted((t.building, t.unit, t.room_no) for t in await bot.tickets())
    assert places == [("1", "3", None), ("6", None, "402")]


@pytest.mark.parametrize(("text", "rule"), [("物业真负责啊 3号楼电梯坏三天了👍", "规则:反讽"),
                                            ("5号楼又停水了，习惯了", "规则:习惯性抱怨"),
                                            ("物业效率真高 2号楼垃圾堆了一个礼拜没人收 点赞", "规则:反讽")])
async def test_sarcasm_and_weary_complaints_are_demands_and_query_shows_the_rule(bot, text, rule):
    replies = await bot.say(RES_ZHAO, text)
    assert "ticket_opened" in keys(replies)
    ticket = (await bot.tickets())[0]
    assert rule in (ticket.evidence or "")
    assert rule in texts(await bot.say(SECRETARY, f"查询 {ticket.number}", None))


async def test_a_chase_joins_the_open_ticket_tells_its_claimer_and_the_secretary(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    replies = await bot.say(RES_ZHAO, "还没修好吗 都一个礼拜了")
    assert keys([r for r in replies if r.room == EAST]) == ["ticket_urged"]
    assert f"#{number}" in replies[0].text
    assert keys([r for r in replies if r.to == MEMBER_LI and r.room is None]) == ["urge_staff"]
    assert keys([r for r in replies if r.to == SECRETARY and r.room is None]) == ["urge_staff"]
    ticket = await bot.ticket(number)
    assert len(await bot.tickets()) == 1
    assert [e.actor_id for e in await _events(bot, ticket.id, "urge")] == [RES_ZHAO]


async def test_a_neighbours_chase_of_the_same_place_and_thing_joins_it(bot):
    number = await bot.open_ticket("1号楼2单元楼道灯坏了好几天了")
    replies = await bot.say(RES_SUN, "上次说的那个1号楼2单元楼道灯 还没人来修 催一下")
    assert keys([r for r in replies if r.room == EAST]) == ["ticket_urged"]
    assert "urge_staff" in keys([r for r in replies if r.to == SECRETARY])
    assert len(await bot.tickets()) == 1
    ticket = await bot.ticket(number)
    async with bot.runtime.db.sessions() as session:
        watchers = list(await session.scalars(select(TicketWatcher.person_id).where(
            TicketWatcher.ticket_id == ticket.id)))
    assert watchers == [RES_SUN] and ticket.affected_count == 2
    assert await _events(bot, ticket.id, "urge")
