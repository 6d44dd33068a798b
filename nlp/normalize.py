"""Text normalisation: width, script, numerals in addresses, noise, field typos.

Everything here is pure and cheap; tables are built once on first use.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from nlp.matchers import Matcher

if TYPE_CHECKING:
    from nlp.lexicon import Lexicon

MAX_INPUT = 4000  # characters looked at before normalisation (bounded work)

# Full-width ASCII (U+FF01..U+FF5E) to half-width, ideographic space to space.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
# A few punctuation marks that matter for parsing addresses.
_WIDTH.update({ord("—"): ord("-"), ord("－"): ord("-"), ord("–"): ord("-"),
               ord("﹣"): ord("-"), ord("‐"): ord("-"), ord("〇"): ord("〇")})

_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM_CHARS = "零〇○一幺二两三四五六七八九十百"
_NUM_SET = frozenset(_NUM_CHARS)
# Chinese numerals that name a building, unit or room.
_CN_ADDR = re.compile(
    rf"([{_NUM_CHARS}]+)(?=\s*(?:号楼|号院|栋|幢|座|单元|室|号房|楼|号|户|-))"
)
# A run of three or four plain digit characters right after an address word
# (七号楼三零一 -> 7号楼301).
_CN_ROOM = re.compile(r"(?<=[楼栋幢座元-])\s*([零〇○一幺二两三四五六七八九]{3,4})")
_HOMOPHONE_ADDR = re.compile(rf"([\d{_NUM_CHARS}])(好楼|单原)")
_ADDR_FIX = {"好楼": "号楼", "单原": "单元"}
# Any character _WIDTH maps (full-width ASCII, the ideographic space, dashes).
_WIDE = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDTH) + "]")


def cn_to_int(s: str) -> int | None:
    """Parse a Chinese numeral (十二, 二十三, 一百零二, 五零二) into an int."""
    if not s:
        return None
    if all(c in _DIGIT for c in s):
        if len(s) == 1:
            return _DIGIT[s]
        return int("".join(str(_DIGIT[c]) for c in s))
    total, cur = 0, 0
    for c in s:
        if c in _DIGIT:
            cur = _DIGIT[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


# After 一座 a thing that is counted ("一座山", "一座信号基站"), not a place in building 1 ("一座的电梯", "一座门口").
_COUNTED_AFTER_ZUO = re.compile(r"座[\u4e00-\u9fff](?<![的门楼里前后旁边东西南北电上下])")


def _num_sub(m: re.Match[str]) -> str:
    num: str = m.group(1)
    if num in ("一", "两") and m.string.startswith(("栋楼", "幢楼", "座楼", "个"), m.end()):
        return num  # 一栋楼 = "a whole building", not building 1
    if num == "一" and (m.string[m.start() - 1:m.start()] in ("那", "这", "哪", "每", "第")
                       or _COUNTED_AFTER_ZUO.match(m.string, m.end())):
        return num  # 那一栋 ("that building"), 第一栋 ("the first one"), 一座山 ("a mountain")
    n = cn_to_int(num)
    return num if n is None else str(n)


class _Converter(Protocol):
    """What normalize uses of ``opencc.OpenCC`` (untyped)."""

    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _t2s() -> tuple[frozenset[str], _Converter]:
    """Traditional→simplified: the set of traditional characters and a converter.

    opencc-python-reimplemented is a pure-Python port that ships OpenCC's
    maintained tables (no C build). Conversion only runs when a message holds a
    character from TSCharacters, so simplified text pays one set scan.
    """
    import os

    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    trad: set[str] = set()
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                key = line.split("\t", 1)[0]
                if len(key) == 1:
                    trad.add(key)
    except OSError:
        pass
    converter: _Converter = opencc.OpenCC("t2s")
    return frozenset(trad), converter


def _strip_char(c: str) -> bool:
    cat = unicodedata.category(c)
    # Controls, format, private use, surrogates, unassigned, symbols (emoji).
    return cat in ("Cc", "Cf", "Co", "Cs", "Cn", "So", "Sk", "Mn", "Me")


@lru_cache(maxsize=4096)
def _is_noise(c: str) -> bool:
    return _strip_char(c)


# Characters that never need a per-character look (common CJK, ASCII, CJK punctuation).
_ODD = re.compile(r"[^\u4e00-\u9fff\x20-\x7e\u3001-\u3011\u2018-\u201d\u2026\u00b7]")


# Symbols kept: "🔥🔥2单元801" is how some report a fire (nlp.danger reads it beside a place or a cry for help).
_KEPT = frozenset("🔥")


def _clean(text: str) -> str:
    if not _ODD.search(text):
        return text
    out = []
    for c in text:
        if c.isspace():
            out.append(" ")
        elif (" " <= c < "\x7f") or "\u4e00" <= c <= "\u9fff" or c in _KEPT:
            out.append(c)
        elif _is_noise(c):
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


_load_lexicon: Callable[[], Lexicon] | None = None


def _typos() -> tuple[Matcher | None, dict[str, str]]:
    global _load_lexicon
    if _load_lexicon is None:  # imported once (nlp.lexicon imports this module)
        from nlp.lexicon import load_lexicon

        _load_lexicon = load_lexicon
    lex = _load_lexicon()  # cached; a test may clear it to load an extra list
    return lex.typo_m, lex.typos


def normalize(text: str) -> str:
    """Normalise a chat message for matching (pure, bounded)."""
    if not text:
        return ""
    text = str(text)[:MAX_INPUT]
    if _WIDE.search(text):  # str.translate walks every character of a Chinese text; most have none of these
        text = text.translate(_WIDTH)
    text = _clean(text)
    trad, cc = _t2s()
    if trad and not trad.isdisjoint(text):
        try:
            text = cc.convert(text)
        except Exception:  # defensive: never fail on odd input
            pass
    text = text.lower()
    typo_m, typos = _typos()
    spans = typo_m.spans(text) if typo_m is not None else None
    if spans:  # what re.sub with the typo regex did (tests/nlp/test_equivalence.py: the same matches)
        parts: list[str] = []
        pos = 0
        for start, end, word in spans:
            parts += (text[pos:start], typos[word])
            pos = end
        parts.append(text[pos:])
        text = "".join(parts)
    if "好楼" in text or "单原" in text:  # voice typing's homophones after a number ("十好楼二单原")
        text = _HOMOPHONE_ADDR.sub(lambda m: m.group(1) + _ADDR_FIX[m.group(2)], text)
    if not _NUM_SET.isdisjoint(text):  # both need a Chinese numeral; two-thirds of messages have none
        text = _CN_ADDR.sub(_num_sub, text)
        text = _CN_ROOM.sub(_num_sub, text)
    return " ".join(text.split())  # runs of whitespace to one space, trimmed (as _SPACE.sub + strip, in C)
