"""One message, several problems: "1号楼门口的垃圾三天没人清了，还有小区东门的路灯也不亮了".

``split_problems(text)`` returns the parts to file as separate tickets, or ``[text]``
when the message is about one thing. A part counts only when it is a demand on its
own and the parts differ in what or where; a second sentence that only adds detail
("…灯坏了，晚上黑漆漆的") stays with the first.
"""
from __future__ import annotations

import re

from nlp.classifier import classify

# Where a resident starts the next problem: "还有", "另外", "再就是", "顺便说一下", a semicolon,
# a new line, or a numbered list ("1、… 2、…").
_BREAK = re.compile(
    r"(?:[，,。；;！!\s]+|^)(?:还有(?:就是)?|另外(?:还有)?|再就是|再有|顺便(?:说一下|反映一下|提一下)?|以及|同时)"
    r"|[；;\n]+|(?:^|[，,。\s])[2-9二三四五][、.．)）]"
)
MAX_PARTS = 4


def _pieces(text: str) -> list[str]:
    cuts = [m.start() for m in _BREAK.finditer(text) if m.start() > 0]
    bounds = [0, *cuts, len(text)]
    parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    return [p.strip(" ，,。；;\n") for p in parts if p.strip(" ，,。；;\n")]


def split_problems(text: str) -> list[str]:
    parts = _pieces(text)
    if len(parts) < 2 or len(parts) > MAX_PARTS:
        return [text]
    found = [(p, classify(p)) for p in parts]
    if any(r.intent != "demand" for _, r in found):
        return [text]
    places = [r.building for _, r in found]
    if any(r.urgency == "urgent" for _, r in found) and (None in places or len(set(places)) < len(places)):
        # One emergency told in pieces ("楼上半夜一直砸东西，还有女的在哭喊救命": found in the simulator,
        # stop 31, filed as a dispute and a separate safety ticket): split only across named buildings.
        return [text]
    keys = {(r.category, r.building, r.unit) for _, r in found}
    if len(keys) < len(found):
        return [text]  # the same kind of thing in the same place: one problem told twice
    return [p for p, _ in found]
