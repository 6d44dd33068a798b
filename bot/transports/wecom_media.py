"""What a WeCom 智能机器人 callback carries besides text, as neutral attachments (issue 12).

Images, files and videos arrive as a download URL whose bytes are AES-256-CBC encrypted
(bot.transports.wecom_crypto.WeComCrypto.decrypt_file); the callback passes a ``fetcher``
that downloads and decrypts only when the bot asks for the bytes.
"""
from __future__ import annotations

from typing import Awaitable, Callable

from bot import bounds
from bot.messages import FILE, IMAGE, LOCATION, STICKER, UNKNOWN, VIDEO, VOICE, Attachment

# The most a download from WeCom keeps in memory (the store's own per-kind limits are lower).
MAX_FETCH = 64 * 1024 * 1024
Fetcher = Callable[[str, "str | None"], Awaitable[bytes]]



def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")  # refused by the bot as impossible coordinates


def attachments_of(msg: dict, fetcher: Fetcher | None) -> tuple[Attachment, ...]:
    """What a 智能机器人 message carries besides text: ``image``/``file`` (an encrypted
    download URL, optional ``aeskey``), ``mixed`` (text and images), ``voice`` (WeCom's
    transcript only, no audio), ``location`` (latitude, longitude, name, address); a sticker, and any
    other message type (the bot says in a private chat that it cannot read it)."""
    def remote(kind: str, body: object) -> Attachment | None:
        if not isinstance(body, dict) or not isinstance(body.get("url"), str) or not body["url"]:
            return None
        url, aeskey = body["url"], body.get("aeskey") if isinstance(body.get("aeskey"), str) else None
        fetch = (lambda: fetcher(url, aeskey)) if fetcher is not None else None
        name = body.get("filename") or body.get("name")
        return Attachment(kind=kind, name=str(name)[:200] if name else None, fetch=fetch, url=url)

    mt = msg.get("msgtype")
    found: list[Attachment | None] = []
    if mt == "image":
        found.append(remote(IMAGE, msg.get("image")))
    elif mt == "file":
        found.append(remote(FILE, msg.get("file")))
    elif mt == "video":
        found.append(remote(VIDEO, msg.get("video")))
    elif mt == "mixed":
        mixed = msg.get("mixed") or {}
        if isinstance(mixed, str):
            mixed = bounds.json_body(mixed)
        for item in mixed.get("msg_item", []) if isinstance(mixed, dict) else []:
            if isinstance(item, dict) and item.get("msgtype") == "image":
                found.append(remote(IMAGE, item.get("image")))
    elif mt == "voice":
        content = str((msg.get("voice") or {}).get("content", ""))
        found.append(Attachment(kind=VOICE, transcript=content or None))
    elif mt == "location":
        loc = msg.get("location") or {}
        if isinstance(loc, dict):
            found.append(Attachment(
                kind=LOCATION, latitude=_number(loc.get("latitude", loc.get("lat"))),
                longitude=_number(loc.get("longitude", loc.get("lng", loc.get("lon")))),
                address=str(loc.get("address") or loc.get("label") or "")[:300] or None,
                title=str(loc.get("name") or "")[:100] or None))
    elif mt in ("emotion", "sticker"):
        found.append(Attachment(kind=STICKER))  # the bot stays quiet about it (bot.messages.SILENT_KINDS)
    elif isinstance(mt, str) and mt not in ("text", "event", "stream") and isinstance(msg.get("from"), dict) \
            and msg["from"].get("userid"):
        found.append(Attachment(kind=UNKNOWN, title=mt[:40]))  # a type WeCom added: said so in private
    return tuple(a for a in found if a is not None)
