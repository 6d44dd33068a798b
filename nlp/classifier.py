"""Placeholder keyword classifier; replaced by the full classifier (issue 3)."""
from __future__ import annotations

import re

from nlp.types import Classification

_KEYWORDS = {
    "repair": ("坏了", "漏水", "停电", "停水", "不亮", "电梯", "维修"),
    "sanitation": ("垃圾", "臭", "老鼠"),
    "safety": ("着火", "冒烟", "煤气", "燃气"),
}
_URGENT = ("着火", "冒烟", "煤气", "燃气", "困在", "摔")


def classify(text: str) -> Classification:
    text = (text or "")[:2000]
    for category, words in _KEYWORDS.items():
        hits = tuple(w for w in words if w in text)
        if hits:
            urgent = any(w in text for w in _URGENT)
            b = re.search(r"(\d+)\s*(?:号楼|栋|幢|楼)", text)
            u = re.search(r"(\d+)\s*单元", text)
            r = re.search(r"(\d{3,4})\s*室?", text)
            return Classification(
                "demand", category, "urgent" if urgent else "normal", 0.9,
                b.group(1) if b else None, u.group(1) if u else None,
                r.group(1) if r else None, hits,
            )
    return Classification("chat", None, None, 0.1)
