"""Console page 统计: charts drawn in the browser by Apache ECharts (vendored under static/vendor/,
no CDN: the office may be offline), each chart with its table printed beside it (readable without
JavaScript, and by a screen reader) and every table in one .xlsx."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.services import console_auth, console_stats
from bot.web.console.access import viewer
from bot.web.console.pages import context
from bot.web.console.points_pages import xlsx

WEEKS = (4, 8, 13, 26, 52)


def _weeks(request: web.Request) -> int:
    value = request.query.get("weeks", "8")
    return int(value) if value.isdigit() and int(value) in WEEKS else 8


async def _tables(request: web.Request, weeks: int) -> list[console_stats.Table]:
    from bot.web.app import RUNTIME

    me = viewer(request)
    async with request.app[RUNTIME].db.sessions() as session:
        return await console_stats.charts(session=session, community_id=me.community_id,
                                          allowed=me.scopes.grids_in(me.community_id), weeks=weeks,
                                          now=clock.utcnow())


async def stats_page(request: web.Request) -> web.Response:
    weeks = _weeks(request)
    tables = await _tables(request, weeks)
    return aiohttp_jinja2.render_template("stats.html", request, context(
        request, "stats", tables=tables, weeks=weeks, choices=WEEKS))


async def stats_export(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    weeks = _weeks(request)
    data = console_stats.workbook(await _tables(request, weeks))
    async with request.app[RUNTIME].db.transaction() as session:
        await console_auth.audit(session=session, person_id=me.person_id, action="stats.export",
                                 target=f"community:{me.community_id}", detail=f"weeks={weeks}")
    return xlsx(data, f"stats-{weeks}w.xlsx")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/stats", stats_page)
    app.router.add_get("/console/stats.xlsx", stats_export)
