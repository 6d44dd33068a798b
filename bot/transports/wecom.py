"""WeCom outbound: group robot webhooks, and the WeCom transport.

- ``WeComWebhookSender`` posts text/markdown to a group robot webhook
  (``/cgi-bin/webhook/send?key=KEY``), one robot key per room, splitting long
  text at the platform's byte limits and keeping each robot under 20 messages
  a minute (errcode 130101 otherwise, and a ~10 minute block).
- ``WeComTransport`` implements the Transport protocol: inbound comes from the
  智能机器人 callback (``bot.transports.wecom_callback``), outbound goes to the
  room's robot webhook if one is configured, else once through the
  ``response_url`` of a recent callback message in that conversation.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Mapping

import aiohttp

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
from bot.transports.ratelimit import Clock, MonotonicClock, SlidingWindowLimiter

if TYPE_CHECKING:
    from bot.transports.wecom_files import WebhookFiles

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"
TEXT_LIMIT = 2048  # bytes, UTF-8
MARKDOWN_LIMIT = 4096
ROBOT_PER_MINUTE = 20
ERR_TOO_FREQUENT = 130101
# Codes worth retrying later: system busy, frequency limits, concurrency limit.
TRANSIENT_ERRCODES = frozenset({-1, ERR_TOO_FREQUENT, 45009, 45033, 45011})
BLOCK_AFTER_130101 = 600.0  # seconds: WeCom blocks the robot for ~10 minutes
PREFIX = "wecom:"


def split_utf8(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-8 bytes.

    Prefers line boundaries; a single overlong line is cut between
    characters, so no multi-byte character is ever broken.
    """
    return split_text(text, limit, _utf8_len)


def _utf8_len(s: str) -> int:
    return len(s.encode("utf-8"))


def strip_prefix(person_id: str) -> str:
    return person_id[len(PREFIX):] if person_id.startswith(PREFIX) else person_id


async def post_json(session: aiohttp.ClientSession, url: str, body: dict | None, what: str, *,
                    form: aiohttp.FormData | None = None, timeout: float = 15) -> dict:
    """POST ``body`` as JSON (or ``form`` as multipart: an upload); map WeCom/HTTP failures to ``SendError``."""
    try:
        async with session.post(url, json=body if form is None else None, data=form,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            if resp.status >= 500 or resp.status == 429:
                raise SendError(f"{what}: HTTP {resp.status}", retryable=True)
            if resp.status >= 400:
                raise SendError(f"{what}: HTTP {resp.status}", retryable=False)
            try:
                data = await resp.json(content_type=None)
            except (ValueError, aiohttp.ContentTypeError) as exc:
                raise SendError(f"{what}: response is not JSON", retryable=True) from exc
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise SendError(f"{what}: network error: {exc!r}", retryable=True) from exc
    if not isinstance(data, dict):
        raise SendError(f"{what}: unexpected response", retryable=True)
    code = data.get("errcode", 0)
    if code:
        err = SendError(
            f"{what}: errcode {code} {data.get('errmsg', '')}".strip(),
            retryable=code in TRANSIENT_ERRCODES,
        )
        err.errcode = code  # type: ignore[attr-defined]
        raise err
    return data


class WeComWebhookSender:
    """Send to WeCom group robots; ``keys`` maps room id → robot key."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        keys: Mapping[str, str],
        *,
        base_url: str = DEFAULT_BASE_URL,
        clock: Clock | None = None,
        per_minute: int = ROBOT_PER_MINUTE,
        max_wait: float = 90.0,
    ) -> None:
        self.session = session
        self.keys = dict(keys)
        self.base_url = base_url.rstrip("/")
        self.clock = clock or MonotonicClock()
        self.limiter = SlidingWindowLimiter(per_minute, 60.0, self.clock)
        self.max_wait = max_wait
        self._blocked_until: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def key_for(self, room_id: str | None) -> str | None:
        if not room_id:
            return None
        return self.keys.get(room_id) or self.keys.get(strip_prefix(room_id))

    async def _post(self, key: str, body: dict) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one robot's sends in order, and counted exactly
            blocked = self._blocked_until.get(key, 0.0) - self.clock.now()
            if blocked > 0:
                raise SendError(f"robot blocked for {blocked:.0f}s more", retryable=True)
            delay = self.limiter.delay(key)
            if delay > self.max_wait:
                raise SendError(f"robot rate limit: {delay:.0f}s to wait", retryable=True)
            await self.limiter.acquire(key)
            url = f"{self.base_url}/cgi-bin/webhook/send?key={key}"
            try:
                await post_json(self.session, url, body, "webhook")
            except SendError as exc:
                if getattr(exc, "errcode", None) == ERR_TOO_FREQUENT:
                    self._blocked_until[key] = self.clock.now() + BLOCK_AFTER_130101
                    log.warning("WeCom robot ...%s hit the rate limit (130101)", key[-4:])
                raise

    async def send_text(self, key: str, text: str, mentions: tuple[str, ...] | list[str] = ()) -> int:
        """Send text, split at 2048 bytes; mentions go with the first piece."""
        pieces = split_utf8(text, TEXT_LIMIT)
        if not pieces:
            raise SendError("empty message", retryable=False)
        users = [strip_prefix(m) for m in mentions if m]
        for i, piece in enumerate(pieces):
            body: dict = {"msgtype": "text", "text": {"content": piece}}
            if users and i == 0:
                body["text"]["mentioned_list"] = users
            await self._post(key, body)
        return len(pieces)

    async def send_markdown(self, key: str, content: str, mentions: tuple[str, ...] | list[str] = ()) -> int:
        """Send markdown, split at 4096 bytes; mentions as ``<@userid>``."""
        users = [strip_prefix(m) for m in mentions if m]
        if users:
            content = " ".join(f"<@{u}>" for u in users) + "\n" + content
        pieces = split_utf8(content, MARKDOWN_LIMIT)
        if not pieces:
            raise SendError("empty message", retryable=False)
        for piece in pieces:
            await self._post(key, {"msgtype": "markdown", "markdown": {"content": piece}})
        return len(pieces)


class WeComTransport(Transport):
    """The WeCom platform: robot webhooks out, 智能机器人 callbacks in."""

    name = "wecom"

    def __init__(
        self,
        webhook: WeComWebhookSender | None = None,
        replier=None,  # bot.transports.wecom_callback.WeComRobotReplier
        *,
        markdown: bool = False,
        limits: SendLimits | None = None,
    ) -> None:
        self.webhook = webhook
        self.replier = replier
        self.markdown = markdown
        # For the outbox sender: 20 a minute per robot key (see ``rate_key``).
        self.limits = limits or SendLimits(per_key=ROBOT_PER_MINUTE, window=60.0)
        self._delivered = RecentKeys()
        # Robots send images and files (bot.transports.wecom_files); a response_url reply shows a
        # picture by its signed link in markdown (``OutgoingFile.url``), else says it was not sent.
        self.can_send_files = webhook is not None or replier is not None
        self._files: WebhookFiles | None = None
        self.on_message: InboundHandler | None = None
        self.sent = 0
        self.failed = 0
        self.last_error: str | None = None

    async def start(self, on_message: InboundHandler) -> None:
        # Inbound arrives through the callback routes, which call
        # ``self.inbound``; there is no connection to open.
        self.on_message = on_message

    async def stop(self) -> None:
        self.on_message = None

    async def inbound(self, message) -> None:
        if self.on_message is None:
            raise RuntimeError("WeCom transport not started")
        await self.on_message(message)

    accepts_idempotency_key = True

    def rate_key(self, message: Outgoing) -> tuple[str, str] | None:
        key = self.webhook.key_for(message.room_id) if self.webhook else None
        return ("robot", key) if key else None

    def split_text(self, text: str) -> list[str]:
        # Markdown pieces keep room for the "<@userid>" mentions put in front.
        return split_utf8(text, MARKDOWN_LIMIT - 512 if self.markdown else TEXT_LIMIT)

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        # The webhook API has no idempotency key: a key seen in this process is not sent again.
        if idempotency_key is not None and idempotency_key in self._delivered:
            return
        mentions = list(message.mentions)
        if message.room_id and message.to and message.to not in mentions:
            mentions.insert(0, message.to)
        try:
            key = self.webhook.key_for(message.room_id) if self.webhook else None
            if key is not None:
                if self.markdown:
                    await self.webhook.send_markdown(key, message.text, mentions)
                else:
                    await self.webhook.send_text(key, message.text, mentions)
            elif self.replier is not None and self.replier.can_reply(message.room_id or message.to):
                await self.replier.reply(message.room_id or message.to, message.text, mentions)
            else:
                raise SendError(
                    f"no robot key or open response_url for {message.room_id or message.to}",
                    retryable=False,
                )
        except SendError as exc:
            self.failed += 1
            self.last_error = str(exc)
            raise
        self.sent += 1
        self._delivered.add(idempotency_key)

    async def send_file(self, message: Outgoing, file: OutgoingFile, idempotency_key: str | None = None) -> None:
        """In a room with a robot: the text (with its mentions), then the image or file itself.
        Elsewhere (a private chat, a room answered through response_url, markdown only) the text
        with the picture shown by its signed link (``file.url``, when the bot has a public
        address), or else with a note that it could not be sent."""
        key = self.webhook.key_for(message.room_id) if self.webhook else None
        if key is None:
            conversation = message.room_id or message.to
            if file.url and self.replier is not None and self.replier.can_reply(conversation):
                shown = f"![{file.name}]({file.url})" if file.is_image else f"[{file.name}]({file.url})"
                text = f"{message.text}\n{shown}" if message.text else shown
                await self.send(replace(message, text=text), idempotency_key)
                return
            await super().send_file(message, file, idempotency_key)
            return
        if idempotency_key is not None and idempotency_key in self._delivered:
            return
        if message.text:
            await self.send(message, None if idempotency_key is None else f"{idempotency_key}:text")
        from bot.transports.wecom_files import WebhookFiles

        if self._files is None or self._files.webhook is not self.webhook:
            self._files = WebhookFiles(self.webhook)
        try:
            if file.is_image:
                await self._files.send_image(key, file.name, file.data)
            else:
                await self._files.send_file(key, file.name, file.data)
        except SendError as exc:
            self.failed += 1
            self.last_error = str(exc)
            raise
        self.sent += 1
        self._delivered.add(idempotency_key)

    def health(self) -> dict:
        return {
            "transport": self.name,
            "started": self.on_message is not None,
            "robots": len(self.webhook.keys) if self.webhook else 0,
            "sent": self.sent,
            "failed": self.failed,
            "last_error": self.last_error,
        }
