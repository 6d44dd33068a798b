"""Every sentence the bot says, in one place: this package (Simplified Chinese).

Each area keeps its templates in its own module (``core``, ``members``,
``schedule``, ...); ``TEXT`` merges them and ``say(key, **fields)`` renders one.
Templates use ``str.format`` fields.
"""
from __future__ import annotations

from bot.replies import (
    cli,
    console,
    conversation,
    core,
    delivery,
    files,
    learning,
    members,
    mobilise,
    schedule,
    streets,
    tasks,
    web,
)

TEXT: dict[str, str] = {}
for _module in (core, conversation, delivery, members, mobilise, schedule, streets, cli, web, files, console, learning,
                tasks):
    _overlap = TEXT.keys() & _module.TEXT.keys()
    assert not _overlap, f"reply keys defined twice: {_overlap}"
    TEXT.update(_module.TEXT)

CATEGORY_NAMES = core.CATEGORY_NAMES
STATUS_NAMES = core.STATUS_NAMES
ROLE_NAMES = core.ROLE_NAMES


class Said(str):
    """A rendered sentence that remembers its template key, so tests and metrics can
    name what was said without matching wording. ``said + more`` keeps the key."""

    key: str

    def __new__(cls, text: str, key: str) -> "Said":
        obj = super().__new__(cls, text)
        obj.key = key
        return obj

    def __add__(self, other: str) -> "Said":
        return Said(str.__add__(self, other), self.key)


def key_of(text: str) -> str | None:
    return getattr(text, "key", None)


def say(key: str, /, **fields: object) -> Said:
    return Said(TEXT[key].format(**fields), key)


def category_name(code: str | None) -> str:
    return CATEGORY_NAMES.get(code or "other", CATEGORY_NAMES["other"])


def status_name(code: str) -> str:
    return STATUS_NAMES.get(code, code)
