"""What a secretary types after ``/改 12``: a category, an urgency or a place (pure).

``parse(words) -> Change | str``: the change, or an error code (``"empty"``, ``"unknown"``,
``"unknown_category"``) the handler turns into a reply. The field may be named first
(``类别 邻里纠纷``, ``紧急程度 普通``, ``位置 3号楼2单元``) or left out (``纠纷``, ``紧急``,
``3号楼2单元``). Location values are JSON (see ``location_value``) so that one column holds
every field's value.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from nlp.location import extract
from nlp.normalize import normalize

CATEGORY, URGENCY, LOCATION = "category", "urgency", "location"
FIELDS = (CATEGORY, URGENCY, LOCATION)

# Taxonomy code → what people call it (the first is the taxonomy's own name).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "repair": ("设施报修", "报修", "维修", "设施", "修理"),
    "sanitation": ("环境卫生", "卫生", "环境", "垃圾", "保洁"),
    "greening": ("绿化养护", "绿化", "园林", "树木"),
    "traffic": ("道路停车", "道路", "停车", "交通", "路面"),
    "safety": ("治安消防", "治安", "消防", "安全", "安全隐患"),
    "dispute": ("矛盾纠纷", "纠纷", "矛盾", "邻里纠纷", "调解", "邻里矛盾", "家庭纠纷"),
    "care": ("帮扶关爱", "帮扶", "关爱", "困难帮扶", "助老", "帮忙"),
    "health": ("医疗防疫", "医疗", "防疫", "卫生健康", "健康"),
    "legal": ("法律政策", "法律", "政策", "法律咨询", "政策咨询"),
    "property": ("物业服务", "物业", "业委会"),
    "culture": ("文体教育", "文体", "文化", "教育", "文体活动"),
    "other": ("其他", "其它", "别的"),
}
_CATEGORY_BY_WORD = {w: code for code, words in CATEGORY_WORDS.items() for w in (code, *words)}
URGENT_WORDS = ("紧急", "加急", "特急", "很急", "急", "急件", "urgent")
NORMAL_WORDS = ("不紧急", "不急", "普通", "一般", "正常", "非紧急", "normal")
_FIELD_WORDS = {
    CATEGORY: ("类别", "分类", "类型", "类", "category"),
    URGENCY: ("紧急程度", "紧急度", "缓急", "急缓", "urgency"),
    LOCATION: ("位置", "地点", "地址", "在", "location"),
}
_SEP = re.compile(r"^[\s:：=]*(?:改为|改成|为|是)?[\s:：=]*")
_TO = re.compile(r"^(?:改为|改成|应为|应该是|为)\s*")
_PLACE_WORDS = re.compile(r"楼|栋|幢|座|单元|门|口|广场|车库|停车场|花园|路|街|院|小区|大厅|地下室|组|村|队|巷|室")


@dataclass(frozen=True)
class Change:
    field: str  # CATEGORY | URGENCY | LOCATION
    value: str  # a taxonomy code, "urgent" / "normal", or location_value(...)


def location_value(building: str | None, unit: str | None, room: str | None, place: str | None = None) -> str:
    return json.dumps({"building": building, "unit": unit, "room": room, "place": place},
                      ensure_ascii=False, sort_keys=True)


def read_location(value: str | None) -> dict[str, str | None]:
    """The fields of a stored location value; every key present, None where unknown."""
    empty: dict[str, str | None] = {"building": None, "unit": None, "room": None, "place": None}
    if not value:
        return empty
    try:
        data = json.loads(value)
    except ValueError:
        return empty
    if not isinstance(data, dict):
        return empty
    return {k: (str(data[k]) if data.get(k) not in (None, "") else None) for k in empty}


def category_code(word: str) -> str | None:
    w = word.strip().lower().removesuffix("类")
    return _CATEGORY_BY_WORD.get(w) or _CATEGORY_BY_WORD.get(word.strip().lower())


def named_field(words: str) -> tuple[str | None, str]:
    """("类别 邻里纠纷") → (CATEGORY, "邻里纠纷"); a field named alone gives an empty rest."""
    low = words.lower()
    for field in (URGENCY, CATEGORY, LOCATION):  # 紧急程度 before 类, 位置 before 在
        for name in sorted(_FIELD_WORDS[field], key=len, reverse=True):
            if low.startswith(name):
                return field, _SEP.sub("", words[len(name):]).strip()
    return None, words


def _urgency(words: str) -> str | None:
    w = words.strip().lower().rstrip("的")
    if w in NORMAL_WORDS:
        return "normal"
    if w in URGENT_WORDS:
        return "urgent"
    return None


def _location(words: str) -> str | None:
    norm = normalize(words)
    building, unit, room = extract(norm)
    if building or unit or room:
        return location_value(building, unit, room)
    if _PLACE_WORDS.search(words) and len(words) <= 30:
        return location_value(None, None, None, words.strip())
    return None


def parse(words: str) -> Change | str:
    """The change typed after the ticket number, or an error code."""
    words = _TO.sub("", words.strip().strip("。.!！"))  # "改为纠纷", "应该是紧急"
    if not words:
        return "empty"
    field, rest = named_field(words)
    if field is not None and not rest:
        return "empty"
    if field == CATEGORY:
        code = category_code(rest)
        return Change(CATEGORY, code) if code else "unknown_category"
    if field == URGENCY:
        level = _urgency(rest)
        return Change(URGENCY, level) if level else "unknown"
    if field == LOCATION:
        place = _location(rest)
        return Change(LOCATION, place) if place else "unknown"
    level = _urgency(words)
    if level:
        return Change(URGENCY, level)
    code = category_code(words)
    if code:
        return Change(CATEGORY, code)
    place = _location(words)
    if place:
        return Change(LOCATION, place)
    return "unknown"
