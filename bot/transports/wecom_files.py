"""Images and files through a WeCom group robot (issue 12: the 验收 photos, where a room has a robot).

The webhook API has two ways, both tried against a local stand-in in tests/transports/test_wecom_files.py:
- an image goes inline: ``{"msgtype": "image", "image": {"base64", "md5"}}``, JPG or PNG of at
  most 2 MB before base64. A kept photo larger than that is scaled down (bot.files.sniff.shrink_jpeg);
  one that cannot be is sent as a file instead;
- any other file is uploaded first (``POST /cgi-bin/webhook/upload_media?key=KEY&type=file``,
  multipart field ``media``, 5 bytes to 20 MB) and then sent by its ``media_id``
  (``{"msgtype": "file", "file": {"media_id"}}``). A media id is valid three days and only for the
  robot that uploaded it: ids are kept per (robot, SHA-256) for less than that, and a send refused
  with "invalid media_id" (40007: expired, or unknown after a restart on WeCom's side) uploads again
  once. The robot key is the only credential: there is no access token to renew.
A 智能机器人 ``response_url`` reply carries markdown or a template card only, so a private chat
(or a room without a robot) gets the text with a note instead (``Transport.send_file``'s default).
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from typing import Callable

import aiohttp

from bot.files.sniff import shrink_jpeg
from bot.transports.base import SendError
from bot.transports.wecom import WeComWebhookSender, post_json

log = logging.getLogger(__name__)

IMAGE_LIMIT = 2 * 1024 * 1024  # bytes before base64
FILE_MIN, FILE_LIMIT = 6, 20 * 1024 * 1024  # "5 B to 20 MB"
MEDIA_TTL = 2.5 * 24 * 3600  # seconds a media id is reused (WeCom keeps it three days)
ERR_INVALID_MEDIA_ID = 40007


class WebhookFiles:
    """Send images and files to robots through ``webhook`` (its rate limits and blocks apply)."""

    def __init__(self, webhook: WeComWebhookSender, *, media_ttl: float = MEDIA_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.webhook = webhook
        self.media_ttl = media_ttl
        self.clock = clock
        self._media: dict[tuple[str, str], tuple[str, float]] = {}  # (key, sha256) → (media_id, expires)
        self.uploads = 0

    async def send_image(self, key: str, name: str, data: bytes) -> str:
        """The image inline; as a file if it cannot be made JPG/PNG ≤ 2 MB. Returns the msgtype used."""
        fitted = data if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) <= IMAGE_LIMIT else None
        if fitted is None:
            fitted = await asyncio.to_thread(shrink_jpeg, data, IMAGE_LIMIT)
        if fitted is None:
            log.info("image %s cannot be fitted into 2 MB: sent as a file", name)
            await self.send_file(key, name, data)
            return "file"
        body = {"msgtype": "image", "image": {"base64": base64.b64encode(fitted).decode("ascii"),
                                              "md5": hashlib.md5(fitted).hexdigest()}}  # noqa: S324 - WeCom's checksum
        await self.webhook._post(key, body)
        return "image"

    async def send_file(self, key: str, name: str, data: bytes) -> None:
        """Upload (or reuse a fresh upload of) ``data``, then send it by media id."""
        if not FILE_MIN <= len(data) <= FILE_LIMIT:
            raise SendError(f"file of {len(data)} bytes: a robot takes 5 B to 20 MB", retryable=False)
        digest = hashlib.sha256(data).hexdigest()
        media_id = await self._media_id(key, name, data, digest)
        try:
            await self.webhook._post(key, {"msgtype": "file", "file": {"media_id": media_id}})
        except SendError as exc:
            if getattr(exc, "errcode", None) != ERR_INVALID_MEDIA_ID:
                raise
            log.info("WeCom robot ...%s: media id expired, uploading again", key[-4:])
            self._media.pop((key, digest), None)
            media_id = await self._media_id(key, name, data, digest)
            await self.webhook._post(key, {"msgtype": "file", "file": {"media_id": media_id}})

    async def _media_id(self, key: str, name: str, data: bytes, digest: str) -> str:
        cached = self._media.get((key, digest))
        if cached is not None and cached[1] > self.clock():
            return cached[0]
        form = aiohttp.FormData(quote_fields=False)  # the name as written (UTF-8), not percent-encoded
        form.add_field("media", data, filename=name or "file", content_type="application/octet-stream")
        url = f"{self.webhook.base_url}/cgi-bin/webhook/upload_media?key={key}&type=file"
        reply = await post_json(self.webhook.session, url, None, "upload_media", form=form, timeout=60)
        media_id = reply.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise SendError("upload_media: no media_id in the answer", retryable=True)
        self.uploads += 1
        self._media[(key, digest)] = (media_id, self.clock() + self.media_ttl)
        return media_id
