"""The interface every platform adapter implements."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Awaitable, Callable, Hashable

from aiohttp import web

from bot.messages import IncomingMessage, Outgoing

# What a transport calls for each inbound message; the dispatcher provides it (and returns
# the rows it queued, which only the simulator's web route reads).
InboundHandler = Callable[[IncomingMessage], Awaitable[Any]]


class SendError(Exception):
    """A send failed. ``retryable`` says whether trying again may help; ``account_state``
    (``"limited"``, ``"logged_out"``, ``"banned"``) that the account itself can no longer send."""

    def __init__(self, message: str, *, retryable: bool = True, account_state: str | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.account_state = account_state


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


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """An image or file to send with a message's text (the text goes as its caption)."""

    name: str
    data: bytes
    media_type: str = "application/octet-stream"
    # A signed, expiring link to the same file when the bot has a public address (PUBLIC_BASE_URL):
    # for platforms that can show a picture by its address but not upload one (WeCom response_url).
    url: str | None = None

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


# A room-join event (e.g. ``bot.transports.wechaty_mapping.RoomJoin``) → the runtime's welcome.
RoomJoinHandler = Callable[[Any], Awaitable[None]]


class Transport:
    """What a chat platform can do, with defaults; every transport subclasses this.

    Required: ``name``, ``start``, ``send``. The rest has defaults that a platform
    overrides where it can do more; the runtime, the outbox sender and the web app
    read only what is declared here:

    - ``send(message, idempotency_key=None)``: deliver one text (raise ``SendError``).
      With ``accepts_idempotency_key`` the transport promises not to deliver the same
      key twice (as far as the platform lets it: see ``bot.sender``); the sender passes
      a stable key per piece of each outbox row either way.
    - ``send_file(message, file, ...)``: an image or file with ``message.text``;
      default (``can_send_files = False``): the text alone, with a line saying what
      could not be sent.
    - ``can_mention``: whether ``Outgoing.to``/``mentions`` become real mentions (else
      the text is delivered and nobody is notified by name).
    - ``limits``, ``rate_key``, ``split_text``: how fast and in what pieces to send.
    - ``web_routes()``: routes the web app mounts (a platform's callback URL).
    - ``on_room_join``: set by the runtime; a transport with room-join events calls it.
    - ``health()``: the state of the platform accounts, for ``/healthz``.
    """

    name: str = "transport"
    limits: SendLimits = NO_LIMITS
    accepts_idempotency_key: bool = False
    can_mention: bool = True
    can_send_files: bool = False
    on_room_join: RoomJoinHandler | None = None

    async def start(self, on_message: InboundHandler) -> None:
        """Connect and start delivering inbound messages to ``on_message``."""
        raise NotImplementedError

    async def stop(self) -> None:
        return None

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        """Deliver one message; raise ``SendError`` on failure."""
        raise NotImplementedError

    async def send_file(self, message: Outgoing, file: OutgoingFile, idempotency_key: str | None = None) -> None:
        """Deliver ``file`` with ``message.text``; by default the text with a note instead."""
        from bot.replies import say

        note = say("file_not_sent_image" if file.is_image else "file_not_sent", name=file.name)
        text = f"{message.text}\n{note}" if message.text else str(note)
        await self.send(replace(message, text=text), idempotency_key)

    def split_text(self, text: str) -> list[str]:
        """The pieces a long text is sent in; by default one."""
        return [text]

    def rate_key(self, message: Outgoing) -> Hashable | None:
        """The key ``limits.per_key`` counts for ``message`` (a WeCom robot, say)."""
        return None

    def web_routes(self) -> list[web.RouteDef]:
        return []

    def health(self) -> dict:
        return {"transport": self.name}


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
