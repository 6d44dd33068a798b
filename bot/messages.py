"""The neutral message model every transport speaks.

Platform adapters (simulator, wechaty, WeCom) turn their payloads into an
``IncomingMessage`` and send ``Outgoing`` ones; nothing past the transport
layer knows which platform a message came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
        return f"{self.platform}:{self.msg_id}"


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

    def __post_init__(self) -> None:
        if self.key is None:
            object.__setattr__(self, "key", getattr(self.text, "key", None))
