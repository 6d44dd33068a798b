"""Issue 10's scenes, played as residents, members and secretaries really type them.

Each test is one scene from the issue's "Why" list; each ends the way a person would
expect, checked on what was sent (reply keys) and what was stored."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.db.models import PersonRole, TicketEvent
from bot.replies import say
from tests.harness import (
    EAST,
    GRID_WORKER,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBER_LIU,
    MEMBERS,
    RES_SUN,
    RES_WU,
    RES_ZHAO,
    SECRETARY,
    keys,
)

UNSURE = "楼下那个灯是不是有点暗"  # the classifier's middle band: the bot asks first


@pytest.mark.parametrize("answer", ["好的", "嗯", "可以", "要登记", "好的麻烦了", "是的，谢谢", "行", "登记吧"])
async def test_a_resident_says_yes_the_way_people_do(bot, answer):
    asked = await bot.say(RES_ZHAO, UNSURE)
    assert keys(asked) == ["demand_ask"] and await bot.tickets() == []
    opened = await bot.say(RES_ZHAO, answer)
    assert "ticket_opened" in keys(opened)
    assert [t.text for t in await bot.tickets()] == [UNSURE]


@pytest.mark.parametrize("answer", ["不用", "算了", "不用了谢谢"])
async def test_a_resident_says_no_and_is_told_nothing_was_filed(bot, answer):
    await bot.say(RES_ZHAO, UNSURE)
    assert keys(await bot.say(RES_ZHAO, answer)) == ["demand_not_registered"]
    assert await bot.tickets() == []
    assert await bot.say(RES_ZHAO, "好的") == []  # the question is closed: now it is conversation


async def test_the_answer_belongs_to_the_person_and_conversation_that_was_asked(bot):
    await bot.say(RES_ZHAO, UNSURE, EAST)
    assert await bot.say(RES_SUN, "好的", EAST) == []  # someone else's 好的
    assert keys(await bot.say(RES_ZHAO, "好的", None)) == ["nothing_to_confirm"]  # her private chat
    assert await bot.tickets() == []
    assert "ticket_opened" in keys(await bot.say(RES_ZHAO, "好的", EAST))


async def test_a_member_claims_and_completes_in_plain_words(bot):
    number = await bot.open_ticket()
    claimed = await bot.say(MEMBER_LI, "我来吧", MEMBERS)
    assert keys(claimed)[0] == "ticket_claimed_ok"
    assert (await bot.ticket(number)).claimer_id == MEMBER_LI
    done = await bot.say(MEMBER_LI, "修好了，换了个灯泡", MEMBERS)
    assert keys(done)[0] == "ticket_done_ok"
    ticket = await bot.ticket(number)
    assert ticket.status == "done"
    async with bot.runtime.db.sessions() as session:
        notes = [e.note for e in await session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.action == "complete"))]
    assert notes == ["修好了，换了个灯泡"]
    verified = await bot.say(SECRETARY, "验收通过", None)
    assert "ticket_verified_ok" in keys(verified)
    assert (await bot.ticket(number)).status == "verified"


@pytest.mark.parametrize(("report", "claim"), [
    # Found in the simulator: "1号单子我马上过去看看" got no answer; "1号那个老人…" opened a ticket at 1号楼.
    ("我家老头子在卫生间摔了 叫不太醒了 3号楼2单元401", "{n}号单子我马上过去看看"),
    # Found in the simulator: 「我去3栋看看老李 接单 1」 got no answer and claimed nothing.
    ("隔壁老李心绞痛又犯了 药吃完了 谁家有硝酸甘油 我在3栋", "我去3栋看看老李 接单 {n}"),
    # Found in the simulator by day (stop 28): 「井盖那个我离得近 我去 1」 got no answer and claimed nothing.
    ("1号楼门口那个井盖被车压翻了 露着个大窟窿 一会孩子们就要出门上学了", "井盖那个我离得近 我去 {n}"),
    # Found in the simulator at night (stop 29): 「1号我来 马上到」 claimed nothing.
    ("3号楼门口有个老爷子趴在地上 喊他只会哼", "{n}号我来 马上到"),
    ("5号楼暖气修好了 但我家卧室那组还是冰凉的 能不能再来看看", "{n}号我晚点去看看"),
])
async def test_a_member_who_claims_in_a_sentence_of_their_own_claims(bot, report, claim):
    number = await bot.open_ticket(report)
    replies = await bot.say(MEMBER_LI, claim.format(n=number), EAST)
    assert keys(replies)[0] == "ticket_claimed_ok"
    assert (await bot.ticket(number)).claimer_id == MEMBER_LI
    assert len(await bot.tickets()) == 1


async def test_a_member_reports_a_delivery_done(bot):
    # Found in the simulator: 「送到了 老李吃了药缓过来了」 after claiming a medicine run got no answer.
    number = await bot.open_ticket("隔壁老李心绞痛又犯了 药吃完了 谁家有硝酸甘油 我在3栋")
    assert keys(await bot.say(MEMBER_LI, f"接单 {number}", EAST))[0] == "ticket_claimed_ok"
    assert keys(await bot.say(MEMBER_LI, "送到了 老李吃了药缓过来了 家属也回来了", EAST))[0] == "ticket_done_ok"
    assert (await bot.ticket(number)).status == "done"


async def test_thanks_around_the_score_rate_the_ticket(bot):
    # Found in the simulator: after the rating prompt, 「谢谢李师傅 五星」 was not taken as a rating.
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 换了灯泡", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    reporter = (await bot.ticket(number)).reporter_id
    await bot.say(reporter, "谢谢李师傅 五星", EAST)
    ticket = await bot.ticket(number)
    assert ticket.status == "closed" and ticket.rating == 5


async def test_a_number_in_the_words_picks_the_task(bot):
    first = await bot.open_ticket()
    second = await bot.open_ticket("3号楼门口的垃圾好几天没人清了", sender=RES_SUN)
    assert keys(await bot.say(MEMBER_LIU, f"{second}号我接了", MEMBERS))[0] == "ticket_claimed_ok"
    assert (await bot.ticket(second)).claimer_id == MEMBER_LIU
    assert (await bot.ticket(first)).claimer_id is None
    assert keys(await bot.say(MEMBER_LI, "我去", MEMBERS))[0] == "ticket_claimed_ok"  # only one left open
    assert (await bot.ticket(first)).claimer_id == MEMBER_LI


async def test_with_several_tasks_the_bot_asks_which_and_takes_the_number(bot):
    first = await bot.open_ticket()
    second = await bot.open_ticket("3号楼门口的垃圾好几天没人清了", sender=RES_SUN)
    asked = await bot.say(MEMBER_LI, "我来", MEMBERS)
    assert keys(asked) == ["pick_claim"] and f"#{first}" in asked[0].text and f"#{second}" in asked[0].text
    assert keys(await bot.say(MEMBER_LI, f"{second}", MEMBERS))[0] == "ticket_claimed_ok"
    assert (await bot.ticket(second)).claimer_id == MEMBER_LI
    await bot.say(MEMBER_LI, f"接单 {first}", MEMBERS)
    which = await bot.say(MEMBER_LI, "完成了", MEMBERS)
    # The list of her claimed tickets goes to her privately, not to the group.
    assert sorted(keys(which)) == ["pick_done", "pick_sent_privately"]
    assert [r.to for r in which if r.key == "pick_done"] == [MEMBER_LI]
    assert [r.room for r in which if r.key == "pick_done"] == [None]
    assert keys(await bot.say(MEMBER_LI, f"#{first}", None))[0] == "ticket_done_ok"
    assert (await bot.ticket(first)).status == "done" and (await bot.ticket(second)).status == "claimed"


async def test_a_member_with_nothing_to_do_is_told_so(bot):
    assert keys(await bot.say(MEMBER_CHEN, "我来", MEMBERS)) == ["claim_nothing_open"]
    assert keys(await bot.say(MEMBER_CHEN, "修好了", MEMBERS)) == ["done_nothing_claimed"]


async def test_wu_nainai_gets_her_home_building_and_can_correct_it(bot):
    opened = await bot.say(RES_WU, "我家灯不亮了", EAST)
    assert "ticket_opened" in keys(opened) and "6号楼" in opened[0].text and "不在这里的话" in opened[0].text
    ticket = (await bot.tickets())[-1]
    assert ticket.building == "6"
    fixed = await bot.say(RES_WU, "6号楼2单元", EAST)
    assert keys(fixed) == ["ticket_place_ok"] and "6号楼2单元" in fixed[0].text
    ticket = await bot.ticket(ticket.number)
    assert (ticket.building, ticket.unit) == ("6", "2")


async def test_a_unit_and_flat_in_the_message_stay_with_the_home_building(bot):
    # Found in the simulator: 「我家也停暖了 3单元502」 was filed at the home building with unit and flat dropped.
    opened = await bot.say(RES_WU, "我家也停暖了 2单元502 孩子冷得睡不着", EAST)
    assert "ticket_opened" in keys(opened) and "6号楼2单元502" in opened[0].text
    ticket = (await bot.tickets())[-1]
    assert (ticket.building, ticket.unit, ticket.room_no) == ("6", "2", "502")


@pytest.mark.parametrize("said", ["昨天晚上楼下好像着火了 吓死我了", "听说东门那边要修路了", "小区门口的奶茶店什么时候开的"])
async def test_a_remark_that_names_a_place_is_not_taken_as_where_the_ticket_is(bot, said):
    # Found in the simulator: the next thing a resident said after a ticket filed at her home
    # building, a story that mentioned 楼下, became the ticket's place.
    await bot.say(RES_WU, "我家灯不亮了", EAST)
    ticket = (await bot.tickets())[-1]
    assert "ticket_place_ok" not in keys(await bot.say(RES_WU, said, EAST))
    assert (await bot.ticket(ticket.number)).text == ticket.text and ticket.building == "6"


async def test_asking_after_a_ticket_in_plain_words_is_查询(bot):
    # Found in the simulator: a secretary typed 「看看1号单子」 and was told how to report a problem.
    number = await bot.open_ticket()
    said = await bot.say(SECRETARY, f"看看{number}号单子", None)
    assert said and said[0].text == (await bot.say(SECRETARY, f"查询 {number}", None))[0].text
    assert keys(await bot.say(RES_WU, f"{number}号怎么样了", EAST)) == keys(await bot.say(RES_WU, f"查询 {number}", EAST))


async def test_someone_whose_home_is_unknown_is_asked_where(bot):
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(PersonRole).where(PersonRole.person_id == RES_SUN).values(grid_id=None))
    opened = await bot.say(RES_SUN, "路灯不亮了，晚上黑乎乎的", EAST)
    assert "请问具体在哪里" in opened[0].text
    number = (await bot.tickets())[-1].number
    answered = await bot.say(RES_SUN, "就在小区东门", EAST)
    assert keys(answered) == ["ticket_place_ok"]
    assert "小区东门" in (await bot.ticket(number)).text
    assert await bot.say(RES_SUN, "好的", EAST) == []  # nothing left open


async def test_greetings_get_a_friendly_line_not_silence_or_a_command_list(bot):
    in_group = await bot.say(RES_ZHAO, "你好在吗", EAST)
    assert keys(in_group) == ["greeting_calling"]
    assert keys(await bot.say(RES_ZHAO, "你好", None)) == ["greeting_hello"]
    assert await bot.say(RES_ZHAO, "大家好", EAST) == []  # said to neighbours
    assert keys(await bot.say(RES_ZHAO, "今天天气不错", None)) == ["private_chat_hint"]


async def test_two_problems_in_one_message_become_two_tickets(bot):
    replies = await bot.say(RES_ZHAO, "1号楼门口的垃圾三天没人清了，还有小区东门的路灯也不亮了", EAST)
    assert keys(replies).count("ticket_opened") == 2
    made = await bot.tickets()
    assert [t.category for t in made] == ["sanitation", "repair"]
    assert "路灯" in made[1].text and "垃圾" not in made[1].text
    # Each with its own place: the gate is not filed at her home building, and nobody asks where.
    assert made[0].building == "1" and made[1].building is None
    lamp = [r for r in replies if r.key == "ticket_opened"][1]
    assert "小区东门" in lamp.text and "不在这里的话" not in lamp.text


async def test_the_reply_to_a_new_demand_says_truthfully_who_was_told(bot):
    replies = await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", EAST)
    offers = [r for r in replies if r.key == "dispatch_offer"]
    assert offers and all(r.room is None for r in offers)  # nearby members, privately
    assert not [r for r in replies if r.room == MEMBERS]  # the group is not told yet
    assert f"附近的 {len(offers)} 位党员志愿者" in replies[0].text
    assert "党员群" in replies[0].text  # and when the group would hear of it


async def test_a_grid_worker_is_staff_for_natural_verify_too(bot):
    number = await bot.done_ticket()
    assert "ticket_verified_ok" in keys(await bot.say(GRID_WORKER, f"{number}号验收通过", None))


async def test_my_tasks_lists_what_a_member_is_working_on(bot):
    assert keys(await bot.say(MEMBER_LI, "我的任务", MEMBERS)) == ["my_tasks_empty"]
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    listed = await bot.say(MEMBER_LI, "我的任务", None)
    assert keys(listed) == ["my_tasks"] and f"#{number}" in listed[0].text
    assert keys(await bot.say(RES_ZHAO, "我的任务", None)) == ["err_forbidden"]


async def test_a_resident_who_forgot_the_number_asks_for_their_own_reports(bot):
    # Found in the simulator by day (stop 28): 「我的诉求」 in a private chat was answered with how to report a problem.
    assert keys(await bot.say(RES_ZHAO, "我的诉求", None)) == ["my_reports_empty"]
    number = await bot.open_ticket(sender=RES_ZHAO)
    private = await bot.say(RES_ZHAO, "我的诉求", None)
    assert keys(private) == ["my_reports"] and f"#{number}" in private[0].text and "待认领" in private[0].text
    assert keys(await bot.say(RES_ZHAO, "查询", None)) == ["my_reports"]  # 查询 with no number: the same list
    in_group = await bot.say(RES_ZHAO, "我的诉求", EAST)
    assert [r.key for r in in_group if r.room == EAST] == ["my_reports_sent_privately"]  # the group sees no list
    assert any(r.room is None and f"#{number}" in r.text for r in in_group)  # the list itself, privately
    assert keys(await bot.say(RES_SUN, "我的诉求", None)) == ["my_reports_empty"]  # someone else's are not theirs


async def test_a_secretary_asks_in_words_what_is_still_waiting(bot):
    # Found in the simulator at night (stop 29): 「今天有多少单没人接」 was told how to report a problem.
    number = await bot.open_ticket()
    replies = await bot.say(SECRETARY, "今天有多少单没人接", None)
    assert len(replies) == 1 and replies[0].text.startswith(say("task_list_header", count=1)), replies
    assert f"#{number}" in replies[0].text
    for reply in await bot.say(RES_ZHAO, "今天有多少单没人接", None):  # a resident is not shown the task list
        assert f"#{number}" not in reply.text


async def test_a_member_who_helped_before_claiming_reports_it_done(bot):
    # Found in the simulator at night (stop 29): a member ran to a fallen man, then said 「1号搞定了 送到社区医院了」
    # and was told the ticket was still waiting to be claimed.
    number = await bot.open_ticket("3号楼门口有个老爷子趴在地上 喊他只会哼")
    replies = await bot.say(MEMBER_LI, f"{number}号搞定了 送到社区医院了 家属也来了", MEMBERS)
    assert keys(replies)[0] == "ticket_done_ok", replies
    ticket = await bot.ticket(number)
    assert (ticket.status, ticket.claimer_id) == ("done", MEMBER_LI)
    assert "ticket_verified_ok" in keys(await bot.say(SECRETARY, f"/验收 {number} 通过", None))
