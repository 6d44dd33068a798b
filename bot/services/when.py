"""Chinese time expressions, as people type them: the one parser of every command that
takes a time (/定时, /活动 发布). Pure functions.

    每天 8:00 · 每日早上8点半 · 工作日 9:00 · 每周一 9:00 · 每周一、三、五 晚上7点
    每月1号 9:00 · 今天 20:00 · 明天 8:00 · 后天下午3点 · 今早10点 · 明早8点 · 今晚8点
    周五晚上8点 · 下周一 9:00 · 本周六 10点 · 12月1日 9:00 · 2026-12-01 09:00 · 8:30

``parse(text, now)`` reads the expression at the start of ``text`` and returns a
``Parsed``: the rule (stored as JSON), the first time it fires (aware UTC) and the
rest of the text (scope and content). A time of day is required. Without a date a
time means its next occurrence (today, or tomorrow when it has passed).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from bot.clock import LOCAL_TZ, to_local

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WD = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
       "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
N = r"(?:\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
W = r"[一二三四五六日天1-7]"
WEEK = r"(?:周|星期|礼拜)"
_DATE = re.compile(
    r"(?P<daily>每天|每日|天天)"
    r"|(?P<workdays>每个?工作日|工作日(?:每天)?|每周一(?:至|到|-|~)(?:周)?五)"
    r"|每个?" + WEEK + r"(?P<weekly>" + W + r"(?:\s*[、,，和及]\s*(?:" + WEEK + r")?" + W + r")*)"
    r"|每个?月(?P<monthly>" + N + r")(?:号|日)"
    r"|(?P<rel>大后天|后天|明天|明日|今天|今日)"
    r"|(?P<relp>今晚|今早|明早|明晚)"
    r"|(?P<which>下下|下个?|本|这个?|)" + WEEK + r"(?P<wd>" + W + r")"
    r"|(?:(?P<y>\d{4})年)?(?P<m>" + N + r")月(?P<d>" + N + r")(?:日|号)?"
    r"|(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
)
_PERIOD = r"(?P<period>早上|早晨|清晨|上午|中午|下午|傍晚|晚上|晚间|夜里|夜间|凌晨|今晚|明早|明晚)?"
_TIME = re.compile(
    _PERIOD + r"\s*(?:(?P<h>\d{1,2})\s*[:：]\s*(?P<mi>\d{2})"
    r"|(?P<h2>" + N + r")\s*[点時时](?:\s*(?P<half>半)|\s*(?P<q>一刻|三刻)|(?P<mi2>" + N + r")(?![号楼栋单元个人月日])分?)?)"
)
_SEP = re.compile(r"^[\s,，:：。、]+")


class BadTime(ValueError):
    """The expression cannot be read; ``reason`` names what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unreadable" | "no_time" | "past" | "bad_date" | "recurring"


@dataclass(frozen=True)
class Parsed:
    rule: dict
    first: datetime  # aware UTC
    rest: str
    expression: str


def cn_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)
    value = 0
    for ch in s:
        value = value * 10 + _CN[ch]
    return value


def _clock(m: re.Match, period: str | None) -> tuple[int, int]:
    if m["h"] is not None:
        hour, minute = int(m["h"]), int(m["mi"])
    else:
        hour = cn_int(m["h2"])
        minute = 30 if m["half"] else 15 if m["q"] == "一刻" else 45 if m["q"] else cn_int(m["mi2"]) if m["mi2"] else 0
    period = m["period"] or period
    if period in ("下午", "傍晚", "晚上", "晚间", "夜里", "夜间", "今晚", "明晚") and 1 <= hour < 12:
        hour += 12
    elif period == "中午" and 1 <= hour < 6:
        hour += 12
    elif period in ("凌晨",) and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise BadTime("unreadable")
    return hour, minute


def _weekdays(s: str) -> list[int]:
    return sorted({_WD[ch] for ch in s if ch in _WD})


def parse(text: str, now: datetime) -> Parsed:
    text = text.strip()
    local_now = to_local(now)
    pos, rule, day, period = 0, None, None, None
    m = _DATE.match(text)
    if m and m.group(0):
        pos = m.end()
        if m["daily"]:
            rule = {"kind": "daily"}
        elif m["workdays"]:
            rule = {"kind": "weekly", "days": [0, 1, 2, 3, 4]}
        elif m["weekly"]:
            rule = {"kind": "weekly", "days": _weekdays(m["weekly"])}
        elif m["monthly"]:
            dom = cn_int(m["monthly"])
            if not 1 <= dom <= 31:
                raise BadTime("bad_date")
            rule = {"kind": "monthly", "day": dom}
        elif m["rel"] or m["relp"]:
            word = m["rel"] or m["relp"]
            offset = {"今": 0, "明": 1, "后": 2, "大": 3}[word[0]]
            day = local_now.date() + timedelta(days=offset)
            period = {"今晚": "晚上", "今早": "早上", "明早": "早上", "明晚": "晚上"}.get(word)
        elif m["wd"]:
            day = _week_day(local_now.date(), _WD[m["wd"]], m["which"])
        elif m["m"]:
            day = _calendar_day(local_now.date(), m["y"], cn_int(m["m"]), cn_int(m["d"]) if m["d"] else None)
        elif m["iy"]:
            day = _calendar_day(local_now.date(), m["iy"], int(m["im"]), int(m["id"]))
    tail = text[pos:]
    skip = len(tail) - len(tail.lstrip())
    t = _TIME.match(tail.lstrip())
    if t is None or not (t["h"] or t["h2"]):
        raise BadTime("no_time" if pos else "unreadable")
    hour, minute = _clock(t, period)
    end = pos + skip + t.end()
    rest = _SEP.sub("", text[end:])
    expression = text[:end].strip()
    if rule is None:
        if day is None:
            day = local_now.date()
            if datetime.combine(day, time(hour, minute), LOCAL_TZ) <= local_now:
                day += timedelta(days=1)
        rule = {"kind": "once", "at": datetime.combine(day, time(hour, minute), LOCAL_TZ).isoformat()}
    else:
        rule = {**rule, "hour": hour, "minute": minute}
    first = next_after(rule, now)
    if first is None:
        raise BadTime("past")
    return Parsed(rule, first, rest, expression)


def parse_moment(text: str, now: datetime) -> Parsed:
    """One point in time at the start of ``text`` (an activity's start): ``parse`` without
    the repeating rules, which it refuses with reason "recurring"."""
    parsed = parse(text, now)
    if parsed.rule["kind"] != "once":
        raise BadTime("recurring")
    return parsed


def _week_day(today: date, weekday: int, which: str) -> date:
    monday = today - timedelta(days=today.weekday())
    if which.startswith("下下"):
        return monday + timedelta(days=14 + weekday)
    if which.startswith("下"):
        return monday + timedelta(days=7 + weekday)
    if which:  # 本周X / 这周X: this calendar week
        return monday + timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7  # 周X: the next one, today included
    return today + timedelta(days=ahead)


def _calendar_day(today: date, year: str | None, month: int, dom: int | None) -> date:
    if dom is None:
        raise BadTime("bad_date")
    y = int(year) if year else today.year
    try:
        day = date(y, month, dom)
    except ValueError as exc:
        raise BadTime("bad_date") from exc
    if year is None and day < today:
        try:
            day = date(y + 1, month, dom)
        except ValueError as exc:
            raise BadTime("bad_date") from exc
    return day


def next_after(rule: dict, after: datetime) -> datetime | None:
    """The first occurrence of ``rule`` strictly after ``after`` (aware UTC), or None."""
    local = to_local(after)
    kind = rule.get("kind")
    if kind == "once":
        at = datetime.fromisoformat(rule["at"])
        return at.astimezone(timezone.utc) if at > after else None
    at_time = time(int(rule["hour"]), int(rule["minute"]))
    if kind == "monthly":
        y, mo = local.year, local.month
        for _ in range(3):
            dom = min(int(rule["day"]), calendar.monthrange(y, mo)[1])
            candidate = datetime.combine(date(y, mo, dom), at_time, LOCAL_TZ)
            if candidate > local:
                return candidate.astimezone(timezone.utc)
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        return None
    days = set(range(7)) if kind == "daily" else set(rule.get("days") or [])
    if not days:
        return None
    for offset in range(8):
        d = local.date() + timedelta(days=offset)
        candidate = datetime.combine(d, at_time, LOCAL_TZ)
        if d.weekday() in days and candidate > local:
            return candidate.astimezone(timezone.utc)
    return None
