"""Quoted replies (引用) in WeChat's pasted text form, pure and import-light (used by scoring).

``split(text)`` -> (quoted text, reply) of 「名字：原文」 + a dashed line + the reply, raw or normalised
(newlines may have become spaces); ``me_too(reply)`` says whether the reply only agrees
("+1", "我们这也是", "同问"), so that the quoted problem is its problem too.
"""
from __future__ import annotations

import re

_QUOTE = re.compile(r"^\s*「(?P<body>.*)」\s*(?:-\s*){3,}(?P<reply>.*)$", re.S)
_NAME = re.compile(r"^(?P<name>[^：:\n]{1,20})[：:](?P<text>.*)$", re.S)
ME_TOO = re.compile(
    r"^(\+1|＋1|1\+|同问|同求|同上|一样|我也是|我们也是|我家也是|我们家也是|我们这也是|我们这边也是|我们楼也是"
    r"|这边也是|这里也是|我们这里也是|俺家也是|我们都(是|系|一样)|我们也一样|我家也一样|也是|加一|\+\d+|同感|附议|顶|顶一下"
    r"|我们[^，。！？,.!?]{0,6}也(是|一样|这样|有|坏|停|没|漏|堵|不)[^，。！？,.!?]{0,8})"
    r"[!！~。.，,?？\s]*$")


def split(text: str) -> tuple[str, str] | None:
    """(quoted text, reply) of a pasted quote, or None."""
    m = _QUOTE.match(text or "")
    if m is None:
        return None
    body = m.group("body").strip()
    n = _NAME.match(body)
    return (n.group("text").strip() if n else body), m.group("reply").strip()


def me_too(normalised_reply: str) -> bool:
    return ME_TOO.match(normalised_reply) is not None


_ME_TOO_FIRST = re.compile(ME_TOO.pattern.replace(r"[!！~。.，,?？\s]*$", r"[!！~。.，,?？\s]"))


def me_too_first(normalised_reply: str) -> bool:
    """The reply opens by agreeing and goes on ("+1 我们这边也是，苍蝇到处飞")."""
    return _ME_TOO_FIRST.match(normalised_reply) is not None
