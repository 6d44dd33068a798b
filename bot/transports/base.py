"""The interface every platform adapter implements."""
from __future__ import annotations

from typing import Awaitable, Callable, Protocol

from bot.messages import IncomingMessage, Outgoing

# What a transport calls for each inbound message; the dispatcher provides it.
InboundHandler = Callable[[IncomingMessage], Awaitable[None]]


class SendError(Exception):
    """A send failed. ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Transport(Protocol):
    name: str

    async def start(self, on_message: InboundHandler) -> None:
        """Connect and start delivering inbound messages to ``on_message``."""

    async def stop(self) -> None: ...

    async def send(self, message: Outgoing) -> None:
        """Deliver one message; raise ``SendError`` on failure."""

    def health(self) -> dict: ...
