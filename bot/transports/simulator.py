"""The local simulator: people type into a web page, and the page shows what the bot delivered.

Inbound takes the same path as on the real platforms: ``POST /api/sim/messages``
(bot/web/sim.py) hands the message to ``inbound``, which calls the handler the
runtime gave ``start`` (the dispatcher), as the WeCom callback and the wechaty
event stream do. The page's feed (``GET /api/sim/outbox``) reads ``feed``: the
pieces the outbox sender actually handed to ``send``, in delivery order, so a
message held for quiet hours, waiting for its rate slot or split in pieces shows
up as, and when, it is delivered, never as it is queued.

The delivery log lives in this process; after a restart the web route seeds it
once from the outbox rows marked sent (``seed``). ``boot`` changes with each
process, so the page knows to read the feed from the start again.
"""
from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable

from bot.clock import utcnow
from bot.messages import IncomingMessage, Outgoing
from bot.transports.base import InboundHandler, RecentKeys, Transport

LOG_SIZE = 5000


@dataclass(frozen=True, slots=True)
class Delivered:
    seq: int
    room: str | None
    to: str | None
    text: str
    mentions: tuple[str, ...]


class SimulatorTransport(Transport):
    name = "sim"
    accepts_idempotency_key = True

    def __init__(self) -> None:
        self.on_message: InboundHandler | None = None
        self.sends = 0
        self.boot = uuid.uuid4().hex[:12]
        self.started_at = utcnow()  # rows sent before this are history for ``seed``
        self.seeded = False
        self._log: deque[Delivered] = deque(maxlen=LOG_SIZE)
        self._seq = 0
        self._delivered = RecentKeys()

    async def start(self, on_message: InboundHandler) -> None:
        self.on_message = on_message

    async def stop(self) -> None:
        self.on_message = None

    async def inbound(self, message: IncomingMessage) -> Any:
        """A message typed into the page; returns what the handler returns (the rows it queued)."""
        if self.on_message is None:
            raise RuntimeError("simulator transport not started")
        return await self.on_message(message)

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        if idempotency_key is not None and idempotency_key in self._delivered:
            return
        self._append(message.room_id, message.to, message.text, tuple(message.mentions))
        self._delivered.add(idempotency_key)
        self.sends += 1

    def _append(self, room: str | None, to: str | None, text: str, mentions: tuple[str, ...]) -> None:
        self._seq += 1
        self._log.append(Delivered(self._seq, room, to, text, mentions))

    def seed(self, rows: Iterable[Any]) -> None:
        """History from before this process: outbox rows sent before ``started_at``, oldest first."""
        if self.seeded:
            return
        self.seeded = True
        earlier = list(self._log)
        self._log.clear()
        self._seq = 0
        for row in rows:
            self._append(row.room_id, row.to_person, row.text, tuple(row.mentions))
        for d in earlier:
            self._append(d.room, d.to, d.text, d.mentions)

    def feed(self, *, after: int, viewer: str | None) -> list[Delivered]:
        """Delivered after ``after``, as ``viewer`` sees them: room messages, and private ones to them."""
        return [d for d in self._log if d.seq > after and (d.room is not None or (viewer is not None and d.to == viewer))]

    def health(self) -> dict:
        return {"transport": self.name, "connected": self.on_message is not None, "sent": self.sends}
