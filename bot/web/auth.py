"""Who may use ``/api/`` (the simulator's API, the read API, spreadsheets), and what start-up refuses.

Every ``/api/`` request, token or not:
- its ``Host`` must name this server: 127.0.0.1, localhost, [::1], ``HTTP_HOST`` when it is one
  address, the host of ``PUBLIC_BASE_URL`` and ``HTTP_ALLOWED_HOSTS`` (a page on another site that
  re-points its own name at 127.0.0.1 — DNS rebinding — sends its own name and is refused);
- an ``Origin``, when sent, must be this same server (a browser sends one on every cross-site
  ``fetch`` or form ``POST``);
- a ``POST`` must be ``Content-Type: application/json`` (browsers cannot send that cross-site
  without a CORS preflight, which this server never grants).

Then:
- with ``API_TOKEN`` set, ``Authorization: Bearer <token>`` is required — simulator included — or a
  link signature (``?sig=``) the bot made for that exact path (the report links it sends in chat);
- without it, ``/api/`` serves only the simulator page on this machine: ``TRANSPORT=sim``, a
  loopback peer, and no sign of a reverse proxy (``Forwarded``, ``X-Forwarded-*``, ``X-Real-IP``).
  The peer address alone proves nothing behind a proxy (every caller is 127.0.0.1 there), and a
  forwarded header never grants access, whatever address it claims.

Start-up (``check_exposure``) refuses a platform transport without ``API_TOKEN`` and the simulator
on a non-loopback ``HTTP_HOST`` without ``API_TOKEN``; ``describe_exposure`` is the log line
saying what is served where.
"""
from __future__ import annotations

import hmac
from ipaddress import ip_address

from aiohttp import web
from yarl import URL

from bot.replies import say
from bot.services.visibility import OPERATOR, Viewer
from bot.signing import link_signature

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower().strip("[]") in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(settings) -> frozenset[str]:
    names = set(LOOPBACK_NAMES)
    host = (settings.http_host or "").strip().lower().strip("[]")
    if host and host not in ("0.0.0.0", "::"):
        names.add(host)
    if settings.public_base_url:
        public = URL(settings.public_base_url).host
        if public:
            names.add(public.lower())
    extra = getattr(settings, "http_allowed_hosts", "") or ""
    names.update(n.strip().lower().strip("[]") for n in extra.split(",") if n.strip())
    return frozenset(names)


def viewer_of(request: web.Request) -> Viewer:
    """Who a request reads as (bot.services.visibility). Every request this module lets into
    ``/api/`` comes from this machine, the API token or a link the bot signed for a
    secretary: the operator. A per-person login would return that person here."""
    return OPERATOR


def _host_and_port(value: str) -> tuple[str, int | None] | None:
    """("example.org", 8080) for "example.org:8080"; None if it does not parse."""
    try:
        url = URL("http://" + value)
        host = url.host
        explicit = url.explicit_port
    except (ValueError, TypeError):
        return None
    if not host or url.path not in ("", "/") or url.user or url.query_string:
        return None
    return host.lower().rstrip("."), explicit


class Access:
    """The policy for one app, built from settings once."""

    def __init__(self, settings) -> None:
        self.token = settings.api_token or None
        self.simulator = settings.transport == "sim"
        self.transport = settings.transport
        self.hosts = allowed_hosts(settings)
        self.metrics_token = getattr(settings, "metrics_token", None) or None

    def refusal(self, request: web.Request) -> tuple[int, str] | None:
        """(status, Chinese message) when the request must be refused, else None."""
        path = request.path
        if path == "/metrics":
            return self._metrics_refusal(request)
        if path != "/" and not path.startswith("/api/"):
            return None  # /healthz, platform callbacks (they carry their own signatures)
        host_header = request.headers.get("Host", "")
        host = _host_and_port(host_header)
        if host is None or host[0] not in self.hosts:
            return 403, say("web_host_refused", host=host_header[:100])
        origin = request.headers.get("Origin")
        if origin is not None and not self._same_origin(origin, host):
            return 403, say("web_origin_refused", origin=origin[:100])
        if path == "/":
            return None  # the page itself holds no data
        if request.method in WRITE_METHODS and request.content_type != "application/json":
            return 415, say("web_json_only")
        if self.token:
            return None if self._token_given(request, path) else (401, say("web_token_required"))
        if not self.simulator:
            return 403, say("web_platform_needs_token", transport=self.transport)
        if any(h in request.headers for h in PROXY_HEADERS) or not is_loopback(request.remote):
            return 403, say("web_local_only")
        return None

    def _metrics_refusal(self, request: web.Request) -> tuple[int, str] | None:
        """``/metrics`` (bot/web/metrics.py): METRICS_TOKEN as a bearer token, else loopback and unproxied."""
        if self.metrics_token:
            given = request.headers.get("Authorization", "")
            ok = given.startswith("Bearer ") and hmac.compare_digest(_bytes(given[7:].strip()),
                                                                    _bytes(self.metrics_token))
            return None if ok else (401, say("web_metrics_token"))
        if any(h in request.headers for h in PROXY_HEADERS) or not is_loopback(request.remote):
            return 403, say("web_metrics_local_only")
        return None

    @staticmethod
    def _same_origin(origin: str, host: tuple[str, int | None]) -> bool:
        try:
            url = URL(origin)
            origin_host, origin_port = (url.host or "").lower().rstrip("."), url.port
        except (ValueError, TypeError):
            return False
        if url.scheme not in ("http", "https") or not origin_host:
            return False  # "null" (sandboxed frames, files) and anything odd
        name, port = host
        return origin_host == name and (port is None or origin_port == port)

    def _token_given(self, request: web.Request, path: str) -> bool:
        given = request.headers.get("Authorization", "")
        # Headers and queries may hold undecodable bytes (kept as lone surrogates): compare bytes, never raise.
        if given.startswith("Bearer ") and hmac.compare_digest(_bytes(given[7:].strip()), _bytes(self.token)):
            return True
        sig = request.query.get("sig", "")
        return bool(sig) and hmac.compare_digest(_bytes(sig), _bytes(link_signature(self.token, path)))


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def middleware(settings):
    access = Access(settings)

    @web.middleware
    async def require_access(request: web.Request, handler):
        refused = access.refusal(request)
        if refused is not None:
            from bot.web.app import json_error

            return json_error(*refused)
        return await handler(request)

    return require_access


def check_exposure(settings) -> None:
    """Refuse settings that would serve residents' data or the simulator to anyone (ValueError: one line)."""
    if settings.api_token:
        return
    if settings.transport != "sim":
        raise ValueError(
            f"TRANSPORT={settings.transport} serves the read API under /api/ (names, tickets, points): set API_TOKEN"
            " (behind a reverse proxy every caller looks local, so there is no token-free mode)")
    if not is_loopback(settings.http_host):
        raise ValueError(
            f"HTTP_HOST={settings.http_host} would let anyone who reaches the port speak as any resident or the"
            " secretary in the simulator: use HTTP_HOST=127.0.0.1, or set API_TOKEN")


def describe_exposure(settings) -> str:
    where = f"{settings.http_host}:{settings.http_port}"
    if settings.transport == "sim":
        if settings.api_token:
            return (f"simulator page and API, read API on http://{where}/ — /api/ requires API_TOKEN "
                    f"(Authorization: Bearer); allowed Host names: {', '.join(sorted(allowed_hosts(settings)))}")
        return (f"simulator page and API, read API on http://{where}/ — this machine only "
                f"(no API_TOKEN: loopback, not proxied, same-origin requests)")
    callback = f"; WeCom callback on {settings.wecom_callback_path} (signed)" if settings.transport == "wecom" else ""
    return (f"read API on http://{where}/api/ requires API_TOKEN; no simulator (TRANSPORT={settings.transport})"
            f"{callback}; allowed Host names: {', '.join(sorted(allowed_hosts(settings)))}")
