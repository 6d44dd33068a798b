"""GET /files/{key}: a stored photo or file, for a signed link that has not expired.

Links are made by bot.services.attachments.link (read API, exports, the simulator's
feed) and carry ``exp`` and ``sig``; the signature covers the path and the expiry, so a
link opens exactly one file until it expires. No other way in: this route is outside
/api/ and checks its own signature (bot/web/auth.py lets it through like a callback).
"""
from __future__ import annotations

import time

from aiohttp import web

from bot.files.store import store_for, valid_key
from bot.replies import say
from bot.signing import check_expiring, file_key

_TYPES = {"jpg": "image/jpeg", "png": "image/png", "amr": "audio/amr", "silk": "audio/silk", "mp3": "audio/mpeg",
          "ogg": "audio/ogg", "wav": "audio/wav", "m4a": "audio/mp4", "mp4": "video/mp4", "mov": "video/quicktime",
          "pdf": "application/pdf", "txt": "text/plain; charset=utf-8"}


async def get_file(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    settings = request.app[RUNTIME].settings
    key = f"{request.match_info['prefix']}/{request.match_info['name']}"
    if not valid_key(key):
        return json_error(404, say("web_file_not_found"))
    if not check_expiring(file_key(settings), f"/files/{key}", request.query.get("exp"), request.query.get("sig"),
                          time.time()):
        return json_error(403, say("web_file_link_invalid"))
    data = await store_for(settings).get(key)
    if data is None:
        return json_error(404, say("web_file_not_found"))
    ext = key.rsplit(".", 1)[-1]
    return web.Response(body=data, headers={
        "Content-Type": _TYPES.get(ext, "application/octet-stream"),
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        **({} if ext in ("jpg", "png") else {"Content-Disposition": f'attachment; filename="{key.split("/")[-1]}"'}),
    })


def add_routes(app: web.Application) -> None:
    app.router.add_get("/files/{prefix}/{name}", get_file)
