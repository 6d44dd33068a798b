"""Pure text helpers for WeChat messages as wechaty delivers them.

No wechaty import here, so these are tested on any Python.

Quoted replies (引用): puppet services (PadLocal and friends) deliver a reply
that quotes an earlier message as ordinary text::

    「张三：【任务 #12】3号楼楼道灯坏了」
    - - - - - - - - - - - - - - -
    我来

i.e. the quoted sender's display name, a full-width colon, the quoted text
(possibly several lines), in 「」 corner brackets; then a separator line of
fifteen "- " pairs; then the reply itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

AT_SEPARATOR = "\u2005"  # WeChat puts a four-per-em space after each @name

# Whole-message quote: 「[name：]quoted」 <newline> separator <newline> reply.
# Greedy up to the last 」 before the separator, so quoted text may itself
# contain corner brackets or several lines.
_QUOTE = re.compile(
    r"\A\s*「(?P<body>.*)」[ \t]*\r?\n[ \t]*(?:-[ \t]*){5,}\r?\n(?P<reply>.*)\Z",
    re.S,
)
_NAME = re.compile(r"\A(?P<name>[^：:\n」]{1,64})[：:](?P<text>.*)\Z", re.S)


@dataclass(frozen=True, slots=True)
class Quote:
    quoted_name: str | None
    quoted_text: str
    reply: str


def parse_quote(text: str) -> Quote | None:
    """Split a quoted reply into the quoted name/text and the reply, or None."""
    m = _QUOTE.match(text or "")
    if not m:
        return None
    body, reply = m.group("body"), m.group("reply").strip()
    n = _NAME.match(body)
    if n:
        return Quote(n.group("name").strip(), n.group("text").strip(), reply)
    return Quote(None, body.strip(), reply)


def strip_leading_mentions(text: str, names: Iterable[str], *, any_name: bool = False) -> str:
    """Remove leading ``@name`` mentions of the bot.

    ``names``: the bot's names (its nickname, its alias in the room). With
    ``any_name`` (the message's mention ids include the bot but its display
    name is unknown), one leading ``@…`` token ended by U+2005 is removed.
    """
    s = text.lstrip()
    names = [n for n in names if n]
    changed = True
    while changed and s.startswith("@"):
        changed = False
        for name in sorted(names, key=len, reverse=True):
            token = "@" + name
            if s.startswith(token) and (len(s) == len(token) or s[len(token)] in (AT_SEPARATOR, " ", "\u3000", "\n")):
                s = s[len(token):].lstrip(" \u2005\u3000\n")
                changed = True
                break
    if any_name and s.startswith("@") and s == text.lstrip():  # no known name matched
        cut = s.find(AT_SEPARATOR)
        if 0 < cut <= 40:
            s = s[cut + 1:].lstrip(" \u2005\u3000")
    return s.strip()
