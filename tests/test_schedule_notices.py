"""Scheduled notices (/定时): the time words people type, list, cancel, and each
occurrence sent once at its time (quiet hours respected, long-late ones dropped)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.clock import to_local
from bot.db.models_schedule import ScheduledNotice
from bot.services import loader, when
from tests.harness import EAST, MEMBERS, RES_ZHAO, SECRETARY, WEST, keys, texts
from tests.schedule_helpers import Outbox, in_room, local, tick

SUNDAY = date(2026, 11, 22)
NOW = local(SUNDAY, 10, 0)  # Sunday 10:00 in Shanghai


def at(p: when.Parsed) -> str:
    return to_local(p.first).strftime("%m-%d %H:%M")


@pytest.mark.parametrize("text, first, kind, rest", [
    ("每周一 9:00 开会", "11-23 09:00", "weekly", "开会"),
    ("每周一、三、五 晚上7点 跳舞", "11-23 19:00", "weekly", "跳舞"),
    ("工作日 8:30 上班", "11-23 08:30", "weekly", "上班"),
    ("每天早上8点半 做操", "11-23 08:30", "daily", "做操"),
    ("每月1号 9:00 交党费", "12-01 09:00", "monthly", "交党费"),
    ("明天 8:00 内容", "11-23 08:00", "once", "内容"),
    ("后天下午3点 体检", "11-24 15:00", "once", "体检"),
    ("今天 20:00 看电影", "11-22 20:00", "once", "看电影"),
    ("今晚8点 党员 开会", "11-22 20:00", "once", "党员 开会"),
    ("明早八点 集合", "11-23 08:00", "once", "集合"),
    ("下周一 9:00 学习", "11-23 09:00", "once", "学习"),
    ("周五晚上8点 跳舞", "11-27 20:00", "once", "跳舞"),
    ("12月1日 9:00 体检", "12-01 09:00", "once", "体检"),
    ("2026-12-01 09:00 体检", "12-01 09:00", "once", "体检"),
    ("早上8点半 测试", "11-23 08:30", "once", "测试"),
    ("8:30 测试", "11-23 08:30", "once", "测试"),
    ("20：00，测试", "11-22 20:00", "once", "测试"),
    ("明天 8点 3号楼停水", "11-23 08:00", "once", "3号楼停水"),
    ("下午三点一刻 喝茶", "11-22 15:15", "once", "喝茶"),
])
def test_time_expressions(text, first, kind, rest):
    parsed = when.parse(text, NOW)
    assert (at(parsed), parsed.rule["kind"], parsed.rest) == (first, kind, rest)


@pytest.mark.parametrize("text, reason", [
    ("哈哈 内容", "unreadable"), ("明天 开会", "no_time"), ("今天 8:00 开会", "past"),
    ("每月32号 9:00 x", "bad_date"), ("2月30日 9:00 x", "bad_date"), ("明天 25:00 x", "unreadable"),
])
def test_bad_time_expressions(text, reason):
    with pytest.raises(when.BadTime) as bad:
        when.parse(text, NOW)
    assert bad.value.reason == reason


def test_recurrences():
    weekly = {"kind": "weekly", "days": [0], "hour": 9, "minute": 0}
    first = when.next_after(weekly, NOW)
    assert to_local(first).strftime("%m-%d %H:%M") == "11-23 09:00"
    assert to_local(when.next_after(weekly, first)).strftime("%m-%d") == "11-30"
    monthly = {"kind": "monthly", "day": 31, "hour": 9, "minute": 0}
    assert to_local(when.next_after(monthly, NOW)).strftime("%m-%d") == "11-30"  # clamped
    once = {"kind": "once", "at": datetime(2026, 11, 23, 8, tzinfo=timezone(timedelta(hours=8))).isoformat()}
    assert when.next_after(once, local(date(2026, 11, 23), 8, 0)) is None


async def schedule(bot, command: str) -> str:
    """/定时 as a secretary does it: the command, its preview, then 确认."""
    preview = texts(await bot.say(SECRETARY, command, None))
    assert "回复「确认」设置" in preview, preview
    return texts(await bot.say(SECRETARY, "确认", None))


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("bot.clock.utcnow", lambda: NOW)


async def test_weekly_notice_fires_each_monday_once(bot, frozen):
    text = await schedule(bot, "/定时 每周一 9:00 党员 下午3点在活动室学习")
    assert "已设置定时通知 1" in text and "每周一 09:00" in text and "党员志愿者群" in text and "11-23 09:00" in text
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(date(2026, 11, 23), 8, 59))
    assert await box.new() == []
    await tick(bot, local(date(2026, 11, 23), 9, 0))
    rows = await box.new()
    assert [(r.room_id, r.text) for r in rows] == [(MEMBERS, "【通知】下午3点在活动室学习")]
    await tick(bot, local(date(2026, 11, 23), 9, 1))
    assert await box.new() == []
    await tick(bot, local(date(2026, 11, 30), 9, 0))
    assert len(await box.new()) == 1
    listed = texts(await bot.say(SECRETARY, "/定时 列表", None))
    assert "每周一 09:00" in listed and "12-07 09:00" in listed


async def test_one_off_to_everyone_then_gone(bot, frozen):
    await schedule(bot, "/定时 明天 8:00 明天上午停水，请提前储水")
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(date(2026, 11, 23), 8, 0))
    rows = await box.new()
    assert {r.room_id for r in rows} == {EAST, WEST, MEMBERS}
    await tick(bot, local(date(2026, 11, 24), 8, 0))
    assert await box.new() == []
    assert "没有定时通知" in texts(await bot.say(SECRETARY, "/定时 列表", None))


async def test_scope_by_building(bot, frozen):
    await schedule(bot, "/定时 明天 8:00 5号楼 电梯检修")
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(date(2026, 11, 23), 8, 0))
    assert [r.room_id for r in await box.new()] == [WEST]


async def test_cancel(bot, frozen):
    await schedule(bot, "/定时 每天 8:00 早上好")
    assert "已取消定时通知 1" in texts(await bot.say(SECRETARY, "/定时 取消 1", None))
    assert "没有找到定时通知 1" in texts(await bot.say(SECRETARY, "/定时 取消 1", None))
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(date(2026, 11, 23), 8, 0))
    assert await box.new() == []


@pytest.mark.parametrize("command, expected", [
    ("/定时 哈哈 内容", "/定时 每周一 9:00"),
    ("/定时 明天 开会", "请写上几点"),
    ("/定时 今天 8:00 开会", "已经过去"),
    ("/定时 明天 8:00", "请写上通知内容"),
    ("/定时 明天 8:00 9号楼 停电", "没有找到范围「9号楼」"),
    ("/定时 取消 abc", "/定时 取消 3"),
    ("/定时", "格式：/定时 时间 [范围] 内容"),
])
async def test_bad_input_gets_an_example(bot, frozen, command, expected):
    assert expected in texts(await bot.say(SECRETARY, command, None))


async def test_a_notice_is_saved_only_after_the_secretary_confirms(bot, frozen):
    preview = texts(await bot.say(SECRETARY, "/定时 每周一 9:00 党员 下午3点在活动室学习", None))
    assert "将设置定时通知：每周一 09:00，发到 党员（党员志愿者群）" in preview and "首次发送：11-23 09:00" in preview
    assert "目前没有定时通知" in texts(await bot.say(SECRETARY, "/定时 列表", None))
    assert "没有设置" in texts(await bot.say(SECRETARY, "取消", None))
    assert "没有等待确认" in texts(await bot.say(SECRETARY, "确认", None))
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(date(2026, 11, 23), 9, 0))
    assert await box.new() == []
    # Someone else's 确认 does not save it; the secretary's own does.
    await bot.say(SECRETARY, "/定时 明天 8:00 停水", None)
    await bot.say("gw-zhou", "确认", None)
    assert "目前没有定时通知" in texts(await bot.say(SECRETARY, "/定时 列表", None))
    assert "已设置定时通知 1" in texts(await bot.say(SECRETARY, "确认", None))


async def test_a_new_preview_replaces_a_pending_broadcast(bot, frozen):
    await bot.say(SECRETARY, "/广播 全体 明天停电", None)
    await bot.say(SECRETARY, "/定时 明天 8:00 停水", None)
    confirmed = await bot.say(SECRETARY, "确认", None)
    assert "已设置定时通知" in texts(confirmed) and not [r for r in confirmed if "停电" in r.text]


async def test_confirm_saves_what_was_previewed_or_refuses_once(bot, monkeypatch):
    now = [local(SUNDAY, 23, 58)]
    monkeypatch.setattr("bot.clock.utcnow", lambda: now[0])
    assert "11-23 09:00" in texts(await bot.say(SECRETARY, "/定时 下周一 9:00 学习", None))
    now[0] = local(date(2026, 11, 23), 0, 1)  # 确认 after midnight: 下周一 still means the 23rd
    assert "已设置定时通知 1：11-23 09:00" in texts(await bot.say(SECRETARY, "确认", None))
    now[0] = local(date(2026, 11, 23), 8, 29)
    assert "11-23 08:30" in texts(await bot.say(SECRETARY, "/定时 8:30 测试", None))
    now[0] = local(date(2026, 11, 23), 8, 31)  # the previewed time has passed: refused, not moved
    assert "已经过去" in texts(await bot.say(SECRETARY, "确认", None))
    assert "没有等待确认" in texts(await bot.say(SECRETARY, "确认", None))  # the preview is used up
    listed = texts(await bot.say(SECRETARY, "/定时 列表", None))
    assert "定时通知（1 条）" in listed and "测试" not in listed


OTHER_COMMUNITY = {"communities": [{
    "id": "heping", "name": "和平社区",
    "grids": [{"name": "北区", "level": "estate"}],
    "rooms": [{"id": "room-north", "name": "北区网格群", "kind": "grid", "grid": "北区"},
              {"id": "room-hp-members", "name": "和平党员群", "kind": "members"}],
    "people": [{"id": "sec-li", "name": "李书记", "roles": ["secretary"]}],
}]}


async def test_confirm_answers_only_the_preview_of_its_own_conversation(bot, frozen):
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=OTHER_COMMUNITY)
    await bot.say(SECRETARY, "大家好", "room-north")  # 王书记 is only a resident there
    assert "仅限" in texts(await bot.say(SECRETARY, "/定时 明天 8:00 停水", "room-north"))
    await bot.say(SECRETARY, "/定时 明天 8:00 明天停水", None)  # privately: 幸福里
    # 确认 in another community's group answers nothing there: the preview waits in the private chat.
    assert await bot.say(SECRETARY, "确认", "room-north") == []
    created = await bot.say(SECRETARY, "确认", None)
    assert keys(created) == ["sched_created"]
    assert "东区网格群" in texts(created) and "北区网格群" not in texts(created)
    async with bot.runtime.db.sessions() as session:
        saved = [(n.community_id, sorted(n.room_ids)) for n in await session.scalars(select(ScheduledNotice))]
    assert saved == [("xingfuli", sorted([EAST, WEST, MEMBERS]))]


async def test_confirm_needs_the_role_still(bot, frozen):
    from sqlalchemy import delete

    from bot.db.models import PersonRole

    await bot.say("gw-zhou", "/定时 明天 8:00 停水", None)
    async with bot.runtime.db.transaction() as session:  # no longer a grid worker meanwhile
        await session.execute(delete(PersonRole).where(PersonRole.person_id == "gw-zhou"))
    bot.runtime.db.cache.clear()
    assert "仅限" in texts(await bot.say("gw-zhou", "确认", None))
    assert "目前没有定时通知" in texts(await bot.say(SECRETARY, "/定时 列表", None))


async def test_residents_cannot_schedule(bot, frozen):
    assert "仅限" in texts(await bot.say(RES_ZHAO, "/定时 明天 8:00 开会", EAST))


async def test_quiet_hours_hold_a_night_notice(bot, frozen):
    bot.runtime.settings.quiet_hours = "22:00-07:00"
    text = await schedule(bot, "/定时 今天 23:00 党员 明早集合")
    assert "免打扰" in text and "11-23 07:00" in text
    await tick(bot, local(SUNDAY, 23, 0))
    rows = in_room(await bot.outbox(), MEMBERS)
    assert len(rows) == 1 and rows[0].not_before == local(date(2026, 11, 23), 7, 0)


async def test_occurrence_missed_by_a_long_outage_is_dropped_and_the_next_kept(bot, frozen):
    await schedule(bot, "/定时 每天 8:00 早上好")
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(date(2026, 11, 23), 12, 0))  # 4 h late
    assert await box.new() == []
    await tick(bot, local(date(2026, 11, 24), 8, 0))
    assert len(await box.new()) == 3


async def test_help_lists_the_schedule_commands_for_staff(bot):
    assert "/定时" in texts(await bot.say(SECRETARY, "帮助", None))
    assert "/定时" not in texts(await bot.say(RES_ZHAO, "帮助", EAST))
