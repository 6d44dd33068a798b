"""Points rules (issue 15, items 8 and 9): whole amounts in range, nobody rewards or verifies
themselves, and /派单 only to people who can do the work."""
from __future__ import annotations

import pytest

from tests.harness import GRID_WORKER, MEMBERS, RES_SUN, SECRETARY, keys, texts
from tests.test_permission_matrix import snapshot
from tests.test_points_ledger import assert_balances_match_ledger, entries

BAD_AMOUNT = "分值应为 1-100 的整数"


@pytest.mark.parametrize("amount", [
    "1e9", "1e9 组织活动", "2.5", "2.5 组织活动", ".5 帮忙", "-3 帮忙", "−3 帮忙", "+5 帮忙", "0 帮忙", "101 帮忙",
    "1,000 帮忙", "99999999999999999999 帮忙", "9" * 1000 + " 帮忙", "２.５ 帮忙", "１e9 帮忙",
])
@pytest.mark.parametrize("verb", ["加分", "扣分"])
async def test_an_amount_must_be_a_whole_number_in_range(bot, verb, amount):
    await bot.say(GRID_WORKER, "/加分 @李师傅 50 先存一些", None)
    before = await snapshot(bot)
    replies = await bot.say(SECRETARY, f"/{verb} @李师傅 {amount}", None)
    assert keys(replies) == ["err_bad_amount"] and BAD_AMOUNT in texts(replies), texts(replies)
    assert await snapshot(bot) == before


@pytest.mark.parametrize("said,amount,reason", [
    ("/加分 @李师傅 ５ 帮忙搬家", 5, "帮忙搬家"),  # full-width digits, as Chinese input methods type them
    ("/加分 @李师傅 5分 帮忙搬家", 5, "帮忙搬家"),
    ("/加分 @李师傅 5 分 帮忙搬家", 5, "帮忙搬家"),
    ("/加分 @李师傅 5帮忙搬家", 5, "帮忙搬家"),
    ("/加分 @李师傅 100 见义勇为", 100, "见义勇为"),
    ("/加分 @李师傅 007 帮忙", 7, "帮忙"),
])
async def test_whole_amounts_are_read_whole(bot, said, amount, reason):
    assert f"+{amount}" in texts(await bot.say(SECRETARY, said, None))
    assert [(e.amount, e.reason) for e in await entries(bot)] == [(amount, reason)]


async def test_an_amount_needs_a_reason(bot):
    assert "格式不对" in texts(await bot.say(SECRETARY, "/加分 @李师傅 5", None))
    assert "格式不对" in texts(await bot.say(SECRETARY, "/加分 @李师傅", None))
    assert await entries(bot) == []


@pytest.mark.parametrize("who", [GRID_WORKER, SECRETARY])
@pytest.mark.parametrize("command", ["/加分 @{name} 100 辛苦", "/加分 @{name} 志愿劳动", "/扣分 @{name} 1 迟到"])
async def test_nobody_adjusts_their_own_points(bot, who, command):
    name = {GRID_WORKER: "周网格员", SECRETARY: "王书记"}[who]
    await bot.say(SECRETARY if who == GRID_WORKER else GRID_WORKER, f"/加分 @{name} 5 值班", None)
    before = await snapshot(bot)
    replies = await bot.say(who, command.format(name=name), None)
    assert keys(replies) == ["err_self_points"] and "不能给自己" in texts(replies), texts(replies)
    assert await snapshot(bot) == before
    assert "+100" in texts(await bot.say(SECRETARY if who == GRID_WORKER else GRID_WORKER,
                                         f"/加分 @{name} 100 辛苦", None))


async def test_nobody_reverses_their_own_entry(bot):
    await bot.say(SECRETARY, "/加分 @周网格员 5 值班", None)
    await bot.say(SECRETARY, "/扣分 @周网格员 5 迟到", None)
    deduction = (await entries(bot))[-1].id
    before = await snapshot(bot)
    assert "不能自己冲正" in texts(await bot.say(GRID_WORKER, f"/冲正 {deduction} 我没迟到", None))
    assert await snapshot(bot) == before
    assert "冲正" in texts(await bot.say(SECRETARY, f"/冲正 {deduction} 查明没迟到", None))
    assert (await assert_balances_match_ledger(bot))[GRID_WORKER] == 5


async def finished_by(bot, claimer: str) -> int:
    number = await bot.open_ticket()
    await bot.say(claimer, f"接单 {number}", MEMBERS)
    await bot.say(claimer, f"完成 {number} 换好了", MEMBERS)
    assert (await bot.ticket(number)).status == "done"
    return number


@pytest.mark.parametrize("claimer,other", [(GRID_WORKER, SECRETARY), (SECRETARY, GRID_WORKER)])
async def test_nobody_verifies_their_own_work(bot, claimer, other):
    number = await finished_by(bot, claimer)
    before = await snapshot(bot)
    assert "不能自己验收" in texts(await bot.say(claimer, f"/验收 {number} 通过", None))
    assert await snapshot(bot) == before
    assert (await bot.ticket(number)).status == "done"
    assert "验收通过" in texts(await bot.say(other, f"/验收 {number} 通过", None))
    assert [(e.person_id, e.actor_id) for e in await entries(bot)] == [(claimer, other)]


async def test_an_assigned_ticket_is_verified_by_someone_else(bot):
    number = await bot.open_ticket()
    await bot.say(SECRETARY, f"/派单 {number} @王书记", None)
    await bot.say(SECRETARY, f"完成 {number} 换好了", None)
    assert "不能自己验收" in texts(await bot.say(SECRETARY, f"/验收 {number} 通过", None))
    assert "验收通过" in texts(await bot.say(GRID_WORKER, f"/验收 {number} 通过", None))


async def test_nobody_confirms_their_own_attendance(bot):
    from tests.test_activities import publish

    await publish(bot, points=5)
    before = await snapshot(bot)
    assert "不能给自己确认" in texts(await bot.say(SECRETARY, "/活动 1 确认 @王书记", None))
    assert await snapshot(bot) == before
    assert "王书记" in texts(await bot.say(GRID_WORKER, "/活动 1 确认 @王书记", None))


async def test_tickets_are_assigned_only_to_members(bot):
    number = await bot.open_ticket()
    before = await snapshot(bot)
    replies = await bot.say(SECRETARY, f"/派单 {number} @孙先生", None)
    assert keys(replies) == ["err_assign_not_member"] and "不是本社区的党员志愿者" in texts(replies)
    assert await snapshot(bot) == before
    assert (await bot.ticket(number)).claimer_id is None
    assert "派给 李师傅" in texts(await bot.say(SECRETARY, f"/派单 {number} @李师傅", None))
    assert "派给 周网格员" in texts(await bot.say(SECRETARY, f"/派单 {number} @周网格员", None))
    assert RES_SUN not in {e.person_id for e in await entries(bot)}
