"""One time parser for every command that takes a time (bot/services/when.py): /定时 and
/活动 发布 read the same phrasings to the same minute and refuse the same ones, in Chinese."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import LOCAL_TZ, to_local, utcnow
from bot.db.models_members import Activity
from bot.services import when
from tests.harness import SECRETARY, texts
from tests.schedule_helpers import local

SUNDAY = date(2026, 11, 22)
NOW = local(SUNDAY, 10, 0)  # Sunday 10:00 in Shanghai


@pytest.mark.parametrize("text, expected, rest", [
    ("明天下午两点 活动室", "2026-11-23 14:00", "活动室"),
    ("今晚10点半 活动室", "2026-11-22 22:30", "活动室"),
    ("周六上午9点 3号楼门口", "2026-11-28 09:00", "3号楼门口"),
    ("下周一 8:30 3号楼门口", "2026-11-23 08:30", "3号楼门口"),
    ("下下周三 晚上7点 会议室", "2026-12-02 19:00", "会议室"),
    ("12月20日 14:00 广场", "2026-12-20 14:00", "广场"),
    ("后天早上八点 东门", "2026-11-24 08:00", "东门"),
    ("明早8点半 东门", "2026-11-23 08:30", "东门"),
    ("今早11点 东门", "2026-11-22 11:00", "东门"),
    ("今天下午3点 东门", "2026-11-22 15:00", "东门"),
    ("晚上7点 东门", "2026-11-22 19:00", "东门"),
    ("9:00 东门", "2026-11-23 09:00", "东门"),  # a bare time that passed today means tomorrow
    ("2026-12-01 09:00 东门", "2026-12-01 09:00", "东门"),
    ("5月20日9:00 东门", "2027-05-20 09:00", "东门"),  # a date already gone this year means next year
    ("大后天中午12点 食堂", "2026-11-25 12:00", "食堂"),
    ("下午三点一刻 茶室", "2026-11-22 15:15", "茶室"),
])
def test_one_moment_phrasings(text, expected, rest):
    parsed = when.parse_moment(text, NOW)
    assert (to_local(parsed.first).strftime("%Y-%m-%d %H:%M"), parsed.rest) == (expected, rest)


@pytest.mark.parametrize("text, reason", [
    ("今天 8:00 东门", "past"),
    ("今早8点 东门", "past"),  # 08:00 today, and it is 10:00
    ("2026-11-01 09:00 东门", "past"),
    ("昨天 9点 东门", "unreadable"),
    ("哈哈 东门", "unreadable"),
    ("明天 东门", "no_time"),
    ("明天 25:00 东门", "unreadable"),
    ("2月30日 9:00 东门", "bad_date"),
    ("13月40日 9:00 东门", "bad_date"),
    ("每周一 9:00 东门", "recurring"),
    ("每天 8点 东门", "recurring"),
])
def test_moments_refused(text, reason):
    with pytest.raises(when.BadTime) as bad:
        when.parse_moment(text, NOW)
    assert bad.value.reason == reason


def future_phrasings(now: datetime) -> list[tuple[str, str]]:
    """Phrasings whose time is ahead whenever the test runs, with the minute each means."""
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    at = lambda d, h, m: datetime(d.year, d.month, d.day, h, m, tzinfo=LOCAL_TZ).strftime("%m-%d %H:%M")  # noqa: E731
    return [
        ("明天下午两点", at(today + timedelta(days=1), 14, 0)),
        ("后天早上八点", at(today + timedelta(days=2), 8, 0)),
        ("下周一 8:30", at(monday + timedelta(days=7), 8, 30)),
        ("大后天晚上7点半", at(today + timedelta(days=3), 19, 30)),
    ]


async def test_activities_and_notices_read_times_alike(bot):
    phrasings = future_phrasings(utcnow())
    for number, (phrase, minute) in enumerate(phrasings, 1):
        published = texts(await bot.say(SECRETARY, f"/活动 发布 清理楼道 {phrase} 3号楼门口 10 2", None))
        assert f"活动 {number}" in published and "已发布到 3 个群" in published, (phrase, published)
        preview = texts(await bot.say(SECRETARY, f"/定时 {phrase} 全体 清理楼道", None))
        assert f"首次发送：{minute}" in preview, (phrase, preview)
        await bot.say(SECRETARY, "取消", None)
    async with bot.runtime.db.sessions() as session:
        rows = list(await session.scalars(select(Activity).order_by(Activity.number)))
    assert [(to_local(a.starts_at).strftime("%m-%d %H:%M"), a.place) for a in rows] == [
        (minute, "3号楼门口") for _, minute in phrasings]


@pytest.mark.parametrize("when_text, expected", [
    ("每周一 9:00", "这里要写一个具体的时间，不能是每天、每周这样的重复时间"),
    ("昨天 9点", "没看懂这个时间，请照这样写"),
    ("今天 0:00", "这个时间已经过去了"),
    ("2月30日 9:00", "日期不对"),
    ("明天 下午两点", None),  # read as one time, so no place is left
])
async def test_publish_refuses_unusable_times_in_chinese(bot, when_text, expected):
    replies = await bot.say(SECRETARY, f"/活动 发布 清理楼道 {when_text} 10 2" if expected is None
                            else f"/活动 发布 清理楼道 {when_text} 3号楼 10 2", None)
    said = texts(replies)
    assert len(replies) == 1 and replies[0].to == SECRETARY, said  # nothing announced to any group
    if expected is None:
        assert said.startswith("请在时间后面写上地点")
    else:
        assert said.startswith(expected) and "/活动 发布 清理楼道 明天下午3点 3号楼门口 10 2" in said
    assert not re.search(r"[A-Za-z]{4,}", said)  # no code, no English
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(Activity))) == []
