"""Input bounds at the edge: every id, name, number, year and JSON body checked before it goes further.

The HTTP routes (simulator API, read API, spreadsheets) and the WeCom callback
call these, so nothing reaches a service or the database that the database
would refuse (PostgreSQL: an id longer than its column, a NUL byte, an integer
beyond INTEGER) or that SQLite would store unchecked. A bad value raises
``BadInput``, whose ``str()`` is a clear Chinese sentence for a 400 answer.
"""
from __future__ import annotations

import json
import re

from bot.replies import say

# Column sizes (bot/db/models.py): Person.id and Room.id VARCHAR(128), Community.id VARCHAR(64).
PERSON_ID_MAX = 128
ROOM_ID_MAX = 128
COMMUNITY_ID_MAX = 64
# ProcessedMessage.key is VARCHAR(255) and holds "<platform>:<sender>:<msg_id>": 10 + 1 + 128 + 1 + 100 fits.
MSG_ID_MAX = 100
NAME_MAX = 64  # the dispatcher keeps 64 characters of a display name
TEXT_MAX = 20_000
INT_MAX = 2**31 - 1  # PostgreSQL INTEGER: ticket numbers, outbox sequence numbers
YEAR_MIN, YEAR_MAX = 2000, 2100  # ledgers and reports; outside this a date computation can overflow
JSON_DEPTH_MAX = 32

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"^[0-9]{1,12}$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class BadInput(ValueError):
    """A value refused at the edge; the message is the Chinese sentence to answer with."""


def _utf8(value: str, field: str) -> None:
    try:
        value.encode("utf-8")  # a lone surrogate ("\ud800") cannot be stored by either database
    except UnicodeEncodeError:
        raise BadInput(say("web_bad_unicode", field=field)) from None


def identifier(value: object, *, field: str, limit: int, required: bool = True) -> str | None:
    """An id (person, room, community, message): a non-empty string, no control characters, ≤ limit."""
    if value is None or value == "":
        if required:
            raise BadInput(say("web_missing", field=field))
        return None
    if not isinstance(value, str):
        raise BadInput(say("web_not_string", field=field))
    value = value.strip()
    if not value:
        if required:
            raise BadInput(say("web_missing", field=field))
        return None
    if len(value) > limit:
        raise BadInput(say("web_too_long", field=field, limit=limit))
    if _CONTROL.search(value):
        raise BadInput(say("web_control_chars", field=field))
    _utf8(value, field)
    return value


def text(value: object, *, field: str, limit: int, required: bool = True) -> str | None:
    """Free text (a message, a display name): newlines and tabs are fine, NUL and bad Unicode are not."""
    if value is None:
        if required:
            raise BadInput(say("web_missing", field=field))
        return None
    if not isinstance(value, str):
        raise BadInput(say("web_not_string", field=field))
    if len(value) > limit:
        raise BadInput(say("web_too_long", field=field, limit=limit))
    if "\x00" in value:
        raise BadInput(say("web_control_chars", field=field))
    _utf8(value, field)
    return value


def whole_number(raw: str | None, *, field: str, low: int = 0, high: int = INT_MAX,
                 default: int | None = None) -> int:
    """A decimal integer from a path or query string, within [low, high] (default: a PostgreSQL INTEGER)."""
    if raw is None and default is not None:
        return default
    if raw is None or not _DIGITS.match(raw) or not low <= int(raw) <= high:
        raise BadInput(say("web_whole_number", field=field, low=low, high=high))
    return int(raw)


def year(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not (len(raw) == 4 and raw.isascii() and raw.isdigit()) or not YEAR_MIN <= int(raw) <= YEAR_MAX:
        raise BadInput(say("web_year", low=YEAR_MIN, high=YEAR_MAX))
    return int(raw)


def month(raw: str) -> tuple[int, int]:
    """"2026-11" → (2026, 11)."""
    match = _MONTH.match(raw)
    if not match or not YEAR_MIN <= int(match.group(1)) <= YEAR_MAX or not 1 <= int(match.group(2)) <= 12:
        raise BadInput(say("web_month", low=YEAR_MIN, high=YEAR_MAX))
    return int(match.group(1)), int(match.group(2))


def _depth(value: object) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in item)
    return deepest


def json_body(raw: bytes | str, *, max_depth: int = JSON_DEPTH_MAX) -> object:
    """Parse a UTF-8 JSON body; too deep a nesting is refused, never a RecursionError."""
    try:
        data = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except RecursionError:
        raise BadInput(say("web_json_too_deep", limit=max_depth)) from None
    except (ValueError, UnicodeDecodeError):
        raise BadInput(say("web_json_invalid")) from None
    if _depth(data) > max_depth:
        raise BadInput(say("web_json_too_deep", limit=max_depth))
    return data
