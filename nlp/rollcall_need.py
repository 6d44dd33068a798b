"""A staff member asking for people in a sentence instead of ``/集结`` (issue 17): 「明天上午需要
3名党员到核酸检测点执勤」, 「今晚7点要5个志愿者去河堤东段巡查」, 「周六下午缺两个人在东门搬物资」.

``read(text)`` gives the ``/集结`` arguments (范围 时间 地点 人数 说明) such a sentence means, or
None. It needs a number of people with a measure word (3名, 两个, 5位), a day or a time, and a
place after 到/在/去/前往; a period without an hour (明天上午) takes the period's usual start,
which the preview shows before anything is sent. Pure; table-tested in tests/nlp/test_rollcall_need.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
_DAY = r"(?:大后天|后天|明天|明日|今天|今日|今晚|明早|明晚|(?:下个?|本|这个?)?(?:周|星期|礼拜)[一二三四五六日天])"
_PERIOD = r"(?:早上|早晨|上午|中午|下午|傍晚|晚上)"
_HOUR = r"(?:\d{1,2}(?:[:：]\d{2}|点半?|点\d{1,2}分?)?|[一二三四五六七八九十]{1,3}点半?)"
_WHEN = re.compile(rf"(?P<day>{_DAY})?\s*(?P<period>{_PERIOD})?\s*(?P<hour>{_HOUR})?")
_NEED = re.compile(rf"(?:需要|要|招募?|缺|找|请)\s*(?P<n>{_NUM})\s*(?:名|个|位)\s*"
                   r"(?P<who>党员|志愿者|同志|人手|人|网格员|队员|居民)")
_PLACE = re.compile(r"(?:到|在|去|前往|赶到|赶去)\s*(?P<place>[^\s，,。！!？?；;]{2,20}?)\s*"
                    r"(?P<note>(?:执勤|值勤|值守|值班|站岗|帮忙|协助|支援|集合|报到|巡查|巡逻|排查|入户|宣传|登记|布置|搬|抬|清理|打扫|服务|维持|疏导|发放|守)"
                    r"[^。！!？?]{0,40})")
_START = {"早上": "8点", "早晨": "8点", "上午": "9点", "中午": "12点", "下午": "2点", "傍晚": "5点", "晚上": "7点"}
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_QUESTION = re.compile(r"[吗嘛么?？]$|谁知道|是不是|有没有人知道")


@dataclass(frozen=True, slots=True)
class Need:
    scope: str  # 党员 or 全体, as /集结 reads it
    when: str  # as bot.services.when reads it: 明天上午9点
    place: str
    quota: int
    note: str
    hour_assumed: bool  # the sentence gave a period, not an hour

    def args(self) -> str:
        return f"{self.scope} {self.when} {self.place} {self.quota} {self.note}".strip()


def _count(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s.startswith("十"):
        return 10 + _CN.get(s[1:], 0)
    if len(s) >= 2 and s[1] == "十":
        return _CN[s[0]] * 10 + _CN.get(s[2:], 0)
    return _CN.get(s, 0)


def could_be(text: str) -> bool:
    """Cheap test for the group fast path: a number of people is asked for."""
    return bool(_NEED.search(text or ""))


def names_a_place(text: str) -> bool:
    """People and a place are asked for, but no usable time (明天需要3名党员到检测点执勤)."""
    need = _NEED.search(text or "")
    return need is not None and not _QUESTION.search(text) and _PLACE.search(text) is not None


def read(text: str) -> Need | None:
    text = (text or "").strip()
    if len(text) > 120 or _QUESTION.search(text):
        return None
    need = _NEED.search(text)
    if need is None:
        return None
    quota = _count(need.group("n"))
    if quota < 1:
        return None
    when = _when_in(text)
    place = _PLACE.search(text, need.end()) or _PLACE.search(text)
    if when is None or place is None:
        return None
    said, assumed = when
    scope = "全体" if need.group("who") == "居民" else "党员"
    return Need(scope, said, place.group("place"), quota, place.group("note").strip(), assumed)


def _when_in(text: str) -> tuple[str, bool] | None:
    """The first day/period/hour expression, written the way bot.services.when reads it."""
    for m in _WHEN.finditer(text):
        day, period, hour = m.group("day"), m.group("period"), m.group("hour")
        if not (day or period or hour):
            continue
        if hour is None and period is None and day not in ("今晚", "明早", "明晚"):
            return None  # a day alone (明天): when in the day is the secretary's to say
        if hour is not None and not re.search(r"点|[:：]", hour):
            continue  # a bare number is a count, not a time
        assumed = hour is None
        if assumed:
            period = period or {"今晚": "晚上", "明晚": "晚上", "明早": "早上"}[day or ""]
            hour = _START[period]
            if day in ("今晚", "明晚", "明早"):
                period = None
        return f"{day or ''}{period or ''}{hour}", assumed
    return None
