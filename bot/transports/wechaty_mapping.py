"""Turn wechaty objects into GridBot's neutral messages.

Takes the live ``Wechaty`` bot and wechaty ``Message``/``Room``/``Contact``
objects (typed ``Any``: wechaty is an optional dependency imported only via
``wechaty_compat``). Ids are prefixed ``wx:`` so they never collide with
other platforms' ids.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.messages import (
    CHAT_HISTORY,
    FILE,
    IMAGE,
    LINK,
    LOCATION,
    MINI_PROGRAM,
    MONEY,
    STICKER,
    VIDEO,
    VOICE,
    Attachment,
    IncomingMessage,
)
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
    """The neutral message for a wechaty message: text, or a photo, voice, video, file,
    location or link card as an attachment (bytes fetched only when the bot asks: ``Attachment.fetch``);
    stickers, red packets, transfers, mini programs and chat records as attachments of their kind
    (the bot decides what to say: bot.messages.UNREADABLE_KINDS). None for contact cards, recalls
    and system notices."""
    from wechaty_puppet import MessageType

    kind = msg.type()
    attachments: tuple[Attachment, ...] = ()
    if kind != MessageType.MESSAGE_TYPE_TEXT:
        found = await attachment_of(msg)
        if found is None:
            return None
        attachments = (found,)
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
    text = (msg.text() or "") if not attachments else ""
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
        attachments=attachments,
    )


# -- attachments -------------------------------------------------------------------
# The most a FileBox read keeps in memory (the store's own per-kind limits are lower).
MAX_FETCH = 64 * 1024 * 1024
_LOCATION_ATTR = re.compile(r'\b(x|y|label|poiname)\s*=\s*"([^"]*)"')


async def attachment_of(msg: Any) -> Attachment | None:
    """The attachment a non-text wechaty message carries; None for kinds the bot ignores."""
    from wechaty_puppet import MessageType

    kind = msg.type()
    file_kinds = {MessageType.MESSAGE_TYPE_IMAGE: IMAGE, MessageType.MESSAGE_TYPE_VIDEO: VIDEO,
                  MessageType.MESSAGE_TYPE_ATTACHMENT: FILE, MessageType.MESSAGE_TYPE_AUDIO: VOICE}
    if kind in file_kinds:
        async def fetch() -> bytes:
            if kind == MessageType.MESSAGE_TYPE_AUDIO:  # python-wechaty's to_file_box takes audio as a file too
                box = await msg.puppet.message_file(msg.message_id)
            else:
                box = await msg.to_file_box()
            return await filebox_bytes(box)
        return Attachment(kind=file_kinds[kind], name=None, fetch=fetch)
    if kind == MessageType.MESSAGE_TYPE_LOCATION:
        found = location_of(msg.text() or "")
        if found.latitude is None:  # no WeChat XML in the text: ask the puppet service itself
            from bot.transports.wechaty_location import place_of

            place = await place_of(msg.puppet, msg.message_id)
            if place is not None:
                return Attachment(kind=LOCATION, latitude=place.latitude, longitude=place.longitude,
                                  address=place.address or found.address, title=place.name or None)
        return found
    if kind == MessageType.MESSAGE_TYPE_URL:
        try:
            link = await msg.to_url_link()
            payload = link.payload
            return Attachment(kind=LINK, url=payload.url, title=payload.title)
        except Exception:  # noqa: BLE001 - a card the puppet cannot describe is ignored like a sticker
            return None
    if kind == MessageType.MESSAGE_TYPE_MINI_PROGRAM:
        try:
            card = await msg.to_mini_program()
            return Attachment(kind=MINI_PROGRAM, title=card.title or None)
        except Exception:  # noqa: BLE001 - the card's details are optional: the kind is enough
            return Attachment(kind=MINI_PROGRAM)
    plain = {MessageType.MESSAGE_TYPE_EMOTICON: STICKER, MessageType.MESSAGE_TYPE_RED_ENVELOPE: MONEY,
             MessageType.MESSAGE_TYPE_TRANSFER: MONEY, MessageType.MESSAGE_TYPE_CHAT_HISTORY: CHAT_HISTORY}
    if kind in plain:
        return Attachment(kind=plain[kind])
    return None  # CONTACT (名片), RECALLED, UNSPECIFIED (system notices): nothing for the bot


def location_of(text: str) -> Attachment:
    """A shared location: WeChat's XML (``<location x="lat" y="lon" label="address" poiname="name">``),
    or, from puppets that give only text, the address alone."""
    attrs = dict(_LOCATION_ATTR.findall(text))
    if "x" in attrs and "y" in attrs:
        try:
            lat, lon = float(attrs["x"]), float(attrs["y"])
        except ValueError:
            lat = lon = float("nan")  # refused by the bot as impossible coordinates
        return Attachment(kind=LOCATION, latitude=lat, longitude=lon, address=html.unescape(attrs.get("label", "")),
                          title=html.unescape(attrs.get("poiname", "")) or None)
    return Attachment(kind=LOCATION, address=text.strip()[:300] or None)


async def filebox_bytes(box: Any, limit: int = MAX_FETCH) -> bytes:
    """The bytes of a FileBox (python-wechaty's ``to_base64`` is unimplemented): base64, buffer,
    stream, a local file or a URL (read at most ``limit`` bytes)."""
    import base64 as b64

    data = getattr(box, "base64", None)
    if data:
        return b64.b64decode(data)
    for attr in ("buffer", "stream"):
        data = getattr(box, attr, None)
        if data:
            return bytes(data)
    path = getattr(box, "localPath", None)
    if path:
        with open(path, "rb") as f:
            return f.read(limit + 1)
    url = getattr(box, "remoteUrl", None)
    if url:
        import aiohttp

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            async with session.get(url, headers=getattr(box, "headers", None) or None) as resp:
                resp.raise_for_status()
                return await resp.content.read(limit + 1)
    return b""


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
