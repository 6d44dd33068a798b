"""Group-chat context, pure: a quoted message (引用) and a follow-up (催办) about an earlier report.

``quoted(text)`` splits WeChat's text form of a quoted reply (「名字：原文」, a dashed line, the reply).
``with_quote(quoted, reply)`` is the text to understand: a reply that only says "here too" ("我们这也是",
"+1", "同问") or names no place or thing borrows the quote's. ``is_follow_up(text)`` recognises
"还没修", "都一个礼拜了", "上次说的那个…", "催一下": a chase of a problem already reported.
"""
from __future__ import annotations

import re
from dataclasses import replace

from nlp import quotes
from nlp.classifier import classify
from nlp.location import extract, landmark, of_reply
from nlp.normalize import normalize
from nlp.types import Classification

# A chase of an earlier report.
_FOLLOW_UP = re.compile(
    r"还没(人)?(修|来|处理|解决|弄|管|好|回复|动静|下文|消息)|还是没(人)?(修|来|处理|解决|管|动静)|怎么还没|咋还没|怎么还不|咋还不"
    r"|都[一二两三四五六七八九十几半\d]+(个)?(礼拜|星期|周|天|月|小时)了|(上次|上回|之前|前几天|昨天|早上|上午|刚才)"
    r"(说|报|反映|提|讲)的(那个|那件|事|问题)?|催一下|催催|催办|再催|帮忙催|有进展(了)?吗|有消息(了)?吗|进度(怎么样|如何)"
    r"|到底(什么时候|啥时候|几时)(修|来|处理|弄|管)|什么时候(能)?(修好|来修|处理好)|报了[^，。！？,.!?]{0,6}(没人|还没|没动静)")


def quoted(text: str) -> tuple[str, str] | None:
    """(quoted text, reply) of WeChat's text form of a quoted reply, or None."""
    return quotes.split(text)


def me_too(reply: str) -> bool:
    return quotes.me_too(normalize(reply))


def agrees(reply: str) -> bool:
    """"+1", "我们这也是", "+1 我们5号楼也是": a reply that agrees with what was said before."""
    norm = normalize(reply)
    return quotes.me_too(norm) or (quotes.me_too_first(norm) and "也" in norm)


def with_quote(quote: str | None, reply: str) -> str:
    """The text to understand for a reply that quotes ``quote``.

    "+1", "我们这也是" and the like take the quote's problem (and place) as their own; a reply
    that is a problem of its own but names no place or thing borrows the quote's place and
    thing; any other reply stands alone (a quote does not make chatter a demand)."""
    if not quote:
        return reply
    mine = classify(reply)
    norm = normalize(reply)
    has_place = any(extract(norm)) or landmark(norm) is not None
    has_thing = mine.category not in (None, "other") and any(not w.startswith("规则:") for w in mine.evidence)
    if has_place and has_thing:
        return reply  # a problem of its own ("我们7号楼电梯也坏了")
    if me_too(reply) or (quotes.me_too_first(norm) and ("也" in norm or has_place)):
        return quote  # "+1 我们5号楼也是": the quote's problem, the reply's own place (placed())
    if mine.intent == "chat":
        return reply
    return f"{quote} {reply}"


def as_filed(quote: str | None, reply: str, understood: str) -> str:
    """The text a ticket records for ``reply``: the quote it took as its problem, after the reply when the
    reply names a place of its own, so whoever claims "+1 我们5号楼也是" reads 5号楼 first, not the
    quote's 6号楼."""
    if not quote or understood != quote or understood == reply or not any(extract(normalize(reply))):
        return understood
    return f"{reply}（引用：{quote}）"


def placed(result: Classification, quote: str, reply: str) -> Classification:
    """``result`` with the place of a reply to ``quote``: the reply's own, completed from the quote
    (nlp.location.with_quoted), whatever text ``with_quote`` gave the classifier."""
    building, unit, room = of_reply(normalize(reply), normalize(quote))
    return replace(result, building=building, unit=unit, room=room)


def is_follow_up(text: str) -> bool:
    """A chase of an earlier report ("还没修", "都一个礼拜了", "上次说的那个…", "催一下")."""
    return _FOLLOW_UP.search(normalize(text)) is not None
