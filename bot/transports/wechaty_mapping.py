"""Turn wechaty objects into GridBot's neutral messages.

Takes the live ``Wechaty`` bot and wechaty ``Message``/``Room``/``Contact``
objects (typed ``Any``: wechaty is an optional dependency imported only via
``wechaty_compat``). Ids are prefixed ``wx:`` so they never collide with
other platforms' ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.messages import IncomingMessage
from bot.transports.wechaty_text import parse_quote, strip_leading_mentions

PREFIX = "wx:"


@dataclass(frozen=True, slots=True)
class RoomJoin:
    """Someone joined a room the bot is in (or the bot itself joined)."""

    room_id: str  # "wx:<room id>"
    room_topic: str
    members: tuple[tuple[str, str], ...]  # ("wx:<contact id>", name) of the newcomers, bot excluded
    inviter_id: str | None
    bot_joined: bool


def _when(ts: int) -> datetime:
    if not ts:
        return datetime.now(timezone.utc)
    # services send seconds or milliseconds
    return datetime.fromtimestamp(ts / 1000 if ts > 10**11 else ts, timezone.utc)


async def to_incoming(bot: Any, msg: Any, self_name: str = "") -> IncomingMessage | None:
    """The neutral message for a wechaty text message; None for other types."""
    from wechaty_puppet import MessageType

    if msg.type() != MessageType.MESSAGE_TYPE_TEXT:
        return None
    payload = msg.payload
    talker = msg.talker()
    room = msg.room()
    self_id = bot.puppet.self_id()
    mention_ids = [m for m in (payload.mention_ids or []) if m]
    # Id-based, like msg.mention_self(): a pasted "@name" is not a mention.
    mentions_bot = self_id in mention_ids
    name = talker.name
    bot_names = [self_name or bot.user_self().name]
    if room is not None:
        try:
            name = await room.alias(talker) or name  # the 群昵称 people know each other by
            if mentions_bot:
                bot_names.append(await room.alias(bot.user_self()) or "")
        except Exception:  # noqa: BLE001 - room aliases are optional for a puppet
            pass
    text = msg.text() or ""
    quoted = None
    q = parse_quote(text)
    if q is not None:
        quoted, text = q.quoted_text, q.reply
    if mentions_bot:
        text = strip_leading_mentions(text, bot_names, any_name=True)
    return IncomingMessage(
        platform="wechaty",
        msg_id=msg.message_id,
        sender_id=PREFIX + talker.contact_id,
        sender_name=name or talker.contact_id,
        text=text.strip(),
        room_id=PREFIX + room.room_id if room is not None else None,
        mentions=tuple(PREFIX + m for m in mention_ids if m != self_id),
        mentions_bot=mentions_bot,
        quoted_text=quoted,
        received_at=_when(payload.timestamp),
    )


def to_room_join(bot: Any, room: Any, invitees: list, inviter: Any) -> RoomJoin:
    self_id = bot.puppet.self_id()
    topic = (room.payload.topic if room.payload is not None else "") or ""
    return RoomJoin(
        room_id=PREFIX + room.room_id,
        room_topic=topic,
        members=tuple((PREFIX + c.contact_id, c.name) for c in invitees if c.contact_id != self_id),
        inviter_id=PREFIX + inviter.contact_id if inviter is not None and inviter.contact_id else None,
        bot_joined=any(c.contact_id == self_id for c in invitees),
    )
