"""Near-duplicate score between two messages (pure)."""
from __future__ import annotations

import re
from functools import lru_cache

from nlp.normalize import normalize

_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z]+")


@lru_cache(maxsize=2048)
def _grams(text: str) -> frozenset[str]:
    norm = "".join(_KEEP.findall(normalize(text)[:500]))
    if len(norm) < 2:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def similarity(a: str, b: str) -> float:
    """Character-bigram Jaccard similarity of the normalised texts, in [0, 1]."""
    ga, gb = _grams(a or ""), _grams(b or "")
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)
