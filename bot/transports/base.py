"""The interface every platform adapter implements."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable, Hashable, Protocol

from bot.messages import IncomingMessage, Outgoing

# What a transport calls for each inbound message; the dispatcher provides it.
InboundHandler = Callable[[IncomingMessage], Awaitable[None]]


class SendError(Exception):
    """A send failed. ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class SendLimits:
    """How fast a transport may send; the outbox sender enforces these.

    ``None`` means no limit. ``per_key`` is counted per ``transport.rate_key(msg)``
    (a WeCom robot key, say); the others per account and per conversation.
    """

    per_account: int | None = None  # messages per ``window`` for the whole account
    window: float = 60.0
    conversation_gap: float = 0.0  # seconds between two messages to one conversation
    switch_pause: tuple[float, float] | None = None  # random pause when the conversation changes
    per_key: int | None = None  # messages per ``window`` per rate key

    @property
    def unlimited(self) -> bool:
        return not (self.per_account or self.conversation_gap or self.switch_pause or self.per_key)


NO_LIMITS = SendLimits()


class Transport(Protocol):
    """Required: ``name``, ``start``, ``stop``, ``send``, ``health``.

    Optional, read by the outbox sender with ``getattr``:
    - ``limits: SendLimits`` (default: none);
    - ``split_text(text) -> list[str]``: the platform's pieces of a long text;
    - ``rate_key(message) -> Hashable | None``: the key ``limits.per_key`` counts;
    - ``accepts_idempotency_key = True``: ``send`` then takes ``idempotency_key=``,
      a stable id of one piece of one outbox row, and must not deliver the same key
      twice (as far as the platform lets it: see ``bot.sender``).
    """

    name: str

    async def start(self, on_message: InboundHandler) -> None:
        """Connect and start delivering inbound messages to ``on_message``."""

    async def stop(self) -> None: ...

    async def send(self, message: Outgoing) -> None:
        """Deliver one message; raise ``SendError`` on failure."""

    def health(self) -> dict: ...


def split_text(text: str, limit: int, size: Callable[[str], int] = len) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` (measured by ``size``).

    Prefers line boundaries; an overlong line is cut between characters.
    """
    if limit < 4:
        raise ValueError("limit too small")
    if size(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    cur, cur_len = "", 0

    def flush() -> None:
        nonlocal cur, cur_len
        piece = cur.rstrip("\n")
        if piece:
            chunks.append(piece)
        cur, cur_len = "", 0

    for line in text.splitlines(keepends=True):
        n = size(line)
        if cur_len + n <= limit:
            cur += line
            cur_len += n
            continue
        flush()
        if n <= limit:
            cur, cur_len = line, n
            continue
        for ch in line:  # an overlong line: cut between characters
            b = size(ch)
            if cur_len + b > limit:
                flush()
            cur += ch
            cur_len += b
    flush()
    return chunks


class RecentKeys:
    """The last ``size`` idempotency keys a transport delivered, in this process."""

    def __init__(self, size: int = 10_000) -> None:
        from collections import OrderedDict

        self.size = size
        self._keys: OrderedDict[Hashable, None] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, key: Hashable | None) -> None:
        if key is None:
            return
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self.size:
            self._keys.popitem(last=False)
