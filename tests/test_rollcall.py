"""Roll calls (集结): preview and 确认, answers in words, live tally, 名单, reminder, 人已够
(race-safe), 到岗, 结束 with hours and points — and words keep their old meaning without one."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.db.models_mobilise import RollCall, RollCallAnswer
from bot.services import directory
from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBER_LIU, MEMBERS, RES_SUN, SECRETARY, keys, texts
from tests.schedule_helpers import Outbox, tick
from tests.test_points_ledger import assert_balances_match_ledger, entries

CALL = "/集结 党员 明天上午9点 核酸检测点 {quota} 协助执勤"


async def volunteers(bot, count: int, prefix: str = "vol") -> list[str]:
    people = [f"{prefix}-{i:02d}" for i in range(count)]
    async with bot.runtime.db.transaction() as session:
        for pid in people:
            await directory.ensure_person(session=session, person_id=pid, name=f"志愿者{pid[-2:]}")
            await directory.add_role(session=session, person_id=pid, community_id="xingfuli", role="member")
    return people


async def call(bot, quota: int = 3, text: str | None = None) -> list:
    preview = await bot.say(SECRETARY, text or CALL.format(quota=quota), None)
    assert keys(preview) == ["rc_preview"], texts(preview)
    return await bot.say(SECRETARY, "确认", None)


async def answers_of(bot) -> dict[str, str]:
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(RollCallAnswer))
        return {r.person_id: r.answer for r in rows}


async def test_preview_then_confirm_reaches_the_groups_and_every_member_privately(bot):
    preview = texts(await bot.say(SECRETARY, CALL.format(quota=3), None))
    assert "【集结预览】" in preview and "3 人，1 个群" in preview and "核酸检测点" in preview
    assert await bot.outbox() and not any("【集结 1号】" in r.text for r in await bot.outbox())
    sent = await bot.say(SECRETARY, "确认", None)
    assert "集结 1号已发出：1 个群，私信 3 人" in texts(sent)
    notices = [r for r in sent if "【集结 1号】" in r.text]
    assert {r.room for r in notices if r.room} == {MEMBERS}
    assert {r.to for r in notices if r.room is None} == {MEMBER_LI, MEMBER_CHEN, MEMBER_LIU}  # not residents
    assert await answers_of(bot) == {MEMBER_LI: "pending", MEMBER_CHEN: "pending", MEMBER_LIU: "pending"}
    assert "仅限" in texts(await bot.say(MEMBER_LI, CALL.format(quota=3), MEMBERS))


async def test_cancelled_preview_sends_nothing(bot):
    await bot.say(SECRETARY, CALL.format(quota=3), None)
    assert keys(await bot.say(SECRETARY, "取消", None)) == ["rc_cancelled"]
    async with bot.runtime.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(RollCall)) == 0


async def test_answers_in_words_live_tally_and_full(bot):
    vols = await volunteers(bot, 4)
    await call(bot, quota=3)
    yes = await bot.say(MEMBER_LI, "到", MEMBERS)
    assert keys(yes)[0] == "rc_signed_ok" and "1/3" in texts(yes)
    live = [r for r in yes if r.to == SECRETARY and r.room is None]
    assert live and "李师傅 报名了" in live[0].text and "1/3 已报名" in live[0].text
    assert keys(await bot.say(MEMBER_CHEN, "有事来不了", MEMBERS))[0] == "rc_declined_ok"
    assert await bot.say(MEMBER_LIU, "收到", MEMBERS) == []  # in a group, chatter
    assert keys(await bot.say(MEMBER_LIU, "收到", None)) == ["rc_ack_ok"]
    assert keys(await bot.say(vols[0], "算我一个！", None))[0] == "rc_signed_ok"
    full = await bot.say(vols[1], "我去", MEMBERS)
    assert "rc_live_full" in keys(full) and "已告诉其余 3 位未回复的人" in texts(full)
    # the last place taken: those who had not said yes or no are told privately, once
    told = [r for r in full if r.key == "rc_full_rest"]
    assert sorted(r.to for r in told) == sorted([MEMBER_LIU, vols[2], vols[3]])
    assert all(r.room is None and "人已够（3/3）" in r.text for r in told)
    late = await bot.say(vols[2], "报名", MEMBERS)  # the bare command word answers the roll call too
    assert keys(late) == ["rc_full"] and "人已够" in texts(late)
    tally = texts(await bot.say(SECRETARY, "/集结 1", None))
    assert "3/3 已报名，1 人去不了，0 人未回复" in tally and "3 人因人满未安排" in tally
    assert keys(await bot.say(MEMBER_LI, "到", MEMBERS))[0] == "rc_signed_again"
    # changing one's mind gives the place back; the late volunteer can then take it
    assert keys(await bot.say(vols[0], "去不了", None))[0] == "rc_declined_gave_back"
    assert keys(await bot.say(vols[2], "到", MEMBERS))[0] == "rc_signed_ok"
    roster = texts(await bot.say(SECRETARY, "/集结 1 名单", None))
    assert "已报名（3）：李师傅" in roster and "去不了（2）" in roster and "陈老师" in roster
    assert "人满未安排（2）" in roster and "刘大姐" in roster


async def test_words_keep_their_meaning_without_an_open_roll_call(bot):
    number = await bot.open_ticket()
    assert keys(await bot.say(MEMBER_LI, "报名", MEMBERS)) == ["err_usage"]  # 报名 N for activities
    assert await bot.say(MEMBER_CHEN, "收到", MEMBERS) == []
    await call(bot, quota=3)
    assert keys(await bot.say(MEMBER_LI, "我去", MEMBERS))[0] == "rc_signed_ok"  # answers the roll call
    claimed = texts(await bot.say(MEMBER_LI, "我去", MEMBERS))  # answered already: claims the task
    assert "接单成功" in claimed and (await bot.ticket(number)).claimer_id == MEMBER_LI


async def test_reminder_goes_once_to_those_who_have_not_said(bot):
    await call(bot, quota=3)
    await bot.say(MEMBER_LI, "到", MEMBERS)
    await bot.say(MEMBER_LIU, "收到", None)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, clock.utcnow() + timedelta(minutes=10))  # (the morning digest may fall due here)
    assert not [r for r in await box.new() if "【集结提醒】" in r.text]
    await box.mark()
    await tick(bot, clock.utcnow() + timedelta(minutes=31))
    reminded = await box.new()
    assert sorted(r.to_person for r in reminded) == [MEMBER_CHEN, MEMBER_LIU]
    assert all("【集结提醒】" in r.text and "1/3" in r.text for r in reminded)
    await tick(bot, clock.utcnow() + timedelta(minutes=90))
    assert await box.new() == []


async def test_arrival_and_closing_report_credit_points_once(bot, monkeypatch):
    # 18:00 local: "明天上午9点" is 15 hours on, whatever the time the test runs.
    start = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    await call(bot, quota=3)
    await bot.say(MEMBER_LI, "到", MEMBERS)
    await bot.say(MEMBER_LIU, "我参加", MEMBERS)
    await bot.say(MEMBER_CHEN, "去不了", MEMBERS)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=15))
    arrived = await bot.say(MEMBER_LI, "到岗 核酸检测点东门", MEMBERS)
    assert keys(arrived)[0] == "rc_arrived_ok" and "核酸检测点东门" in texts(arrived)
    assert keys(await bot.say(MEMBER_LI, "到岗", MEMBERS))[0] == "rc_arrived_again"
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=18))
    report = await bot.say(SECRETARY, "/集结 1 结束", None)
    text = texts(report)
    assert "到岗 1 人，共 3 小时，各得 2 分：李师傅（3 小时）" in text
    assert "报名未到（1）：刘大姐" in text and "去不了（1）：陈老师" in text
    assert any(r.to == MEMBER_LI and "+2" in r.text for r in report)
    assert [(e.person_id, e.rule, e.amount) for e in await entries(bot)] == [(MEMBER_LI, "rollcall", 2)]
    assert keys(await bot.say(SECRETARY, "/集结 1 结束", None)) == ["rc_closed"]
    assert len(await entries(bot)) == 1
    async with bot.runtime.db.sessions() as session:
        row = await session.scalar(select(RollCallAnswer).where(RollCallAnswer.person_id == MEMBER_LI))
    assert (row.minutes, row.arrived_place) == (180, "核酸检测点东门")
    assert await bot.say(MEMBER_LIU, "到岗", MEMBERS) == []  # closed: the words are free again
    await assert_balances_match_ledger(bot)


async def test_bare_sign_in_is_arrival_when_no_activity_is_open(bot):
    await call(bot, quota=3)
    await bot.say(MEMBER_LI, "到", MEMBERS)
    assert keys(await bot.say(MEMBER_LI, "签到", MEMBERS))[0] == "rc_arrived_ok"


async def test_grid_scope_asks_the_people_living_there(bot):
    await call(bot, text="/集结 东区 明天上午9点 东门 2 搬运物资")
    assert set(await answers_of(bot)) == {MEMBER_LI, MEMBER_LIU, "res-zhao", RES_SUN}
    assert keys(await bot.say(RES_SUN, "我去", EAST))[0] == "rc_signed_ok"


@pytest.mark.parametrize(("text", "key"), [
    ("/集结", "rc_none"),
    ("/集结 党员", "rc_usage"),
    ("/集结 党员 明天上午9点 检测点 零 执勤", "rc_bad_quota"),
    ("/集结 党员 明天上午9点 检测点 9999 执勤", "rc_bad_quota"),
    ("/集结 火星 明天上午9点 检测点 3 执勤", "broadcast_bad_scope"),
    ("/集结 党员 2020-01-01 09:00 检测点 3 执勤", "time_bad_past"),
    ("/集结 党员 下周 检测点 3 执勤", "time_bad_unreadable"),
    ("/集结 9 名单", "rc_not_found"),
])
async def test_bad_input_gets_a_clear_reply(bot, text, key):
    replies = await bot.say(SECRETARY, text, None)
    assert replies and replies[0].key in (key, "time_bad_no_time"), (text, texts(replies), keys(replies))


async def test_thirty_concurrent_sign_ups_for_twenty_places_give_exactly_twenty(bot):
    people = await volunteers(bot, 30)
    await call(bot, quota=20)
    results = await asyncio.gather(*(bot.say(pid, "到", MEMBERS) for pid in people))
    assert sum("rc_signed_ok" in keys(r) for r in results) == 20
    assert sum(keys(r) == ["rc_full"] for r in results) == 10
    async with bot.runtime.db.sessions() as session:
        rc = await session.scalar(select(RollCall))
        yes = await session.scalar(select(func.count()).select_from(RollCallAnswer)
                                   .where(RollCallAnswer.answer == "yes"))
    assert rc.accepted == yes == 20


async def test_quiet_hours_hold_an_ordinary_roll_call_but_not_an_urgent_one(bot, monkeypatch):
    from datetime import date

    from tests.schedule_helpers import local

    night = local(date.today() + timedelta(days=3), 21, 30)
    monkeypatch.setattr(clock, "utcnow", lambda: night)
    bot.runtime.settings.quiet_hours = "21:00-07:00"
    preview = texts(await bot.say(SECRETARY, CALL.format(quota=3), None))
    assert "免打扰时段" in preview and "07:00 发出" in preview
    sent = await bot.say(SECRETARY, "确认", None)
    assert keys(sent) == ["rc_sent"] and "07:00 发出" in texts(sent)  # the notices are not part of the answer
    held = [r for r in await bot.outbox() if "【集结 1号】" in r.text]
    assert len(held) == 4 and all(r.not_before == local(night.date() + timedelta(days=1), 7, 0) for r in held)
    await bot.say(SECRETARY, "/集结 紧急 党员 明天上午9点 河堤 3 防汛", None)
    urgent = await bot.say(SECRETARY, "确认", None)
    assert sum("【集结 2号】（紧急）" in r.text for r in urgent) == 4  # sent with the answer, now
    assert not any(r.not_before for r in await bot.outbox() if "【集结 2号】" in r.text)


async def test_a_team_and_a_roll_call_to_it(bot):
    made = await bot.say(SECRETARY, "/队伍 新建 防汛突击队 @李师傅", None)
    assert keys(made) == ["team_created_ok"]
    joined = texts(await bot.say(SECRETARY, "/队伍 防汛突击队 加入 @刘大姐 @李师傅", None))
    assert "加入：刘大姐" in joined and "已在队里：李师傅" in joined
    assert "防汛突击队（队长 李师傅，2 人）：李师傅、刘大姐" in texts(await bot.say(SECRETARY, "/队伍", None))
    assert keys(await bot.say(SECRETARY, "/队伍 新建 防汛突击队 @陈老师", None)) == ["team_exists"]
    assert keys(await bot.say(SECRETARY, "/队伍 没有的队 加入 @陈老师", None)) == ["team_not_found"]
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/队伍 新建 我的队 @李师傅", MEMBERS))
    sent = await call(bot, text="/集结 防汛突击队 明天上午9点 河堤 2 装沙袋")
    assert "私信 2 人" in texts(sent)
    assert set(await answers_of(bot)) == {MEMBER_LI, MEMBER_LIU}


async def test_a_location_pin_is_the_arrival_or_its_place(bot):
    """到岗 with a location where the platform sends one: a pin before 到岗 is the arrival with its
    place; a pin just after a bare 到岗 names the place; a pin from someone not signed up is an
    ordinary location (in the members' group: nothing)."""
    from tests.media import place

    await call(bot, quota=3)
    await bot.say(MEMBER_LI, "到", MEMBERS)
    await bot.say(MEMBER_LIU, "我去", MEMBERS)
    arrived = await bot.say(MEMBER_LI, "", MEMBERS, attachments=(place(address="核酸检测点东门"),))
    assert keys(arrived)[0] == "rc_arrived_ok" and "核酸检测点东门" in texts(arrived)
    assert keys(await bot.say(MEMBER_LIU, "到岗", MEMBERS))[0] == "rc_arrived_ok"
    placed = await bot.say(MEMBER_LIU, "", MEMBERS, attachments=(place(address="", lat=31.23, lon=121.47),))
    assert keys(placed) == ["rc_arrived_place"] and "31.23000,121.47000" in texts(placed)
    assert await bot.say(MEMBER_CHEN, "", MEMBERS, attachments=(place(),)) == []
    async with bot.runtime.db.sessions() as session:
        rows = {r.person_id: r for r in await session.scalars(select(RollCallAnswer))}
    assert rows[MEMBER_LI].arrived_place == "核酸检测点东门" and rows[MEMBER_LI].arrived_at is not None
    assert rows[MEMBER_LIU].arrived_place == "31.23000,121.47000"
    assert rows[MEMBER_CHEN].arrived_at is None


async def test_everyone_in_scope_means_members_residents_and_grid_workers(bot):
    preview = texts(await bot.say(SECRETARY, "/集结 全体 明天上午9点 东门广场 5 搬运物资", None))
    assert "【集结预览】" in preview
    await bot.say(SECRETARY, "确认", None)
    invited = set(await answers_of(bot))
    assert {MEMBER_LI, MEMBER_CHEN, MEMBER_LIU, RES_SUN} <= invited and SECRETARY not in invited
    assert keys(await bot.say(RES_SUN, "我去", EAST))[0] == "rc_signed_ok"


async def test_a_secretary_asking_for_people_in_words_gets_the_preview(bot):
    """「明天上午需要3名党员到核酸检测点执勤」 in the members' group: the /集结 preview (the hour
    assumed and said), 确认 sends it; without a time of day the bot asks for one; a member or a
    resident saying the same is not a roll call."""
    heard = await bot.say(SECRETARY, "明天上午需要3名党员到核酸检测点执勤", MEMBERS)
    assert keys(heard) == ["rc_need_heard", "rc_preview"], texts(heard)
    assert "明天上午9点" in texts(heard) and "核酸检测点" in texts(heard) and "需要：3 人" in texts(heard)
    sent = await bot.say(SECRETARY, "确认", MEMBERS)
    assert "rc_sent" in keys(sent)
    async with bot.runtime.db.sessions() as session:
        rc = await session.scalar(select(RollCall))
    assert (rc.place, rc.quota, rc.note) == ("核酸检测点", 3, "执勤")
    assert keys(await bot.say(SECRETARY, "后天需要2名党员到东门执勤", None)) == ["rc_need_when"]
    assert await bot.say(MEMBER_LI, "明天上午需要3名党员到核酸检测点执勤", MEMBERS) == []
    assert "rc_preview" not in keys(await bot.say(RES_SUN, "明天上午需要3名党员到核酸检测点执勤", EAST))
