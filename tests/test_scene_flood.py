"""The scripted scene of issue 17, on both databases: an evening flood warning in quiet hours,
/战时 开启, a roll call for 20 people answered in natural words, the reminder, the tally,
arrivals, hours and points credited, the hourly summary, /战时 结束 and the report."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot import clock
from bot.db.models_mobilise import RollCallAnswer
from tests.harness import EAST, MEMBERS, RES_ZHAO, SECRETARY, WEST, keys, texts
from tests.schedule_helpers import Outbox, local, tick
from tests.test_points_ledger import assert_balances_match_ledger, entries
from tests.test_rollcall import volunteers

YES_WORDS = ["到", "算我一个", "我去", "报名", "到！", "我参加", "随时待命", "收到，我去", "马上到"]
NO_WORDS = ["去不了", "有事来不了", "人在外地"]


async def test_evening_flood_scene(bot, monkeypatch):
    day = date.today() + timedelta(days=3)
    now = {"t": local(day, 21, 30)}
    monkeypatch.setattr(clock, "utcnow", lambda: now["t"])

    def at(hh: int, mm: int, next_day: bool = False):
        now["t"] = local(day + timedelta(days=1 if next_day else 0), hh, mm)
        return now["t"]

    bot.runtime.settings.quiet_hours = "21:00-07:00"  # 21:30 is in quiet hours
    vols = await volunteers(bot, 50)

    # 21:25 a resident reports water coming in; at 21:30 the secretary declares 战时
    at(21, 25)
    await bot.say(RES_ZHAO, "河水漫上来了，3号楼地下车库进水了", EAST)
    at(21, 30)
    on = await bot.say(SECRETARY, "/战时 开启 防汛红色预警", None)
    assert {r.room for r in on if "【战时状态】" in r.text} == {EAST, WEST, MEMBERS}
    assert "待命党员（53）" in texts(on)
    await bot.say(RES_ZHAO, "1号楼门口的下水道堵了", EAST)
    assert (await bot.ticket(2)).urgency == "urgent"  # every new ticket is urgent

    # the roll call: in 战时 it breaks quiet hours
    preview = texts(await bot.say(SECRETARY, "/集结 党员 今晚10点 河堤东段 20 装沙袋加固堤坝", None))
    assert "53 人" in preview and "免打扰时段也立即发出" in preview
    sent = await bot.say(SECRETARY, "好的，发吧", None)
    assert "私信 53 人" in texts(sent)
    notices = [r for r in sent if "【集结 1号】（紧急）" in r.text]
    assert len(notices) == 54  # the members' group and 53 people, now, with the answer
    assert not any(r.not_before for r in await bot.outbox())

    # answers in natural words, in the group and privately
    at(21, 35)
    for i, pid in enumerate(vols[:15]):
        replies = await bot.say(pid, YES_WORDS[i % len(YES_WORDS)], MEMBERS if i % 2 else None)
        assert keys(replies)[0] == "rc_signed_ok", (YES_WORDS[i % len(YES_WORDS)], texts(replies))
    for i, pid in enumerate(vols[15:18]):
        assert keys(await bot.say(pid, NO_WORDS[i], MEMBERS))[0] == "rc_declined_ok"
    live = [r.text for r in await bot.outbox() if r.to_person == SECRETARY and r.reply_key == "rc_live"]
    assert live[-1].endswith("15/20 已报名，3 人去不了，35 人未回复（已到岗 0 人）")

    # the reminder after 10 minutes (战时), at night, not held
    box = Outbox(bot)
    await box.mark()
    await tick(bot, at(21, 41))
    reminded = [r for r in await box.new() if "【集结提醒】" in r.text]
    assert len(reminded) == 35 and all(r.not_before is None for r in reminded)
    assert vols[0] not in {r.to_person for r in reminded}

    # five more fill it; the next is told 人已够
    at(21, 45)
    for pid in vols[18:23]:
        replies = await bot.say(pid, "到", MEMBERS)
        assert keys(replies)[0] == "rc_signed_ok"
    told = [r for r in replies if r.key == "rc_full_rest"]  # the 30 who had not answered
    assert len(told) == 30 and all(r.room is None for r in told) and vols[23] in {r.to for r in told}
    assert keys(await bot.say(vols[23], "算我一个", MEMBERS)) == ["rc_full"]
    tally = texts(await bot.say(SECRETARY, "/集结 1", None))
    assert "20/20 已报名，3 人去不了，0 人未回复" in tally and "30 人因人满未安排" in tally

    # arrivals: 19 of the 20, one with the place
    signed = vols[:15] + vols[18:23]
    at(22, 5)
    assert "河堤东段桥头" in texts(await bot.say(signed[0], "到岗 河堤东段桥头", MEMBERS))
    for pid in signed[1:19]:
        assert keys(await bot.say(pid, "已到岗", MEMBERS))[0] == "rc_arrived_ok"

    # the hourly summary to the secretary
    await box.mark()
    await tick(bot, at(22, 31))
    summary = [r for r in await box.new() if r.reply_key == "war_summary"]
    assert [r.to_person for r in summary] == [SECRETARY] and summary[0].not_before is None
    assert "新诉求 1 件" in summary[0].text and "20/20 已报名" in summary[0].text

    # 01:05 the secretary closes the roll call: hours and points
    at(1, 5, next_day=True)
    report = texts(await bot.say(SECRETARY, "/集结 1 结束", None))
    assert "到岗 19 人，共 57 小时，各得 2 分" in report and "报名未到（1）" in report and "去不了（3）" in report
    credited = [(e.person_id, e.rule, e.amount) for e in await entries(bot)]
    assert sorted(credited) == sorted((pid, "rollcall", 2) for pid in signed[:19])
    async with bot.runtime.db.sessions() as session:
        minutes = {r.person_id: r.minutes for r in await session.scalars(
            select(RollCallAnswer).where(RollCallAnswer.minutes.is_not(None)))}
    assert set(minutes.values()) == {180} and len(minutes) == 19
    assert keys(await bot.say(SECRETARY, "/集结 1 结束", None)) == ["rc_closed"]  # once only
    await assert_balances_match_ledger(bot)

    # 战时 ends: announced, summarised, and the hourly summaries stop
    off = await bot.say(SECRETARY, "/战时 结束", None)
    assert {r.room for r in off if "【战时状态解除】" in r.text} == {EAST, WEST, MEMBERS}
    assert "共 3 小时 35 分" in texts(off) and "新诉求 1 件" in texts(off)
    await box.mark()
    await tick(bot, at(2, 40, next_day=True))
    assert [r for r in await box.new() if r.reply_key == "war_summary"] == []
