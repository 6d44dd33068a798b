"""The neutral message model every transport speaks.

Platform adapters (simulator, wechaty, WeCom) turn their payloads into an
``IncomingMessage`` and send ``Outgoing`` ones; nothing past the transport
layer knows which platform a message came from.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

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

    @property
    def is_private(self) -> bool:
        return self.room_id is None

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
