"""The points ledger: rules, manual adjustments, reversals, the passbook and the balance invariant."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import PointsEntry
from bot.db.models_members import PointsBalance
from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, BotHarness, texts


async def assert_balances_match_ledger(bot: BotHarness) -> dict[str, int]:
    """The invariant: every balance row equals the sum of that person's entries, and none is negative."""
    async with bot.runtime.db.sessions() as session:
        sums = dict((await session.execute(
            select(PointsEntry.person_id, func.sum(PointsEntry.amount)).group_by(PointsEntry.person_id))).all())
        rows = {b.person_id: b.balance for b in await session.scalars(select(PointsBalance))}
    assert {k: int(v) for k, v in sums.items()} == {k: v for k, v in rows.items() if v or k in sums}
    assert all(v >= 0 for v in rows.values())
    return rows


async def entries(bot: BotHarness) -> list[PointsEntry]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(PointsEntry).order_by(PointsEntry.id)))


async def test_award_by_rule_name_uses_the_rule_and_names_it(bot):
    replies = await bot.say(SECRETARY, "/加分 @李师傅 志愿劳动 清理楼道", None)
    assert "+2" in texts(replies) and "当前 2 分" in texts(replies)
    assert any(r.to == MEMBER_LI and "志愿劳动" in r.text for r in replies)
    await bot.say(SECRETARY, "/加分 @李师傅 组织演出", None)
    rows = await entries(bot)
    assert [(e.rule, e.amount, e.actor_id) for e in rows] == [
        ("service.labour", 2, SECRETARY), ("service.organise", 4, SECRETARY)]
    assert (await assert_balances_match_ledger(bot))[MEMBER_LI] == 6


async def test_rule_table_lists_and_overrides(bot):
    table = texts(await bot.say(MEMBER_LI, "积分规则", MEMBERS))
    for line in ("志愿劳动：2 分", "建言献策：2 分", "文艺演出：3 分", "组织演出：4 分", "防疫值守：3 分",
                 "爱心捐赠：2 分", "平安巡逻：2 分", "矛盾调解：3 分", "结对帮扶：3 分", "五星好评奖励：1 分"):
        assert line in table
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/积分规则 设置 志愿劳动 9", MEMBERS))
    assert "调整为 3 分" in texts(await bot.say(SECRETARY, "/积分规则 设置 志愿劳动 3", None))
    assert "志愿劳动：3 分" in texts(await bot.say(SECRETARY, "/积分规则", None))
    await bot.say(SECRETARY, "/加分 @李师傅 志愿劳动", None)
    assert [(e.rule, e.amount) for e in await entries(bot)] == [("service.labour", 3)]
    assert "恢复默认 2 分" in texts(await bot.say(SECRETARY, "/积分规则 恢复 志愿劳动", None))
    assert "没有叫「打麻将」" in texts(await bot.say(SECRETARY, "/积分规则 设置 打麻将 3", None))
    assert "格式不对" in texts(await bot.say(SECRETARY, "/积分规则 设置 志愿劳动 abc", None))


async def test_ticket_points_follow_an_override(bot):
    await bot.say(SECRETARY, "/积分规则 设置 设施报修 5", None)
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 换了灯泡", MEMBERS)
    assert "获得 5 积分" in texts(await bot.say(SECRETARY, f"/验收 {number} 通过", None))
    assert [(e.rule, e.amount) for e in await entries(bot)] == [("ticket.repair", 5)]


async def test_five_star_rating_adds_a_bonus_once(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 好了", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    rated = await bot.say(RES_ZHAO, f"评价 {number} 5 很好", EAST)
    assert any(r.to == MEMBER_LI and "5 星" in r.text for r in rated)
    again = await bot.say(RES_ZHAO, f"评价 {number} 5 很好", EAST)
    assert "不能评价" in texts(again)
    assert [(e.rule, e.amount) for e in await entries(bot)] == [("ticket.repair", 2), ("rating_bonus", 1)]
    await assert_balances_match_ledger(bot)


async def test_reversal_is_a_new_entry_and_happens_once(bot):
    await bot.say(SECRETARY, "/加分 @李师傅 5 帮忙搬家", None)
    first = (await entries(bot))[0]
    replies = await bot.say(SECRETARY, f"/冲正 {first.id} 记错人了", None)
    assert "已冲正" in texts(replies) and "当前 0 分" in texts(replies)
    assert "已经冲正过" in texts(await bot.say(SECRETARY, f"/冲正 {first.id} 再来", None))
    rows = await entries(bot)
    assert [(e.amount, e.rule) for e in rows] == [(5, "manual.award"), (-5, "manual.award.reversal")]
    assert rows[0].reason == "帮忙搬家"  # the original is never edited
    reversal = rows[1]
    assert "格式不对" in texts(await bot.say(SECRETARY, "/冲正 1", None))
    assert "不能冲正" in texts(await bot.say(SECRETARY, f"/冲正 {reversal.id} 反冲", None))
    assert "没有找到" in texts(await bot.say(SECRETARY, "/冲正 999 无", None))
    assert "仅限" in texts(await bot.say(MEMBER_LI, f"/冲正 {first.id} 无", MEMBERS))
    assert (await assert_balances_match_ledger(bot))[MEMBER_LI] == 0


async def test_deduction_never_takes_the_balance_below_zero(bot):
    await bot.say(SECRETARY, "/加分 @李师傅 2 帮忙", None)
    refused = await bot.say(SECRETARY, "/扣分 @李师傅 3 迟到", None)
    assert "积分不足" in texts(refused)
    assert "当前 0 分" in texts(await bot.say(SECRETARY, "/扣分 @李师傅 2 迟到", None))
    assert (await assert_balances_match_ledger(bot))[MEMBER_LI] == 0


async def test_passbook_shows_entries_with_running_balance(bot):
    await bot.say(SECRETARY, "/加分 @李师傅 志愿劳动", None)
    await bot.say(SECRETARY, "/加分 @李师傅 3 组织文艺演出", None)
    await bot.say(SECRETARY, "/扣分 @李师傅 1 记错了", None)
    book = texts(await bot.say(MEMBER_LI, "我的存折", MEMBERS))
    assert "余额 4 分" in book
    lines = [line for line in book.splitlines() if line.startswith("积分记录 ")]
    assert len(lines) == 3
    assert "-1" in lines[0] and "余 4" in lines[0]
    assert "+3" in lines[1] and "余 5" in lines[1]
    assert "+2" in lines[2] and "志愿劳动" in lines[2] and "余 2" in lines[2]
    assert "还没有积分" in texts(await bot.say(MEMBER_CHEN, "我的存折", MEMBERS))


async def test_leaderboard_by_period_and_grid(bot):
    await bot.say(SECRETARY, "/加分 @李师傅 3 帮忙", None)   # 1号楼, 东区
    await bot.say(SECRETARY, "/加分 @陈老师 5 普法", None)   # 5号楼, 西区
    whole = texts(await bot.say(MEMBER_LI, "积分榜 本月", MEMBERS))
    assert whole.index("陈老师") < whole.index("李师傅")
    east = texts(await bot.say(MEMBER_LI, "积分榜 东区", MEMBERS))
    assert "李师傅 3 分" in east and "陈老师" not in east
    assert "陈老师 5 分" in texts(await bot.say(MEMBER_LI, "积分榜 本周 5号楼", MEMBERS))
    assert "不认识" in texts(await bot.say(MEMBER_LI, "积分榜 火星", MEMBERS))
