"""积分超市: listing, redemption with a voucher, collection once, and no overdraw under races."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db.models_members import ShopItem, Voucher
from bot.services import directory, points
from tests.harness import MEMBER_CHEN, MEMBER_LI, MEMBERS, SECRETARY, BotHarness, texts
from tests.test_points_ledger import assert_balances_match_ledger, entries


async def give(bot: BotHarness, person_id: str, amount: int, *, member: bool = True) -> None:
    async with bot.runtime.db.transaction() as session:
        await directory.ensure_person(session=session, person_id=person_id, name=f"志愿者{person_id}")
        if member:
            await directory.add_role(session=session, person_id=person_id, community_id="xingfuli", role="member")
        await points.post(session=session, person_id=person_id, community_id="xingfuli", amount=amount,
                          rule="manual.award", reason="测试", idempotency_key=f"test:{person_id}:{amount}")


async def item(bot: BotHarness, number: int = 1) -> ShopItem:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(ShopItem).where(ShopItem.number == number))


async def vouchers(bot: BotHarness) -> list[Voucher]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(Voucher).order_by(Voucher.id)))


async def test_list_redeem_and_collect_once(bot):
    assert "还没有上架" in texts(await bot.say(MEMBER_LI, "积分超市", MEMBERS))
    listed = await bot.say(SECRETARY, "/商品 上架 洗衣液 5 2", None)
    assert "已上架 1. 洗衣液：5 分，共 2 件" in texts(listed)
    await give(bot, MEMBER_LI, 12)
    shelf = texts(await bot.say(MEMBER_LI, "积分超市", MEMBERS))
    assert "1. 洗衣液　5 分　剩 2" in shelf and "您的积分：12 分" in shelf
    redeemed = await bot.say(MEMBER_LI, "兑换 1", MEMBERS)
    (voucher,) = await vouchers(bot)
    assert any(r.room == MEMBERS and "私信" in r.text and voucher.code not in r.text for r in redeemed)
    assert any(r.to == MEMBER_LI and r.room is None and voucher.code in r.text and "当前 7 分" in r.text
               for r in redeemed)
    assert [(e.amount, e.rule) for e in await entries(bot)][-1] == (-5, "shop.redeem")
    assert "仅限" in texts(await bot.say(MEMBER_LI, f"/核销 {voucher.code}", MEMBERS))
    assert "核销成功" in texts(await bot.say(SECRETARY, f"/核销 {voucher.code.lower()}", None))
    assert "已经核销过" in texts(await bot.say(SECRETARY, f"/核销 {voucher.code}", None))
    assert "没有找到兑换码" in texts(await bot.say(SECRETARY, "/核销 NOPE1234", None))
    assert (await item(bot)).stock == 1
    await assert_balances_match_ledger(bot)


async def test_refusals_change_nothing(bot):
    await bot.say(SECRETARY, "/商品 上架 保温杯 30 1", None)
    await give(bot, MEMBER_LI, 10)
    assert "积分不足：当前 10 分，需要 30 分" in texts(await bot.say(MEMBER_LI, "兑换 1", MEMBERS))
    assert (await item(bot)).stock == 1 and await vouchers(bot) == []
    assert "没有找到商品 9" in texts(await bot.say(MEMBER_LI, "兑换 9", MEMBERS))
    assert "格式不对" in texts(await bot.say(SECRETARY, "/商品 上架 保温杯", None))
    assert "1-10000" in texts(await bot.say(SECRETARY, "/商品 上架 金条 0 1", None))
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/商品 上架 金条 1 1", MEMBERS))
    assert "已下架" in texts(await bot.say(SECRETARY, "/商品 下架 1", None))
    assert "没有找到商品 1" in texts(await bot.say(MEMBER_LI, "兑换 1", MEMBERS))
    assert (await assert_balances_match_ledger(bot))[MEMBER_LI] == 10


async def test_cancelling_a_voucher_refunds_and_restocks(bot):
    await bot.say(SECRETARY, "/商品 上架 雨伞 4 1", None)
    await give(bot, MEMBER_CHEN, 4)
    await bot.say(MEMBER_CHEN, "兑换 1", None)
    (voucher,) = await vouchers(bot)
    assert "已兑完" in texts(await bot.say(MEMBER_CHEN, "兑换 1", None))
    cancelled = await bot.say(SECRETARY, f"/核销 {voucher.code} 作废", None)
    assert "已作废" in texts(cancelled) and any(r.to == MEMBER_CHEN for r in cancelled)
    assert "已作废" in texts(await bot.say(SECRETARY, f"/核销 {voucher.code}", None))
    assert (await item(bot)).stock == 1
    rules_ = [(e.amount, e.rule) for e in await entries(bot)]
    assert rules_[-2:] == [(-4, "shop.redeem"), (4, "shop.redeem.reversal")]
    assert (await assert_balances_match_ledger(bot))[MEMBER_CHEN] == 4


async def test_concurrent_redemptions_never_overdraw_stock(bot):
    await bot.say(SECRETARY, "/商品 上架 大米 10 3", None)
    people = [f"buyer-{i}" for i in range(20)]
    for pid in people:
        await give(bot, pid, 10)
    results = await asyncio.gather(*(bot.say(pid, "兑换 1", None) for pid in people))
    winners = [r for r in results if "兑换成功" in texts(r)]
    assert len(winners) == 3
    assert all("已兑完" in texts(r) for r in results if r not in winners)
    assert (await item(bot)).stock == 0 and len(await vouchers(bot)) == 3
    balances = await assert_balances_match_ledger(bot)
    assert sorted(balances[p] for p in people) == [0] * 3 + [10] * 17


async def test_concurrent_redemptions_never_overdraw_a_balance(bot):
    await bot.say(SECRETARY, "/商品 上架 鸡蛋 5 50", None)
    await give(bot, MEMBER_LI, 12)
    results = await asyncio.gather(*(bot.say(MEMBER_LI, "兑换 1", None) for _ in range(10)))
    assert sum("兑换成功" in texts(r) for r in results) == 2
    assert sum("积分不足" in texts(r) for r in results) == 8
    assert (await item(bot)).stock == 48 and len(await vouchers(bot)) == 2
    assert (await assert_balances_match_ledger(bot))[MEMBER_LI] == 2
    assert "积分：2 分" in texts(await bot.say(MEMBER_LI, "我的积分", MEMBERS))
