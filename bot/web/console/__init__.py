"""The office console (issue 14): server-rendered pages for staff under /console/.

Jinja2 through aiohttp-jinja2 renders the pages (autoescaped HTML, template inheritance, no build
step); every read and write goes through bot.services; bot.web.console.access decides who is in."""
from __future__ import annotations

import logging

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.replies import say
from bot.services import console_auth

log = logging.getLogger(__name__)


def add_console(app: web.Application, settings) -> bool:
    """Mount the console; False (and not mounted) outside the simulator without CONSOLE_SECRET."""
    if console_auth.secret_of(settings) is None:
        log.warning("console not started: TRANSPORT=%s needs CONSOLE_SECRET", settings.transport)
        return False
    from bot.web.console import (
        access,
        activities_pages,
        board_pages,
        lists_pages,
        notices_pages,
        pages,
        people_pages,
        points_pages,
        shop_pages,
        stats_pages,
        tickets_pages,
    )

    env = aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("bot.web.console", "templates"),
                               autoescape=jinja2.select_autoescape(default=True))
    env.filters["local"] = pages.local_time
    env.globals["say"] = say
    app.middlewares.append(access.middleware(settings))
    access.add_routes(app)
    pages.add_routes(app)
    tickets_pages.add_routes(app)
    points_pages.add_routes(app)
    shop_pages.add_routes(app)
    stats_pages.add_routes(app)
    people_pages.add_routes(app)
    activities_pages.add_routes(app)
    board_pages.add_routes(app)
    lists_pages.add_routes(app)
    notices_pages.add_routes(app)
    app.router.add_static("/console/static/", pages.STATIC, name="console_static")
    return True
