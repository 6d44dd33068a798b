"""Bad input gets a clear Chinese reply or silence; never a traceback or a half-written record."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import ProcessedMessage, Ticket
from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBERS, RES_SUN, RES_ZHAO, SECRETARY, texts


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\x00\x01\x02", "\u200b\u200b"])
async def test_empty_messages_are_silent(bot, text):
    assert await bot.say(RES_ZHAO, text) == []
    assert await bot.tickets() == []


async def test_huge_message_in_group_is_silent_and_private_is_told(bot):
    assert await bot.say(RES_ZHAO, "楼道灯坏了" * 4000) == []
    private = await bot.say(RES_ZHAO, "楼道灯坏了" * 4000, None)
    assert "太长" in texts(private)
    assert await bot.tickets() == []


async def test_emoji_and_control_characters(bot):
    assert await bot.say(RES_ZHAO, "👍👍🎉") == []
    replies = await bot.say(RES_ZHAO, "3号楼\x07电梯\x1b坏了，困人了")
    assert replies and "#1" in replies[0].text


@pytest.mark.parametrize("text, expected", [
    ("接单 99", "没有找到诉求 #99"),
    ("接单 abc", "编号应为数字"),
    ("接单", "用法"),
    ("接单 99999999999", "编号应为数字"),
    ("完成 7", "没有找到诉求 #7"),
    ("/验收 3 通过", "没有找到诉求 #3"),
    ("/验收 3", "用法"),
])
async def test_unknown_or_malformed_numbers(bot, text, expected):
    who = SECRETARY if text.startswith("/") else MEMBER_LI
    assert expected in texts(await bot.say(who, text, MEMBERS))


async def test_claim_own_ticket_refused(bot):
    from bot.services import directory

    async with bot.runtime.db.transaction() as session:
        await directory.add_role(session=session, person_id=RES_ZHAO, community_id="xingfuli", role="member")
    number = await bot.open_ticket(sender=RES_ZHAO)
    assert "自己报的" in texts(await bot.say(RES_ZHAO, f"接单 {number}", MEMBERS))
    assert (await bot.ticket(number)).status == "open"


async def test_claim_already_claimed_and_closed(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert "已被 李师傅 认领" in texts(await bot.say(MEMBER_CHEN, f"接单 {number}", MEMBERS))
    assert "重复认领" in texts(await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS))
    await bot.say(RES_ZHAO, f"撤销 {number}")
    assert "不能认领" in texts(await bot.say(MEMBER_CHEN, f"接单 {number}", MEMBERS))


async def test_completing_someone_elses_claim(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert "不是由您认领" in texts(await bot.say(MEMBER_CHEN, f"完成 {number} 好了", MEMBERS))
    assert "不是由您认领" in texts(await bot.say(MEMBER_CHEN, f"放弃 {number}", MEMBERS))
    assert (await bot.ticket(number)).status == "claimed"


@pytest.mark.parametrize("who", [RES_SUN, MEMBER_LI])
@pytest.mark.parametrize("command", ["/验收 1 通过", "/广播 全体 明天停水", "/派单 1 @李师傅", "/加分 @李师傅 2 帮忙"])
async def test_secretary_commands_refused_for_others(bot, who, command):
    await bot.open_ticket()
    replies = await bot.say(who, command, MEMBERS if who == MEMBER_LI else EAST)
    assert "仅限书记、网格员、街道干部使用" in texts(replies)
    assert (await bot.ticket(1)).status == "open"


async def test_residents_cannot_claim(bot):
    number = await bot.open_ticket()
    assert "仅限" in texts(await bot.say(RES_SUN, f"接单 {number}"))


async def test_cancel_by_stranger_refused(bot):
    number = await bot.open_ticket()
    assert "只有报事人" in texts(await bot.say(RES_SUN, f"撤销 {number}"))


async def test_rate_bad_score(bot):
    number = await bot.open_ticket()
    assert "1-5" in texts(await bot.say(RES_ZHAO, f"评价 {number} 9"))
    assert "不能评价" in texts(await bot.say(RES_ZHAO, f"评价 {number} 5"))


async def test_refused_command_leaves_no_partial_record(bot):
    await bot.say(SECRETARY, "/验收照片 设施报修 必须", None)
    number = await bot.open_ticket()
    before = len(await bot.outbox())
    # Done before it was claimed: the claim is written first, then the missing photo refuses it all.
    await bot.say(MEMBER_LI, f"完成 {number} 好了", MEMBERS)
    async with bot.runtime.db.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        processed = await session.scalar(select(func.count()).select_from(ProcessedMessage))
    assert (ticket.status, ticket.claimer_id) == ("open", None)
    assert len(await bot.outbox()) == before + 1  # only the refusal
    assert processed == 3  # the rule, the report, the refused report of done


async def test_redelivered_message_is_handled_once(bot):
    first = await bot.say(RES_ZHAO, "2号楼下水道堵了，污水冒出来了", msg_id="wx-1")
    again = await bot.say(RES_ZHAO, "2号楼下水道堵了，污水冒出来了", msg_id="wx-1")
    assert len(await bot.tickets()) == 1
    assert [r.text for r in again] == [r.text for r in first]


async def test_unexpected_error_becomes_apology(bot, monkeypatch):
    import handlers.demands

    def boom(text):
        raise RuntimeError("classifier exploded")

    monkeypatch.setattr(handlers.demands.nlp, "classify", boom)
    replies = await bot.say(RES_ZHAO, "1号楼楼道灯坏了")
    assert "系统出了点问题" in texts(replies)
    assert "Traceback" not in texts(replies) and "exploded" not in texts(replies)
    assert await bot.tickets() == []


async def test_unknown_room_is_ignored(bot):
    assert await bot.say(RES_ZHAO, "1号楼楼道灯坏了", "room-unknown") == []


@pytest.mark.parametrize("text", ["兑换 洗衣液", "报名 清理楼道", "签到 abc"])
async def test_member_commands_with_a_name_instead_of_a_number(bot, text):
    replies = texts(await bot.say(MEMBER_LI, text, MEMBERS))
    assert "编号" in replies or "用法" in replies or "格式" in replies, replies
