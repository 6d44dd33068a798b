"""Building / unit / room extraction from normalised text (digits already Arabic)."""
from __future__ import annotations

import re

_TRIPLE = re.compile(r"(?<![\d.:/])(\d{1,3})\s*-\s*(\d{1,2})\s*-\s*(\d{3,4})(?![\d.:/])")
# A colon after a label ("报告：5栋") does not stop a building; one between digits is a time ("10:30座谈会").
_BUILDING = re.compile(r"(?<![\d./])(?<!\d:)(\d{1,3})\s*"
                       r"(?:号楼|号院楼|栋|幢|座(?!位)|#楼?|号(?=\s*\d{1,2}\s*(?:单元|门(?![口禁卫面店前外]))))")
# 单元, or in the northern usage N门 right after a building (5栋3门).
_UNIT = re.compile(r"(?<![\d./])(?<!\d:)(\d{1,2})\s*单元|(?:(?<=号楼)|(?<=[栋幢座#号]))\s*(?:的\s*)?(\d{1,2})\s*门(?![口禁卫面店前外])")
# Units of measure, time, money etc. that make a number not a room.
_NOT_ROOM = (r"(?!\d|\s*(?:号楼|栋|幢|座|单元|度|点|块|元|米|分|年|月|日|天|个|岁|斤|号|次|户|人|平|楼(?!道|梯|上|下)"
             r"|万|千|小时|多|左右|ml|kg))")
_ROOM_AFTER = re.compile(
    r"(?:号楼|栋|幢|座|单元|门)\s*(?:的|之)?\s*(\d{3,4})" + _NOT_ROOM
)
_ROOM_MARKED = re.compile(r"(?<![\d.:/-])(\d{3,4})\s*(?:室|号房|房间)")
_ROOM_LIVE = re.compile(r"(?:住在?|我家是?|家住)\s*(\d{3,4})" + _NOT_ROOM)
# A bare room number that opens the message or follows a neighbour word ("1102漏水", "楼上1102").
_ROOM_BARE = re.compile(r"(?:^|(?<=楼上|楼下|隔壁|对门|对面)|(?<=[在是]))(\d{3,4})" + _NOT_ROOM + r"(?=[\u4e00-\u9fff])")
# Shanghai lanes number their buildings "N号": taken when a floor follows ("19号3楼", "16号底楼") or a
# neighbour word comes before ("阿拉22号后门口", "隔壁18号"); elsewhere N号 is a date or a list entry.
_LANE_BUILDING = re.compile(r"(?<![\d.:/月])(\d{1,3})号(?=\s*(?:\d{1,2}|底|顶)楼(?!道|梯)|\s*\d{3,4}" + _NOT_ROOM + r")"
                            r"|(?:(?<=阿拉)|(?<=隔壁)|(?<=我们)|(?<=俺们)|(?<=我伲))(\d{1,3})号(?![楼院房\d])")
# A lane building's room ("阿拉是11号502"), as _LANE_BUILDING reads its building.
_ROOM_LANE = re.compile(r"(?<![\d.:/月])\d{1,3}号\s*(\d{3,4})" + _NOT_ROOM)
# A room-shaped number (floor, then 01-12) before 的/家 or ending the message ("302家", "1503的，", "… 1503").
_ROOM_OWNER = re.compile(r"(?<![\d.:/*-])([1-9]\d?(?:0[1-9]|1[0-2]))(?=的(?!话)|家(?!人)|\s*$)")
# Emergency numbers are calls, not rooms ("在2栋 120在路上了"), unless marked as a room (120室).
_CALLS = frozenset({"110", "119", "120", "122"})
# A lettered building (B座, A栋, c幢): lower-cased by normalisation, given back upper-case.
_LETTER_BUILDING = re.compile(r"(?<![a-z])([a-z])\s*(?:座(?!位)|栋|幢|号?楼(?!道|梯|上|下|顶))")


def _first(*found: tuple[int, str] | None) -> str | None:
    hits = [f for f in found if f is not None]
    return min(hits)[1] if hits else None


def _search(rx: re.Pattern[str], text: str, group: int = 1) -> tuple[int, str] | None:
    m = rx.search(text)
    if not m:
        return None
    val = m.group(group) or next(g for g in m.groups() if g)
    return (m.start(), str(int(val)))


# Cheap tests first: a lettered building needs a letter, every room pattern three digits.
_ASCII_LETTER = re.compile(r"[a-z]")
_THREE_DIGITS = re.compile(r"\d{3}")


def _letter(text: str) -> tuple[int, str] | None:
    m = _LETTER_BUILDING.search(text)
    return (m.start(), m.group(1).upper()) if m else None


_DIGIT = re.compile(r"\d")


def extract(text: str) -> tuple[str | None, str | None, str | None]:
    """Return (building, unit, room) as digit strings or None."""
    if _DIGIT.search(text) is None:  # every pattern but the lettered building needs a digit
        letter = _letter(text) if _ASCII_LETTER.search(text) else None
        return (letter[1] if letter else None), None, None
    m = _TRIPLE.search(text)
    tb = tu = tr = None
    if m:
        tb = (m.start(), str(int(m.group(1))))
        tu = (m.start(), str(int(m.group(2))))
        tr = (m.start(), m.group(3))
    building = _first(tb, _search(_BUILDING, text), _letter(text) if _ASCII_LETTER.search(text) else None,
                      _search(_LANE_BUILDING, text) if "号" in text else None)
    unit = _first(tu, _search(_UNIT, text) if "单元" in text or "门" in text else None)  # all _UNIT needs one
    room_hits = [tr]
    for rx in (_ROOM_AFTER, _ROOM_MARKED, _ROOM_LIVE, _ROOM_BARE, _ROOM_OWNER, _ROOM_LANE) if _THREE_DIGITS.search(text) else ():
        mm = rx.search(text)
        if mm and (rx is _ROOM_MARKED or mm.group(1) not in _CALLS):
            room_hits.append((mm.start(1), mm.group(1)))
    room = _first(*room_hits)
    return building, unit, room


Place = tuple[str | None, str | None, str | None]


def with_quoted(reply: Place, quote: Place) -> Place:
    """The place of a reply to a quoted report: the reply's own, completed from the quote above what it names.

    「12栋2单元电梯又坏了」 + "1单元也不行" is 12栋1单元; + "我们5栋也是" is 5栋 (the quote's unit is in
    another building); + "楼上1102也是" is the quote's building and unit, room 1102; a reply naming
    nothing takes the quote's place."""
    building, unit, room = reply
    if building is not None:
        return reply
    if unit is not None:
        return quote[0], unit, room
    if room is not None:
        return quote[0], quote[1], room
    return quote


def of_reply(reply: str, quote: str) -> Place:
    """``with_quoted`` of two normalised texts: a reply and the report it quotes."""
    return with_quoted(extract(reply), extract(quote))


# A place with no building number, as residents name it: 小区东门, 北门口, 地下车库, 中心广场, 幸福路.
_LANDMARK = re.compile(
    r"(?:小区|社区|园区|院子?)?(?:东|南|西|北|正|大|后|侧|东北|西北|东南|西南)门(?:口|外|旁边)?"
    r"|(?:地下)?(?:车库|停车场)|(?:中心|小区)?(?:广场|花园|公园|游乐场|篮球场|健身区|菜场|菜市场)"
    r"|(?:垃圾站|垃圾房|快递柜|配电房|水泵房|门卫室|物业办公室|社区服务中心|活动室)"
    # rural places: 村东头, 村口, 三组, 5队, 村委会 (a village group is not a building)
    r"|村(?:东|西|南|北)?头|村(?:东|西|南|北)边|村口|村委会?|村尾|祠堂|晒谷场|打谷场|大队部"
    r"|(?:[一二三四五六七八九十]{1,3}|\d{1,2})(?:组|队|社)(?![织长员成合])"
    r"|[\u4e00-\u9fff]{1,4}(?:路|街|巷)(?:口|边|上)?(?![\u4e00-\u9fff]*(?:费|灯))"
)
_HOME = re.compile(r"我家|家里|家中|我们家|咱家|屋里|自家")


def landmark(text: str) -> str | None:
    """A named place without a building number, or None."""
    m = _LANDMARK.search(text)
    return m.group(0) if m else None


def at_home(text: str) -> bool:
    """The problem is in the writer's own home ("我家灯不亮了")."""
    return _HOME.search(text) is not None
