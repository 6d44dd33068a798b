"""Building / unit / room extraction from normalised text (digits already Arabic)."""
from __future__ import annotations

import re

_TRIPLE = re.compile(r"(?<![\d.:/])(\d{1,3})\s*-\s*(\d{1,2})\s*-\s*(\d{3,4})(?![\d.:/])")
_BUILDING = re.compile(r"(?<![\d.:/])(\d{1,3})\s*(?:号楼|号院楼|栋|幢|座(?!位)|#楼?|号(?=\s*\d{1,2}\s*(?:单元|门(?![口禁卫面店前外]))))")
# 单元, or in the northern usage N门 right after a building (5栋3门).
_UNIT = re.compile(r"(?<![\d.:/])(\d{1,2})\s*单元|(?:(?<=号楼)|(?<=[栋幢座#号]))\s*(?:的\s*)?(\d{1,2})\s*门(?![口禁卫面店前外])")
# Units of measure, time, money etc. that make a number not a room.
_NOT_ROOM = r"(?!\d|\s*(?:号楼|栋|幢|座|单元|度|点|块|元|米|分|年|月|日|天|个|岁|斤|号|次|户|人|平|楼(?!道|梯)|万|千|小时|多|左右|ml|kg))"
_ROOM_AFTER = re.compile(
    r"(?:号楼|栋|幢|座|单元|门)\s*(?:的|之)?\s*(\d{3,4})" + _NOT_ROOM
)
_ROOM_MARKED = re.compile(r"(?<![\d.:/-])(\d{3,4})\s*(?:室|号房|房间)")
_ROOM_LIVE = re.compile(r"(?:住在?|我家是?|家住)\s*(\d{3,4})" + _NOT_ROOM)


def _first(*found: tuple[int, str] | None) -> str | None:
    hits = [f for f in found if f is not None]
    return min(hits)[1] if hits else None


def _search(rx: re.Pattern, text: str, group: int = 1) -> tuple[int, str] | None:
    m = rx.search(text)
    if not m:
        return None
    val = m.group(group) or next(g for g in m.groups() if g)
    return (m.start(), str(int(val)))


def extract(text: str) -> tuple[str | None, str | None, str | None]:
    """Return (building, unit, room) as digit strings or None."""
    m = _TRIPLE.search(text)
    tb = tu = tr = None
    if m:
        tb = (m.start(), str(int(m.group(1))))
        tu = (m.start(), str(int(m.group(2))))
        tr = (m.start(), m.group(3))
    building = _first(tb, _search(_BUILDING, text))
    unit = _first(tu, _search(_UNIT, text))
    room_hits = [tr]
    for rx in (_ROOM_AFTER, _ROOM_MARKED, _ROOM_LIVE):
        mm = rx.search(text)
        if mm:
            room_hits.append((mm.start(1), mm.group(1)))
    room = _first(*room_hits)
    return building, unit, room
