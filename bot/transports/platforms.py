"""Build the real platforms from settings: wechaty (WeChat / WeCom accounts) and WeCom robots.

``bot.runtime.make_transport`` calls these; only the chosen platform's modules
are imported (wechaty is an optional extra).
"""
from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import web

from bot.transports.base import SendLimits
from bot.transports.wecom import DEFAULT_BASE_URL, WeComTransport, WeComWebhookSender


def parse_robot_keys(raw: str | None) -> dict[str, str]:
    """Room → WeCom robot key, from JSON (``{"room": "key"}``) or ``room=key,room=key``.

    Rooms may be written as the chat id or as GridBot's ``wecom:<chatid>``.
    Raises ValueError with a readable message on anything else.
    """
    raw = (raw or "").strip()
    if not raw:
        return {}
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"WECOM_ROBOT_KEYS is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and k and v
                                                 for k, v in data.items()):
            raise ValueError("WECOM_ROBOT_KEYS JSON must map room ids to robot keys (strings)")
        return {k.strip(): v.strip() for k, v in data.items()}
    keys: dict[str, str] = {}
    for item in raw.replace("\n", ",").split(","):
        if not item.strip():
            continue
        room, sep, key = item.partition("=")
        if not sep or not room.strip() or not key.strip():
            raise ValueError(f"WECOM_ROBOT_KEYS entry {item.strip()!r} is not room=key")
        keys[room.strip()] = key.strip()
    return keys


def wechaty_from_settings(settings: Any, **kwargs: Any):
    """A ``WechatyTransport`` for the puppet service in the settings (or the standard env vars)."""
    from bot.transports.wechaty_adapter import WechatyTransport

    if settings.wechaty_switch_pause_max < settings.wechaty_switch_pause_min:
        raise ValueError("WECHATY_SWITCH_PAUSE_MAX must be ≥ WECHATY_SWITCH_PAUSE_MIN")
    limits = SendLimits(
        per_account=settings.wechaty_per_minute or None, window=60.0,
        conversation_gap=settings.wechaty_room_gap_seconds,
        switch_pause=(settings.wechaty_switch_pause_min, settings.wechaty_switch_pause_max)
        if settings.wechaty_switch_pause_max > 0 else None,
    )
    token = settings.wechaty_puppet_service_token
    endpoint = settings.wechaty_puppet_service_endpoint
    if not (token or endpoint):
        raise ValueError("TRANSPORT=wechaty needs WECHATY_PUPPET_SERVICE_TOKEN and/or WECHATY_PUPPET_SERVICE_ENDPOINT")
    return WechatyTransport(token=token, endpoint=endpoint, limits=limits, max_chars=settings.wechaty_max_chars,
                            silence_timeout=settings.wechaty_silence_timeout_seconds, **kwargs)


class ManagedWeComTransport(WeComTransport):
    """``WeComTransport`` that owns its HTTP session and serves the 智能机器人 callback.

    The session, webhook sender, replier and callback are built in ``start``
    (inside the event loop); ``web_routes`` are mounted by ``bot.web.app`` and
    answer 503 until then.
    """

    def __init__(self, *, robot_keys: dict[str, str], token: str | None, aes_key: str | None,
                 callback_path: str = "/wecom/callback", bot_names: tuple[str, ...] = (),
                 markdown: bool = False, base_url: str = DEFAULT_BASE_URL, per_minute: int = 20) -> None:
        super().__init__(markdown=markdown, limits=SendLimits(per_key=per_minute, window=60.0))
        from bot.transports.wecom_crypto import WeComCrypto

        if bool(token) != bool(aes_key):
            raise ValueError("set both WECOM_TOKEN and WECOM_ENCODING_AES_KEY, or neither")
        if not robot_keys and not token:
            raise ValueError("TRANSPORT=wecom needs WECOM_ROBOT_KEYS and/or WECOM_TOKEN + WECOM_ENCODING_AES_KEY")
        self.robot_keys, self.base_url, self.per_minute = robot_keys, base_url, per_minute
        self.crypto = WeComCrypto(token, aes_key) if token else None
        # the webhook sender and the replier themselves are built in start()
        self.can_send_files = bool(robot_keys) or self.crypto is not None
        self.callback_path, self.bot_names = callback_path, bot_names
        self.callback = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self, on_message) -> None:
        from bot.transports.wecom_callback import WeComCallback, WeComRobotReplier

        await super().start(on_message)
        self._session = aiohttp.ClientSession()
        if self.robot_keys:
            self.webhook = WeComWebhookSender(self._session, self.robot_keys, base_url=self.base_url,
                                              per_minute=self.per_minute)
        if self.crypto is not None:
            self.replier = WeComRobotReplier(self._session)
            self.callback = WeComCallback(self.crypto, self.inbound, replier=self.replier, bot_names=self.bot_names,
                                          http=self._session)

    async def stop(self) -> None:
        if self.callback is not None:
            await self.callback.drain()
            self.callback = None
        await super().stop()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def web_routes(self) -> list[web.RouteDef]:
        if self.crypto is None:
            return []

        async def on_get(request: web.Request) -> web.Response:
            if self.callback is None:
                return web.Response(status=503, text="not started")
            return await self.callback.handle_get(request)

        async def on_post(request: web.Request) -> web.Response:
            if self.callback is None:
                return web.Response(status=503, text="not started")
            return await self.callback.handle_post(request)

        return [web.get(self.callback_path, on_get), web.post(self.callback_path, on_post)]

    def health(self) -> dict:
        return {**super().health(), "callback": self.callback_path if self.crypto else None}


def wecom_from_settings(settings: Any) -> ManagedWeComTransport:
    names = tuple(n.strip() for n in (settings.wecom_bot_names or "").split(",") if n.strip())
    return ManagedWeComTransport(
        robot_keys=parse_robot_keys(settings.wecom_robot_keys), token=settings.wecom_token or None,
        aes_key=settings.wecom_encoding_aes_key or None, callback_path=settings.wecom_callback_path,
        bot_names=names, markdown=settings.wecom_markdown, base_url=settings.wecom_webhook_base_url,
        per_minute=settings.wecom_robot_per_minute,
    )
