"""The aiohttp application. Routes validate input, then call services or the dispatcher."""
from __future__ import annotations

import json
import logging
from importlib import resources

from aiohttp import web

from bot.bounds import BadInput
from bot.replies import say
from bot.web import api, auth, files, participation, reports, rule_table, sim

log = logging.getLogger(__name__)
RUNTIME = web.AppKey("runtime", object)


def json_error(status: int, message: str) -> web.Response:
    # Messages may echo what was sent (a Host header): undecodable bytes arrive as lone surrogates.
    message = message.encode("utf-8", "replace").decode("utf-8")
    return web.json_response({"error": message}, status=status,
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _status_message(request: web.Request, status: int) -> str:
    if status == 404:
        return say("web_not_found", path=request.path[:200])
    if status == 405:
        return say("web_method", method=request.method)
    if status == 413:
        return say("web_too_large")
    return say("web_http_error", status=status)


@web.middleware
async def errors_as_json(request: web.Request, handler):
    try:
        return await handler(request)
    except BadInput as exc:  # a route's bounds check (bot/bounds.py)
        return json_error(400, str(exc))
    except web.HTTPException as exc:
        if exc.status >= 400 and exc.content_type != "application/json":
            return json_error(exc.status, _status_message(request, exc.status))
        raise
    except Exception:  # noqa: BLE001 - never a traceback to the client
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, say("web_internal"))


async def index(request: web.Request) -> web.Response:
    page = resources.files("bot").joinpath("web/static/simulator.html").read_text(encoding="utf-8")
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    return web.json_response(await runtime.health())


def _max_body(settings) -> int:
    """Large enough for the biggest file the simulator may send (base64 is 4/3 of it), else 256 KB."""
    if settings.transport != "sim":
        return 256 * 1024
    largest = max(settings.file_max_image_mb, settings.file_max_voice_mb, settings.file_max_video_mb,
                  settings.file_max_file_mb)
    return largest * 1024 * 1024 * 4 // 3 + 256 * 1024


def create_app(runtime) -> web.Application:
    app = web.Application(middlewares=[errors_as_json, auth.middleware(runtime.settings)],
                          client_max_size=_max_body(runtime.settings))
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    from bot.web import metrics  # Prometheus (issue 16)

    metrics.add_routes(app)
    api.add_routes(app)
    from bot.web import exports  # ledger .xlsx (issue 6)
    exports.add_routes(app)
    reports.add_routes(app)  # monthly .xlsx (issue 5)
    files.add_routes(app)  # signed links to photos and files (issue 12)
    participation.add_routes(app)  # 参加次数考核 (issue 17)
    rule_table.add_routes(app)  # the rule table as .xlsx (issue 17)
    from bot.web.console import add_console  # the office console (issue 14)
    add_console(app, runtime.settings)
    app.add_routes(runtime.transport.web_routes())  # e.g. the WeCom callback
    if runtime.settings.transport == "sim":
        app.router.add_get("/", index)
        sim.add_routes(app)
    return app
