"""Activities (发布、报名、签到、名单) and 微心愿."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.clock import to_local, utcnow
from bot.db.models_members import Activity, ActivitySignup
from bot.services import directory
from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBER_LIU, MEMBERS, RES_SUN, SECRETARY, WEST, texts
from tests.test_points_ledger import assert_balances_match_ledger, entries


def soon(minutes: int = 10) -> str:
    return to_local(utcnow() + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")


async def publish(bot, quota: int = 10, points: int = 2, when: str | None = None) -> list:
    return await bot.say(SECRETARY, f"/活动 发布 清理楼道 {when or soon()} 3号楼门口 {quota} {points}", None)


async def test_publish_broadcasts_and_sign_up_then_roster(bot):
    replies = await publish(bot)
    rooms = {r.room for r in replies if r.room}
    assert rooms == {EAST, WEST, MEMBERS} and "已发布到 3 个群" in texts(replies)
    assert all("报名 1" in r.text for r in replies if r.room)
    signed = await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    assert "报名成功" in texts(signed) and "1/10" in texts(signed)
    assert "已经报名" in texts(await bot.say(MEMBER_LI, "报名 1", MEMBERS))
    await bot.say(RES_SUN, "报名 1", EAST)  # residents may join activities too
    roster = texts(await bot.say(MEMBER_CHEN, "活动 1 名单", MEMBERS))
    assert "李师傅" in roster and "孙先生" in roster and "报名 2/10" in roster
    assert "清理楼道" in texts(await bot.say(MEMBER_CHEN, "活动", MEMBERS))
    assert "没有找到活动 9" in texts(await bot.say(MEMBER_CHEN, "报名 9", MEMBERS))


async def test_check_in_awards_once(bot):
    await publish(bot, points=3)
    assert "没有报名" in texts(await bot.say(MEMBER_LI, "签到 1", MEMBERS))
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    assert "获得 3 积分" in texts(await bot.say(MEMBER_LI, "签到 1", MEMBERS))
    assert "只记一次" in texts(await bot.say(MEMBER_LI, "签到 1", MEMBERS))
    confirmed = texts(await bot.say(SECRETARY, "/活动 1 确认 @李师傅", None))
    assert "不再加分" in confirmed
    assert [(e.rule, e.amount) for e in await entries(bot)] == [("activity", 3)]
    await bot.say(MEMBER_CHEN, "报名 1", MEMBERS)
    assert "获得 3 积分" in texts(await bot.say(MEMBER_CHEN, "签到", MEMBERS))  # the one open check-in
    await assert_balances_match_ledger(bot)


async def test_check_in_outside_the_window_and_secretary_confirmation(bot):
    await publish(bot, when="明天 23:50" if to_local(utcnow()).hour < 23 else "后天 09:00")
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    assert "不在签到时间" in texts(await bot.say(MEMBER_LI, "签到 1", MEMBERS))
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/活动 1 确认 @李师傅", MEMBERS))
    confirmed = await bot.say(SECRETARY, "/活动 1 确认 @李师傅 @刘大姐", None)
    assert "已确认 李师傅 参加，+2 分" in texts(confirmed) and "已确认 刘大姐 参加" in texts(confirmed)
    assert any(r.to == MEMBER_LIU for r in confirmed)
    again = texts(await bot.say(SECRETARY, "/活动 1 确认 @李师傅", None))
    assert "不再加分" in again
    assert sorted((e.person_id, e.amount) for e in await entries(bot)) == [(MEMBER_LI, 2), (MEMBER_LIU, 2)]


async def test_cancel_tells_the_groups_and_everyone_signed_up(bot):
    await publish(bot)
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    await bot.say(RES_SUN, "报名 1", EAST)
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/活动 1 取消 下雨", MEMBERS))
    done = await bot.say(SECRETARY, "/活动 1 取消 下雨改期", None)
    assert "已取消，已通知 3 个群和 2 位报名者" in texts(done)
    assert {r.room for r in done if r.room and "活动取消" in r.text} == {EAST, WEST, MEMBERS}
    told = {r.to for r in done if r.room is None and "下雨改期" in r.text}
    assert told == {MEMBER_LI, RES_SUN}
    assert "已取消" in texts(await bot.say(MEMBER_CHEN, "报名 1", MEMBERS))
    assert "已取消" in texts(await bot.say(MEMBER_LI, "签到 1", MEMBERS))
    assert "已取消" in texts(await bot.say(SECRETARY, "/活动 1 确认 @李师傅", None))
    assert "已取消" in texts(await bot.say(SECRETARY, "/活动 1 取消", None))
    assert "清理楼道" not in texts(await bot.say(MEMBER_CHEN, "活动", MEMBERS))
    assert await entries(bot) == []


async def test_an_activity_with_check_ins_cannot_be_cancelled(bot):
    await publish(bot, points=3)
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    await bot.say(MEMBER_LI, "签到 1", MEMBERS)
    refused = texts(await bot.say(SECRETARY, "/活动 1 取消", None))
    assert "已有 1 人签到记分，不能取消" in refused
    assert [(e.rule, e.amount) for e in await entries(bot)] == [("activity", 3)]


async def test_bad_activity_input(bot):
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/活动 发布 清理楼道 明天9:00 3号楼 10 2", MEMBERS))
    assert "没看懂这个时间" in texts(await bot.say(SECRETARY, "/活动 发布 清理楼道 下周 3号楼 10 2", None))
    assert "格式不对" in texts(await bot.say(SECRETARY, "/活动 发布 清理楼道", None))
    assert "已经过去" in texts(await bot.say(SECRETARY, "/活动 发布 清理楼道 2020-01-01 09:00 3号楼 10 2", None))
    assert "名额应为" in texts(await bot.say(SECRETARY, f"/活动 发布 清理楼道 {soon()} 3号楼 0 2", None))
    assert "近期没有活动" in texts(await bot.say(MEMBER_LI, "活动", MEMBERS))


async def test_concurrent_sign_ups_never_exceed_the_quota(bot):
    await publish(bot, quota=5)
    people = [f"vol-{i}" for i in range(30)]
    async with bot.runtime.db.transaction() as session:
        for pid in people:
            await directory.ensure_person(session=session, person_id=pid, name=f"志愿者{pid}")
            await directory.add_role(session=session, person_id=pid, community_id="xingfuli", role="member")
    results = await asyncio.gather(*(bot.say(pid, "报名 1", MEMBERS) for pid in people))
    assert sum("报名成功" in texts(r) for r in results) == 5
    assert sum("名额已满" in texts(r) for r in results) == 25
    async with bot.runtime.db.sessions() as session:
        activity = await session.scalar(select(Activity))
        rows = await session.scalar(select(func.count()).select_from(ActivitySignup))
    assert activity.signed_up == rows == 5


async def test_wish_is_claimed_and_fulfilled_like_a_ticket(bot):
    posted = await bot.say(SECRETARY, "/心愿 发布 为独居的吴奶奶买一台收音机", None)
    assert any(r.room == MEMBERS and "【微心愿 1号】" in r.text for r in posted)
    assert "收音机" in texts(await bot.say(MEMBER_LI, "心愿", MEMBERS))
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/心愿 发布 我也想要", MEMBERS))
    assert "接单成功" in texts(await bot.say(MEMBER_LIU, "接单 1", MEMBERS))
    await bot.say(MEMBER_LIU, "完成 1 已送到吴奶奶家", MEMBERS)
    verified = await bot.say(SECRETARY, "/验收 1 通过", None)
    assert "获得 3 积分" in texts(verified)
    assert [(e.rule, e.amount) for e in await entries(bot)] == [("wish", 3)]
    ticket = await bot.ticket(1)
    assert ticket.category == "care" and ticket.status == "verified"
    assert "没有待圆梦" in texts(await bot.say(MEMBER_LI, "心愿", MEMBERS))


def test_new_command_words_leave_ordinary_sentences_alone():
    from bot.commands import parse_command

    for text in ("活动室的灯坏了", "报名参加明天的活动", "兑换券怎么用", "积分超市在哪", "商品 很好", "心愿是全家平安"):
        assert parse_command(text) is None, text
    assert parse_command("积分榜 本月").args == "本月"
    assert (parse_command("活动 3 名单").number, parse_command("活动 3 名单").rest) == (3, "名单")
    assert parse_command("/商品 上架 大米 10 3").name == "item"
    assert parse_command("我的存折").name == "passbook" and parse_command("我的积分").name == "my_points"


async def test_confirming_someone_into_a_full_activity_speaks_to_staff(bot):
    """"/活动 1 确认 @刘大姐" on a full activity: the secretary hears it is full (N/N) and how to
    raise the limit, not the members' "下次早点来哦"; the others named are still confirmed."""
    await publish(bot, quota=1, when="明天 23:50" if to_local(utcnow()).hour < 23 else "后天 09:00")
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    replies = await bot.say(SECRETARY, "/活动 1 确认 @李师傅 @刘大姐", None)
    staff = texts([r for r in replies if r.to == SECRETARY])
    assert "已确认 李师傅 参加，+2 分" in staff
    assert "没能确认 刘大姐 参加：活动 1 已满（1/1）" in staff and "/活动 1 名额 2" in staff
    assert "早点来" not in staff
    assert not any(r.to == MEMBER_LIU for r in replies)
    assert any(r.to == MEMBER_LI and r.text.startswith("王书记 确认您参加了活动 1") for r in replies)
    # Raising the limit as suggested, then confirming again, works.
    assert "活动 1 的名额已改为 2 人（已报 1 人）" in texts(await bot.say(SECRETARY, "/活动 1 名额 2", None))
    again = await bot.say(SECRETARY, "/活动 1 确认 @刘大姐", None)
    assert "已确认 刘大姐 参加，+2 分" in texts(again)
    assert sorted((e.person_id, e.amount) for e in await entries(bot)) == [(MEMBER_LI, 2), (MEMBER_LIU, 2)]
    # A member still hears the member's sentence.
    assert "下次早点来哦" in texts(await bot.say(MEMBER_CHEN, "报名 1", MEMBERS))


async def test_changing_the_number_of_places(bot):
    await publish(bot, quota=3)
    await bot.say(MEMBER_LI, "报名 1", MEMBERS)
    await bot.say(MEMBER_LIU, "报名 1", MEMBERS)
    assert "名额不能少于 2" in texts(await bot.say(SECRETARY, "/活动 1 名额 1", None))
    assert "名额应为 1-1000" in texts(await bot.say(SECRETARY, "/活动 1 名额 0", None))
    assert "格式不对" in texts(await bot.say(SECRETARY, "/活动 1 名额 很多", None))
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/活动 1 名额 9", MEMBERS))
    assert "已改为 2 人" in texts(await bot.say(SECRETARY, "/活动 1 名额 2", None))
    assert "名额已满" in texts(await bot.say(MEMBER_CHEN, "报名 1", MEMBERS))
    async with bot.runtime.db.sessions() as session:
        activity = await session.scalar(select(Activity))
    assert (activity.quota, activity.signed_up) == (2, 2)
