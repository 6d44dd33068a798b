"""WeChat / WeCom groups through python-wechaty (a puppet service).

``WechatyTransport`` implements the Transport protocol. It owns one
``Wechaty`` bot at a time and a supervisor task that connects, watches for
silence and reconnects with exponential backoff (upstream reconnection after
a gateway restart is weak, python-wechaty issue 75).

Upstream behaviour this module works around (not import problems, which live
in ``wechaty_compat``):
- ``Wechaty.start()`` swallows most exceptions, sleeps 60 s on network errors
  and calls ``loop.stop()`` on ``WechatyPuppetError``. We call its public
  steps ourselves (``init_puppet``, ``init_puppet_event_bridge``,
  ``puppet.start()``) so failures reach our backoff loop.
- ``PuppetService.start()`` runs the event stream and returns only when it
  ends: it is awaited as "the connection"; returning means disconnected.
- The plugin manager starts the scheduler at every login, so each connection
  gets a new ``Wechaty`` with a new ``AsyncIOScheduler`` and a free port.
- ``msg.say(..., mention_ids)`` makes no real mention (issue 402):
  ``room.say(text, mention_ids=[...])`` is used.
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from dataclasses import replace
from typing import Any, Awaitable, Callable, Mapping

from bot.messages import Outgoing
from bot.transports.base import (
    InboundHandler,
    OutgoingFile,
    RecentKeys,
    SendError,
    SendLimits,
    Transport,
    split_text,
)
from bot.transports.ratelimit import Clock, MonotonicClock
from bot.transports.wechaty_compat import import_wechaty, reset_caches
from bot.transports.wechaty_mapping import PREFIX, RoomJoin, to_incoming, to_room_join

log = logging.getLogger(__name__)

__all__ = ["RoomJoin", "RoomJoinHandler", "WechatyTransport", "free_port"]


RoomJoinHandler = Callable[[RoomJoin], Awaitable[None]]
DEFAULT_LIMITS = SendLimits(per_account=40, window=60.0, conversation_gap=3.0, switch_pause=(3.0, 5.0))
# WeChat's own text limit is not documented; pieces this long are delivered whole.
DEFAULT_MAX_CHARS = 1500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raw(person_or_room_id: str) -> str:
    return person_or_room_id[len(PREFIX):] if person_or_room_id.startswith(PREFIX) else person_or_room_id


def _bot_class(wechaty: Any) -> type:
    """A Wechaty subclass that reports to the transport.

    Its ``on_*`` hooks are awaited inside the puppet's listeners (``emit``
    handlers would be fire-and-forget tasks), and every emitted event counts
    as a sign of life for the watchdog.
    """

    class GridBotWechaty(wechaty.Wechaty):
        transport: "WechatyTransport"

        def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
            self.transport._touch()
            return super().emit(event, *args, **kwargs)

        async def on_message(self, msg: Any) -> None:
            await self.transport._handle_message(self, msg)

        async def on_room_join(self, room: Any, invitees: list, inviter: Any, date: Any) -> None:
            await self.transport._handle_room_join(self, room, invitees, inviter)

        async def on_login(self, contact: Any) -> None:
            self.transport._logged_in(contact)

        async def on_logout(self, contact: Any) -> None:
            self.transport._logged_out()

    return GridBotWechaty


class WechatyTransport(Transport):
    name = "wechaty"
    can_send_files = True

    def __init__(
        self,
        *,
        puppet: Any = None,  # a wechaty_puppet.Puppet instance (tests); None: puppet service
        token: str | None = None,
        endpoint: str | None = None,
        on_room_join: RoomJoinHandler | None = None,
        silence_timeout: float = 600.0,
        check_interval: float = 30.0,
        backoff_base: float = 2.0,
        backoff_max: float = 300.0,
        jitter: float = 0.1,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        cache_dir: str | None = None,
        limits: SendLimits | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        if puppet is None and not (token or endpoint):
            raise ValueError("need a puppet instance or a puppet service token/endpoint")
        self._puppet = puppet
        self._token, self._endpoint = token, endpoint
        self.on_room_join = on_room_join
        self.silence_timeout = silence_timeout
        self.check_interval = check_interval
        self.backoff_base, self.backoff_max, self.jitter = backoff_base, backoff_max, jitter
        self.clock = clock or MonotonicClock()
        self.rng = rng or random.Random()
        self._cache_dir = cache_dir
        # For the outbox sender (shared/notes/wechaty.md): ≤ 40 a minute per account,
        # ≥ 3 s between messages to one conversation, 3–5 s pause on a switch.
        self.limits = limits if limits is not None else DEFAULT_LIMITS
        self.max_chars = max_chars
        self._delivered = RecentKeys()
        self._on_message: InboundHandler | None = None
        self._bot: Any = None
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._ready = asyncio.Event()
        self.state = "stopped"
        self.self_id: str | None = None
        self.self_name = ""
        self.last_activity = self.clock.now()
        self.connects = 0
        self.failures = 0
        self.received = 0
        self.sent = 0
        self.handler_errors = 0
        self.last_error: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs: Any) -> "WechatyTransport":
        """A transport for the puppet service named by the standard variables
        ``WECHATY_PUPPET_SERVICE_TOKEN`` / ``WECHATY_PUPPET_SERVICE_ENDPOINT``."""
        env = os.environ if environ is None else environ
        return cls(
            token=env.get("WECHATY_PUPPET_SERVICE_TOKEN") or None,
            endpoint=env.get("WECHATY_PUPPET_SERVICE_ENDPOINT") or None,
            **kwargs,
        )

    # -- lifecycle -----------------------------------------------------------
    async def start(self, on_message: InboundHandler) -> None:
        """Start the supervisor; returns at once (login may need a QR scan)."""
        import_wechaty(cache_dir=self._cache_dir)
        self._on_message = on_message
        self._stopping = False
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._supervise(), name="wechaty-supervisor")

    async def wait_ready(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        await self._teardown()
        self.state = "stopped"

    def _touch(self) -> None:
        self.last_activity = self.clock.now()

    def _logged_in(self, contact: Any) -> None:
        self.self_id = contact.contact_id
        self.self_name = contact.name or ""
        self.state = "online"
        self._ready.set()
        log.info("wechaty logged in as %s", self.self_id)

    def _logged_out(self) -> None:
        self.state = "logged_out"
        self._ready.clear()

    def _new_bot(self) -> Any:
        wechaty = import_wechaty(cache_dir=self._cache_dir)
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from wechaty_puppet import PuppetOptions

        reset_caches(wechaty)  # pooled contacts/rooms hold the previous puppet
        options = wechaty.WechatyOptions(
            puppet=self._puppet if self._puppet is not None else "wechaty-puppet-service",
            # A fresh PuppetOptions: the dataclass default instance is shared.
            puppet_options=PuppetOptions(token=self._token, end_point=self._endpoint),
            token=self._token,
            endpoint=self._endpoint,
            port=free_port(),
            scheduler=AsyncIOScheduler(),
        )
        bot = _bot_class(wechaty)(options)
        bot.transport = self
        return bot

    async def _connect(self, bot: Any) -> None:
        await bot.init_puppet()
        # python-wechaty's Contact/Room/Tag pools are class attributes shared by the per-bot
        # subclasses, so with two accounts in one process a room both sit in would be said
        # through whichever bot loaded it first: each bot gets pools of its own (issue 16).
        for name in ("Contact", "ContactSelf", "Room", "Tag"):
            cls = getattr(bot, name, None)
            if cls is not None:
                cls._pool = {}
        await bot.init_puppet_event_bridge(bot.puppet)
        await bot.puppet.start()  # blocks while connected

    async def _watch(self) -> str:
        """Return when nothing was heard for ``silence_timeout`` seconds."""
        pinged = False
        while True:
            idle = self.clock.now() - self.last_activity
            if idle >= self.silence_timeout:
                return "silent"
            if idle >= self.silence_timeout / 2 and not pinged and self._bot is not None:
                pinged = True  # provoke a "dong" from a live service
                try:
                    await self._bot.puppet.ding("gridbot")
                except Exception:  # noqa: BLE001 - not every puppet implements ding
                    pass
            elif idle < self.silence_timeout / 2:
                pinged = False
            await self.clock.sleep(min(self.check_interval, self.silence_timeout - idle))

    def backoff(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2 ** attempt))
        if self.jitter:
            delay *= 1 + self.rng.uniform(-self.jitter, self.jitter)
        return max(0.0, delay)

    async def _supervise(self) -> None:
        attempt = 0
        while not self._stopping:
            self.state = "connecting"
            self._touch()
            conn = watch = None
            try:
                self._bot = self._new_bot()
                self.connects += 1
                conn = asyncio.create_task(self._connect(self._bot))
                watch = asyncio.create_task(self._watch())
                done, _ = await asyncio.wait({conn, watch}, return_when=asyncio.FIRST_COMPLETED)
                if conn in done:
                    exc = conn.exception()
                    reason = f"connection failed: {exc!r}" if exc else "event stream ended"
                else:
                    reason = f"no event for {self.silence_timeout:.0f}s"
            except asyncio.CancelledError:
                for t in (conn, watch):
                    if t is not None:
                        t.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - building the bot failed
                reason = f"start failed: {exc!r}"
            for t in (conn, watch):
                if t is not None and not t.done():
                    t.cancel()
                    await asyncio.gather(t, return_exceptions=True)
            was_online = self.state == "online"
            await self._teardown()
            if self._stopping:
                break
            self.failures += 1
            self.last_error = reason
            if was_online:
                attempt = 0  # it had worked: start the backoff afresh
            delay = self.backoff(attempt)
            attempt += 1
            log.warning("wechaty %s; reconnecting in %.1fs", reason, delay)
            self.state = "backoff"
            await self.clock.sleep(delay)

    async def _teardown(self) -> None:
        bot, self._bot = self._bot, None
        self._ready.clear()
        if bot is None:
            return
        try:
            if bot._puppet is not None:
                await bot.stop()
        except Exception as exc:  # noqa: BLE001
            log.info("wechaty stop: %r", exc)
        scheduler = getattr(bot._plugin_manager, "scheduler", None)
        try:
            if scheduler is not None and scheduler.running:
                scheduler.shutdown(wait=False)
        except Exception:  # noqa: BLE001
            pass

    # -- inbound ---------------------------------------------------------------
    async def _handle_message(self, bot: Any, msg: Any) -> None:
        try:
            if msg.is_self():
                return
            incoming = await to_incoming(bot, msg, self.self_name)
            if incoming is None or self._on_message is None:
                return
            self.received += 1
            await self._on_message(incoming)
        except Exception:  # one bad message must not break the event stream
            self.handler_errors += 1
            log.exception("wechaty message %s not handled", getattr(msg, "message_id", "?"))

    async def _handle_room_join(self, bot: Any, room: Any, invitees: list, inviter: Any) -> None:
        if self.on_room_join is None:
            return
        try:
            event = to_room_join(bot, room, invitees, inviter)
            await self.on_room_join(event)
        except Exception:
            self.handler_errors += 1
            log.exception("wechaty room-join in %s not handled", getattr(room, "room_id", "?"))

    # -- outbound --------------------------------------------------------------
    accepts_idempotency_key = True

    def split_text(self, text: str) -> list[str]:
        return split_text(text, self.max_chars)

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        if not message.text:
            raise SendError("empty message", retryable=False)
        await self._say(message, message.text, idempotency_key)

    async def send_file(self, message: Outgoing, file: OutgoingFile, idempotency_key: str | None = None) -> None:
        """The text (with its mentions), then the image or file as a FileBox."""
        import base64

        from wechaty_puppet import FileBox

        if message.text:
            await self._say(message, message.text, None if idempotency_key is None else f"{idempotency_key}:text")
        box = FileBox.from_base64(base64.b64encode(file.data), name=file.name)
        await self._say(replace(message, mentions=(), to=None if message.room_id else message.to), box,
                        idempotency_key)

    async def _say(self, message: Outgoing, content: Any, idempotency_key: str | None) -> None:
        # WeChat has no idempotency key: a key seen in this process is not sent again.
        if idempotency_key is not None and idempotency_key in self._delivered:
            return
        bot = self._bot
        if bot is None or self.state != "online":
            raise SendError(f"wechaty not online ({self.state})", retryable=True)
        target = message.room_id or message.to
        if not target or not target.startswith(PREFIX):
            raise SendError(f"not a wechaty conversation: {target!r}", retryable=False)
        try:
            if message.room_id:
                ids = [_raw(p) for p in ((message.to,) if message.to else ()) + tuple(message.mentions)]
                mention_ids = list(dict.fromkeys(i for i in ids if i))
                room = bot.Room.load(_raw(message.room_id))
                await room.say(content, mention_ids=mention_ids or None)
            else:
                contact = bot.Contact.load(_raw(message.to))
                await contact.say(content)
        except SendError:
            raise
        except Exception as exc:  # noqa: BLE001 - puppet/network failures
            self.last_error = f"send: {exc!r}"
            # "发送消息过于频繁": the platform limits this account (shared/notes/wechaty.md)
            limited = any(word in str(exc) for word in ("频繁", "too frequent", "rate limit"))
            raise SendError(f"wechaty send failed: {exc!r}", retryable=True,
                            account_state="limited" if limited else None) from exc
        self.sent += 1
        self._delivered.add(idempotency_key)

    def health(self) -> dict:
        return {
            "transport": self.name,
            "state": self.state,
            "self_id": self.self_id,
            "idle_seconds": round(self.clock.now() - self.last_activity, 1),
            "connects": self.connects,
            "failures": self.failures,
            "received": self.received,
            "sent": self.sent,
            "handler_errors": self.handler_errors,
            "last_error": self.last_error,
        }
