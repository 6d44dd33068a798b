"""Who may read the JSON and spreadsheet routes.

The simulator page and its API, ``/healthz`` and platform callbacks (which carry
their own signatures) are open. Everything else under ``/api/`` holds residents'
names, tickets and points, so:

- with ``API_TOKEN`` set, a request needs ``Authorization: Bearer <token>``, or a
  link signature (``?sig=``) that the bot made for that exact path (the monthly
  report link it sends to secretaries);
- without it, only requests from this machine are served — enough for the
  simulator and local scripts, and safe when the server must face the internet
  for the WeCom callback.
"""
from __future__ import annotations

import hmac
from ipaddress import ip_address

from aiohttp import web

from bot.services.visibility import OPERATOR, Viewer
from bot.signing import link_signature

OPEN_PREFIXES = ("/api/sim/",)


def _local(request: web.Request) -> bool:
    try:
        return ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


def allowed(request: web.Request, token: str | None) -> bool:
    path = request.path
    if not path.startswith("/api/") or path.startswith(OPEN_PREFIXES):
        return True
    if not token:
        return _local(request)
    given = request.headers.get("Authorization", "")
    if given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token):
        return True
    sig = request.query.get("sig", "")
    return bool(sig) and hmac.compare_digest(sig, link_signature(token, path))


def viewer_of(request: web.Request) -> Viewer:
    """Who a request reads as (bot.services.visibility). Every request this module lets into
    ``/api/`` comes from this machine, the API token or a link the bot signed for a
    secretary: the operator. A per-person login would return that person here."""
    return OPERATOR


def middleware(token: str | None):
    @web.middleware
    async def require_access(request: web.Request, handler):
        if not allowed(request, token):
            from bot.web.app import json_error

            return json_error(401 if token else 403,
                              "API_TOKEN required" if token else "set API_TOKEN to serve /api/ beyond this machine")
        return await handler(request)

    return require_access
