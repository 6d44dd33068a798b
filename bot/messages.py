"""The neutral message model every transport speaks.

Platform adapters (simulator, wechaty, WeCom) turn their payloads into an
``IncomingMessage`` and send ``Outgoing`` ones; nothing past the transport
layer knows which platform a message came from.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Awaitable, Callable

# Attachment kinds every transport maps its platform's message types to.
IMAGE, VOICE, VIDEO, FILE, LOCATION, LINK = "image", "voice", "video", "file", "location", "link"
# Kinds the bot can neither read nor keep: a sticker (表情), a red packet or transfer (红包/转账),
# a mini program card (小程序), a forwarded chat record (聊天记录).
# UNKNOWN: a message type a platform added that GridBot does not know yet.
STICKER, MONEY, MINI_PROGRAM, CHAT_HISTORY, UNKNOWN = "sticker", "money", "mini_program", "chat_history", "unknown"
KINDS = (IMAGE, VOICE, VIDEO, FILE, LOCATION, LINK, STICKER, MONEY, MINI_PROGRAM, CHAT_HISTORY, UNKNOWN)
STORED_KINDS = (IMAGE, VOICE, VIDEO, FILE)  # kinds whose bytes are kept in the file store
# What the bot does with what it cannot read (handlers/attachments.py, docs/conversation.md):
# stickers: nothing, anywhere; the others: nothing in a group (shared articles, 抢红包 and
# forwarded chats are group life, not reports), a short answer saying why in a private chat.
SILENT_KINDS = (STICKER,)
UNREADABLE_KINDS = (LINK, MINI_PROGRAM, CHAT_HISTORY, MONEY, UNKNOWN)


@dataclass(frozen=True, slots=True)
class Attachment:
    """One non-text part of a message, platform-neutral.

    Bytes come either with the message (``data``: the simulator) or on demand (``fetch``:
    a wechaty FileBox, a WeCom download URL), so a transport never downloads what the bot
    would refuse anyway. ``size`` is the size the platform declared, when it says one."""

    kind: str  # one of KINDS
    name: str | None = None  # file name as sent (never trusted for the type)
    data: bytes | None = field(default=None, repr=False)
    fetch: Callable[[], Awaitable[bytes]] | None = field(default=None, repr=False, compare=False)
    size: int | None = None
    mime: str | None = None  # what the platform claims; the store sniffs the bytes itself
    transcript: str | None = None  # voice: the platform's speech-to-text
    duration: float | None = None  # voice/video seconds
    latitude: float | None = None  # location
    longitude: float | None = None
    address: str | None = None
    title: str | None = None  # location name (POI) or link card title
    url: str | None = None  # link card target

    async def read(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.fetch is not None:
            return await self.fetch()
        return b""

# Longest readable key; longer ones are hashed so the key, and the idempotency keys
# built on it ("manual:<key>", "redeem:<key>"), always fit their columns.
MAX_READABLE_KEY = 160


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    platform: str  # "sim", "wechaty", "wecom"
    msg_id: str  # platform message id; a redelivery carries the same one
    sender_id: str  # person id as known to GridBot
    sender_name: str
    text: str
    room_id: str | None = None  # None: a private chat with the bot
    mentions: tuple[str, ...] = ()
    mentions_bot: bool = False
    # A quoted reply (引用): the text of the quoted message, as delivered.
    quoted_text: str | None = None
    received_at: datetime | None = None
    attachments: tuple[Attachment, ...] = ()
    # Set by the office console only (never a transport): a private message acting in this community,
    # for staff of several (a street officer); the person's roles there decide as usual.
    community_hint: str | None = None

    @property
    def is_private(self) -> bool:
        return self.room_id is None

    @property
    def nothing_to_handle(self) -> bool:
        """No text, and only attachments the bot stays quiet about here (see SILENT_KINDS)."""
        quiet = SILENT_KINDS if self.is_private else SILENT_KINDS + UNREADABLE_KINDS
        return not self.text.strip() and all(a.kind in quiet for a in self.attachments)

    @property
    def dedup_key(self) -> str:
        """Who said what where: platform + sender + message id (see ``dedup_key``)."""
        return dedup_key(self.platform, self.sender_id, self.msg_id)


@dataclass(frozen=True, slots=True)
class Guard:
    """When a message about a ticket still applies: while the ticket's status is one of
    ``statuses`` and, with ``claimer``, it is still claimed by that person. The sender
    checks it when it takes the row and drops a message that no longer applies (a held
    offer for a ticket claimed overnight); see bot.services.guards."""

    ticket_id: int
    statuses: tuple[str, ...]
    claimer: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    text: str
    room_id: str | None = None  # None: a private message to ``to``
    to: str | None = None  # in a room: the person addressed (mentioned)
    mentions: tuple[str, ...] = field(default_factory=tuple)
    guard: Guard | None = None  # automated messages about a ticket: checked again at send time
    # The reply template that produced the text (bot.replies.say), for tests and metrics.
    key: str | None = None
    # Held until then (quiet hours): written with the message's other rows, but not part of
    # its answer, so a redelivery returns exactly what the first delivery answered.
    not_before: datetime | None = None
    # A stored photo (attachment id) sent with the text where the platform can send images.
    image_id: int | None = None

    def __post_init__(self) -> None:
        if self.key is None:
            object.__setattr__(self, "key", getattr(self.text, "key", None))


def dedup_key(platform: str, sender_id: str, msg_id: str) -> str:
    """The key a message is handled once under: ``platform:sender:msg_id``.

    The sender is part of it, so a message id reused by someone else is their own new
    message and never returns another person's (private) replies. ``%``, ``:`` and ``#``
    in the sender are escaped, so no two (sender, id) pairs share a key; an over-long
    key becomes ``platform:#<sha256>``. A message without an id cannot be deduplicated
    and is refused (transports refuse it at the edge first)."""
    if not msg_id or not str(msg_id).strip():
        raise ValueError("a message without an id cannot be handled exactly once")
    sender = sender_id.replace("%", "%25").replace(":", "%3A").replace("#", "%23")
    key = f"{platform}:{sender}:{msg_id}"
    if len(key) <= MAX_READABLE_KEY:
        return key
    return f"{platform}:#" + hashlib.sha256(f"{sender}:{msg_id}".encode("utf-8", "surrogatepass")).hexdigest()
