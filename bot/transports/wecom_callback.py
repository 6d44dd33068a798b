"""WeCom 智能机器人 (API mode) callbacks on the aiohttp server, and replies.

GET  <path>?msg_signature&timestamp&nonce&echostr  → the decrypted echostr.
POST <path>?msg_signature&timestamp&nonce, body JSON ``{"encrypt": ...}`` (or
XML ``<xml><Encrypt>…</Encrypt></xml>``) → decrypt → JSON message → a neutral
``IncomingMessage``. Refusals are 4xx and logged, never a 500.

Replies go once through the message's ``response_url`` (valid one hour):
``WeComRobotReplier`` remembers them per conversation.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
import xml.etree.ElementTree as ET
from collections import deque
from datetime import datetime, timezone
from typing import Awaitable, Callable, Iterable

import aiohttp
from aiohttp import web

from bot import bounds
from bot.messages import IncomingMessage
from bot.transports.base import SendError
from bot.transports.wecom import MARKDOWN_LIMIT, PREFIX, post_json, split_utf8, strip_prefix
from bot.transports.wecom_crypto import ReplayError, ReplayGuard, SignatureError, WeComCrypto, WeComCryptoError
from bot.transports.wecom_media import MAX_FETCH, Fetcher, attachments_of

log = logging.getLogger(__name__)

RESPONSE_URL_TTL = 3600.0
MAX_BODY = 64 * 1024
_LEADING_MENTION = re.compile(r"^\s*@(\S+)[\s\u2005]*")


class WeComRobotReplier:
    """Reply through ``response_url``: each URL once, within its hour.

    URLs are kept per conversation key (``wecom:<chatid>`` for a group,
    ``wecom:<userid>`` for a private chat) and by message id.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        ttl: float = RESPONSE_URL_TTL,
        clock: Callable[[], float] = time.monotonic,
        max_per_conversation: int = 50,
    ) -> None:
        self.session = session
        self.ttl = ttl
        self.clock = clock
        self.max_per_conversation = max_per_conversation
        self._by_conv: dict[str, deque[tuple[float, str, str]]] = {}

    def remember(self, conversation: str, msg_id: str, response_url: str) -> None:
        if not response_url:
            return
        q = self._by_conv.setdefault(conversation, deque(maxlen=self.max_per_conversation))
        q.append((self.clock() + self.ttl, msg_id, response_url))

    def _prune(self, conversation: str) -> deque | None:
        q = self._by_conv.get(conversation)
        if q is None:
            return None
        now = self.clock()
        while q and q[0][0] <= now:
            q.popleft()
        if not q:
            del self._by_conv[conversation]
            return None
        return q

    def can_reply(self, conversation: str | None) -> bool:
        return bool(conversation) and self._prune(conversation) is not None

    def _take(self, conversation: str, msg_id: str | None) -> str | None:
        q = self._prune(conversation)
        if q is None:
            return None
        if msg_id is not None:
            for item in q:
                if item[1] == msg_id:
                    q.remove(item)
                    return item[2]
            return None
        return q.popleft()[2]  # the one that expires first

    async def reply(
        self,
        conversation: str,
        text: str,
        mentions: Iterable[str] = (),
        *,
        msg_id: str | None = None,
    ) -> None:
        users = [strip_prefix(m) for m in mentions if m]
        content = (" ".join(f"<@{u}>" for u in users) + "\n" + text) if users else text
        pieces = split_utf8(content, MARKDOWN_LIMIT)
        if not pieces:
            raise SendError("empty message", retryable=False)
        # Each response_url works once: a long reply spends one per piece.
        for i, piece in enumerate(pieces):
            url = self._take(conversation, msg_id if i == 0 else None)
            if url is None:
                raise SendError(f"no open response_url for {conversation}", retryable=False)
            body = {"msgtype": "markdown", "markdown": {"content": piece}}
            await post_json(self.session, url, body, "response_url")


def _extract_encrypt(body: str) -> str:
    """The ``encrypt`` field of a JSON or XML callback body; ValueError if absent."""
    s = body.strip()
    if s.startswith("<"):
        if "<!DOCTYPE" in s.upper() or "<!ENTITY" in s.upper():
            raise ValueError("DTDs are not accepted")
        root = ET.fromstring(s)
        node = root.find("Encrypt")
        if node is None or not (node.text or "").strip():
            raise ValueError("no Encrypt element")
        return node.text.strip()
    data = bounds.json_body(s)  # unsigned yet: deep nesting must be a 400, not a RecursionError
    if not isinstance(data, dict):
        raise ValueError("body is not an object")
    enc = data.get("encrypt") or data.get("Encrypt")
    if not isinstance(enc, str) or not enc:
        raise ValueError("no encrypt field")
    return enc


def _text_of(msg: dict) -> str | None:
    mt = msg.get("msgtype")
    if mt == "text":
        return str((msg.get("text") or {}).get("content", ""))
    if mt == "voice":  # WeCom delivers the transcription
        return str((msg.get("voice") or {}).get("content", ""))
    if mt == "mixed":
        mixed = msg.get("mixed") or {}
        if isinstance(mixed, str):
            mixed = bounds.json_body(mixed)
        parts = [
            str((item.get("text") or {}).get("content", ""))
            for item in mixed.get("msg_item", [])
            if isinstance(item, dict) and item.get("msgtype") == "text"
        ]
        return "\n".join(p for p in parts if p)
    return None


def strip_leading_mention(text: str, bot_names: Iterable[str] = ()) -> str:
    names = set(bot_names)
    m = _LEADING_MENTION.match(text)
    if m and (not names or m.group(1) in names):
        return text[m.end():]
    return text


def to_incoming(msg: dict, bot_names: Iterable[str] = (), fetcher: Fetcher | None = None) -> IncomingMessage | None:
    """The neutral message for a decrypted 智能机器人 callback, or None to ignore (events, and
    kinds the bot ignores on purpose such as stickers). ``fetcher(url, aeskey)`` downloads
    and decrypts a linked file when the bot asks for its bytes."""
    attachments = attachments_of(msg, fetcher)
    text = _text_of(msg)
    if text is None and not attachments:
        return None
    text = text or ""
    # Bounded like every edge (bot/bounds.py): ids fit their columns once prefixed, no NUL anywhere.
    userid = bounds.identifier(str((msg.get("from") or {}).get("userid", "")), field="from.userid",
                               limit=bounds.PERSON_ID_MAX - len(PREFIX))
    msgid = bounds.identifier(str(msg.get("msgid", "")), field="msgid", limit=bounds.MSG_ID_MAX)
    group = msg.get("chattype") == "group"
    chatid = bounds.identifier(str(msg.get("chatid", "")), field="chatid", limit=bounds.ROOM_ID_MAX - len(PREFIX),
                               required=group)
    text = bounds.text(text, field="text", limit=bounds.TEXT_MAX)
    quoted = None
    quote = msg.get("quote")
    if isinstance(quote, dict):
        quoted = bounds.text(_text_of(quote), field="quote", limit=bounds.TEXT_MAX, required=False)
    return IncomingMessage(
        platform="wecom",
        msg_id=msgid,
        sender_id=PREFIX + userid,
        sender_name=userid,
        text=strip_leading_mention(text, bot_names).strip() if group else text.strip(),
        room_id=PREFIX + chatid if group else None,
        mentions_bot=group,  # in a group the robot only hears @mentions
        quoted_text=quoted,
        received_at=datetime.now(timezone.utc),
        attachments=attachments,
    )


class WeComCallback:
    def __init__(
        self,
        crypto: WeComCrypto,
        on_message: Callable[[IncomingMessage], Awaitable[None]],
        *,
        guard: ReplayGuard | None = None,
        replier: WeComRobotReplier | None = None,
        bot_names: Iterable[str] = (),
        background: bool = True,
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        self.crypto = crypto
        self.http = http  # for downloads; None: a short-lived session per download
        self.on_message = on_message
        self.guard = guard if guard is not None else ReplayGuard()
        self.replier = replier
        self.bot_names = tuple(bot_names)
        self.background = background
        self._tasks: set[asyncio.Task] = set()

    def _refuse(self, request: web.Request, status: int, reason: str) -> web.Response:
        log.warning("wecom callback refused (%s) from %s: %s", status, request.remote, reason)
        return web.Response(status=status, text="refused")

    def _params(self, request: web.Request) -> tuple[str, str, str] | None:
        q = request.query
        sig, ts, nonce = q.get("msg_signature"), q.get("timestamp"), q.get("nonce")
        if not (sig and ts and nonce):
            return None
        return sig, ts, nonce

    async def handle_get(self, request: web.Request) -> web.Response:
        params, echostr = self._params(request), request.query.get("echostr")
        if params is None or not echostr:
            return self._refuse(request, 400, "missing query parameters")
        sig, ts, nonce = params
        try:
            self.crypto.check_signature(sig, ts, nonce, echostr)
            self.guard.check(ts, nonce)
            plain = self.crypto.verify_url(sig, ts, nonce, echostr)
        except SignatureError as exc:
            return self._refuse(request, 403, str(exc))
        except WeComCryptoError as exc:
            return self._refuse(request, 400, f"{type(exc).__name__}: {exc}")
        return web.Response(text=plain)

    async def handle_post(self, request: web.Request) -> web.Response:
        params = self._params(request)
        if params is None:
            return self._refuse(request, 400, "missing query parameters")
        sig, ts, nonce = params
        try:
            raw = await request.content.read(MAX_BODY + 1)
            if len(raw) > MAX_BODY:
                return self._refuse(request, 413, "body too large")
            encrypt = _extract_encrypt(raw.decode("utf-8"))
        except (ValueError, ET.ParseError, UnicodeDecodeError) as exc:
            return self._refuse(request, 400, f"malformed body: {exc}")
        try:
            # Signature first, so unauthenticated requests cannot fill the nonce cache.
            self.crypto.check_signature(sig, ts, nonce, encrypt)
            self.guard.check(ts, nonce)
            plain = self.crypto.decrypt(sig, ts, nonce, encrypt)
        except (SignatureError, ReplayError) as exc:
            return self._refuse(request, 403, f"{type(exc).__name__}: {exc}")
        except WeComCryptoError as exc:
            return self._refuse(request, 400, f"{type(exc).__name__}: {exc}")
        try:
            msg = bounds.json_body(plain)
            if not isinstance(msg, dict):
                raise ValueError("message is not an object")
            incoming = to_incoming(msg, self.bot_names, fetcher=self.fetch_file)
        except (ValueError, TypeError, AttributeError) as exc:
            return self._refuse(request, 400, f"malformed message: {exc}")
        if incoming is None:
            return web.Response(text="")  # events and unsupported types: acknowledged
        if self.replier is not None:
            self.replier.remember(incoming.room_id or incoming.sender_id, incoming.msg_id, str(msg.get("response_url", "")))
        if self.background:
            # WeCom retries after ~5 s without an answer: reply at once.
            task = asyncio.create_task(self._deliver(incoming))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            await self._deliver(incoming)
        return web.Response(text="")

    async def fetch_file(self, url: str, aeskey: str | None) -> bytes:
        """Download a file a callback linked to and decrypt it (bot.transports.wecom_crypto)."""
        if not url.startswith(("https://", "http://")):
            raise ValueError("not a download URL")
        own = self.http is None
        session = self.http or aiohttp.ClientSession()
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=60)) as resp:
                resp.raise_for_status()
                data = await resp.content.read(MAX_FETCH + 1)
        finally:
            if own:
                await session.close()
        if len(data) > MAX_FETCH:
            raise ValueError("file too large")
        return self.crypto.decrypt_file(data, aeskey)

    async def _deliver(self, incoming: IncomingMessage) -> None:
        try:
            await self.on_message(incoming)
        except Exception:  # the callback must never turn into a 500
            log.exception("wecom on_message failed for %s", incoming.dedup_key)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def routes(self, path: str = "/wecom/callback") -> list[web.RouteDef]:
        return [web.get(path, self.handle_get), web.post(path, self.handle_post)]


def make_wecom_callback_routes(
    crypto: WeComCrypto,
    on_message: Callable[[IncomingMessage], Awaitable[None]],
    *,
    path: str = "/wecom/callback",
    **kwargs,
) -> list[web.RouteDef]:
    """Routes for ``app.add_routes``; kwargs go to ``WeComCallback``."""
    return WeComCallback(crypto, on_message, **kwargs).routes(path)
