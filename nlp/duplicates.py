"""Are two reports the same problem? Place first, then the thing, then (if no thing is
named) the words. Pure: text in, score out; each text is read once and remembered.

The rules, in order:
1. Place: a building, unit, floor or room named in both and different means two problems;
   so does the estate gate against a building. A place named on one side only is unknown,
   not different (the +1 "楼道灯还是不亮" joins the ticket that named the unit). Floors are
   not compared for things that span the building (a lift, the water, the power, the roof).
2. Thing: when both name an object, they must share one (a bare 灯 goes with 楼道灯 and with
   路灯) and their faults must be compatible (漏水 goes with 爆了, not with 停水).
3. When either names no object, the texts must be close (character bigrams).
Before all: two people in danger of different kinds (someone trapped in a lift, an old man freezing in
an outage) are two emergencies, whatever thing and place they share.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp import danger
from nlp.location import extract as extract_location
from nlp.normalize import cn_to_int, normalize
from nlp.similarity import similarity
from nlp.things import Thing, faults_match, objects_match
from nlp.things import extract as extract_thing

# Bigram similarity above which two reports that name no object are one problem.
SIMILAR_TEXT = 0.5
# Things that span floors: "停在5楼" and "我住18楼" do not make two lifts.
_SPANS_FLOORS = frozenset({"elevator", "water", "power", "gas", "heating", "roof", "drain", "broadband"})
_FLOOR = re.compile(r"(?<![\d号#栋幢座\-])([\d]{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:楼|层)(?![道梯号房栋顶]|[下上](?!水))")
_GATE = re.compile(r"小区(?:大)?门|大门|[东南西北正后侧]门(?!禁)")


@dataclass(frozen=True, slots=True)
class Report:
    """One message read for duplicate detection."""

    norm: str
    building: str | None
    unit: str | None
    floor: str | None
    room: str | None
    gate: bool
    thing: Thing
    danger: str | None  # the kind of danger to a person now (nlp.danger), if any


@lru_cache(maxsize=4096)
def read(text: str) -> Report:
    norm = normalize(text or "")[:500]
    building, unit, room = extract_location(norm)
    floor = None
    m = _FLOOR.search(norm)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else cn_to_int(m.group(1))
        floor = str(n) if n else None
    if floor is None and room:
        floor = room[:-2]  # 502 is on the 5th floor
    gate = building is None and bool(_GATE.search(norm))
    found = danger.check(norm)
    return Report(norm, building, unit, floor, room, gate, extract_thing(norm), found.kind if found else None)


def _differ(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def _same_place(a: Report, b: Report) -> bool:
    if _differ(a.building, b.building) or _differ(a.unit, b.unit) or _differ(a.room, b.room):
        return False
    if (a.gate and b.building) or (b.gate and a.building):
        return False
    spans = a.thing.objects & b.thing.objects & _SPANS_FLOORS
    return bool(spans) or not _differ(a.floor, b.floor)


# (building, unit, room), each a digit string or None
Place = tuple[str | None, str | None, str | None]


def _placed(r: Report, place: Place | None) -> Report:
    """``r`` with a place known from elsewhere (a ticket's stored columns) filled in."""
    if place is None or not any(place):
        return r
    building, unit, room = place
    floor = room[:-2] if room and len(room) > 2 else r.floor
    return Report(r.norm, building or r.building, unit or r.unit, floor, room or r.room,
                  r.gate and not building, r.thing, r.danger)


def duplicate_score(a: str, b: str, *, a_place: Place | None = None, b_place: Place | None = None) -> float:
    """0.0 when ``a`` and ``b`` are different problems, else a closeness in (0, 1] to pick the
    best of several matches (the place named on both sides and the wording both count).
    ``a_place``/``b_place``: (building, unit, room) known besides the text, e.g. a ticket's."""
    ra, rb = _placed(read(a), a_place), _placed(read(b), b_place)
    if _differ(ra.danger, rb.danger) or not _same_place(ra, rb):
        return 0.0
    text = similarity(ra.norm, rb.norm)
    ta, tb = ra.thing, rb.thing
    if ta.objects and tb.objects:
        if not (objects_match(ta.objects, tb.objects) and faults_match(ta.faults, tb.faults)):
            return 0.0
        named = sum(x is not None and x == y for x, y in ((ra.building, rb.building), (ra.unit, rb.unit),
                                                          (ra.floor, rb.floor), (ra.room, rb.room)))
        return 0.5 + 0.1 * named + 0.1 * text
    return text if text >= SIMILAR_TEXT else 0.0


def same_problem(a: str, b: str) -> bool:
    return duplicate_score(a, b) > 0.0
