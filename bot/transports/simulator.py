"""The local simulator: people type into a web page; the outbox table is the chat log.

Inbound arrives through ``POST /api/sim/messages`` (see bot/web/sim.py), which calls
the dispatcher directly so the response can carry the replies. Delivery is instant:
the page reads what was sent from ``GET /api/sim/outbox``.
"""
from __future__ import annotations

from bot.messages import Outgoing
from bot.transports.base import InboundHandler


class SimulatorTransport:
    name = "sim"

    def __init__(self) -> None:
        self.on_message: InboundHandler | None = None
        self.sent = 0

    async def start(self, on_message: InboundHandler) -> None:
        self.on_message = on_message

    async def stop(self) -> None:
        self.on_message = None

    async def send(self, message: Outgoing) -> None:
        self.sent += 1

    def health(self) -> dict:
        return {"transport": self.name, "connected": self.on_message is not None, "sent": self.sent}
