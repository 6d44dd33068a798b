"""GET /api/reports/{community}/{yyyy-mm}.xlsx: the monthly report as a workbook."""
from __future__ import annotations

import re

from aiohttp import web
from sqlalchemy import select

from bot import bounds
from bot.clock import utcnow
from bot.db.models import Community, Person
from bot.replies import say
from bot.services import attachments, reports, stats, visibility
from bot.web.auth import viewer_of


async def monthly_xlsx(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    community_id = bounds.identifier(request.match_info["community"], field="社区 id", limit=bounds.COMMUNITY_ID_MAX)
    year, month = bounds.month(request.match_info["month"])
    now = utcnow()
    start, end = stats.month_span(year, month)
    async with request.app[RUNTIME].db.sessions() as session:
        community = await session.get(Community, community_id)
        if community is None:
            return json_error(404, say("web_community_not_found", community=community_id))
        f = await stats.figures(session=session, community_id=community_id, start=start, end=end, now=now)
        viewer = viewer_of(request)  # docs/privacy.md: a ticket's text only to who may read it
        private = {t.id for t in f.tickets if not visibility.can_see_details(viewer, t)}
        ids = {t.claimer_id for t in f.tickets if t.claimer_id}
        names = dict((await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))).all()) \
            if ids else {}
        links = await attachments.links_by_ticket(session=session, settings=request.app[RUNTIME].settings,
                                                  ticket_ids=[t.id for t in f.tickets if t.id not in private])
    body = reports.workbook(f, community=community.name, now=now, names=names,
                            title=say("report_title_month", year=year, month=month), private=private, links=links)
    filename = f"report-{re.sub(r'[^A-Za-z0-9._-]', '_', community_id)}-{year:04d}-{month:02d}.xlsx"
    return web.Response(body=body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


async def street_xlsx(request: web.Request) -> web.Response:
    """GET /api/reports/street/{street}/{yyyy-mm}.xlsx: the street's monthly report (issue 13)."""
    from bot.db.models_streets import Street
    from bot.services import rollup, street_reports
    from bot.web.app import RUNTIME, json_error

    street_id = bounds.identifier(request.match_info["street"], field="街道 id", limit=bounds.COMMUNITY_ID_MAX)
    year, month = bounds.month(request.match_info["month"])
    now = utcnow()
    start, end = stats.month_span(year, month)
    async with request.app[RUNTIME].db.sessions() as session:
        street = await session.get(Street, street_id)
        if street is None:
            return json_error(404, say("web_street_not_found", street=street_id))
        sf = await rollup.street_figures(session=session, street=street, start=start, end=end, now=now)
    viewer = viewer_of(request)
    private = {t.id for t in sf.total.tickets if not visibility.can_see_details(viewer, t)}
    body = street_reports.workbook(sf, now=now, private=private,
                                   title=say("street_report_title", street=street.name, year=year, month=month))
    filename = f"street-{re.sub(r'[^A-Za-z0-9._-]', '_', street_id)}-{year:04d}-{month:02d}.xlsx"
    return web.Response(body=body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


async def district_xlsx(request: web.Request) -> web.Response:
    """GET /api/reports/district/{district}/{yyyy-mm}.xlsx: the district's monthly report (issue 13).
    Tables of figures only (per street, community, department): no ticket's text."""
    from bot.db.models_streets import District
    from bot.services import district_reports, district_stats
    from bot.web.app import RUNTIME, json_error

    district_id = bounds.identifier(request.match_info["district"], field="区 id", limit=bounds.COMMUNITY_ID_MAX)
    year, month = bounds.month(request.match_info["month"])
    start, end = stats.month_span(year, month)
    async with request.app[RUNTIME].db.sessions() as session:
        district = await session.get(District, district_id)
        if district is None:
            return json_error(404, say("web_district_not_found", district=district_id))
        df = await district_stats.district_figures(session=session, district=district, start=start, end=end,
                                                   now=utcnow())
    body = district_reports.workbook(df, title=say("district_report_title", district=district.name, year=year,
                                                   month=month))
    filename = f"district-{re.sub(r'[^A-Za-z0-9._-]', '_', district_id)}-{year:04d}-{month:02d}.xlsx"
    return web.Response(body=body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


async def unit_xlsx(request: web.Request) -> web.Response:
    """GET /api/reports/unit/{unit}/{yyyy-mm}.xlsx: what a work unit's members did (issue 13)."""
    from bot.db.models_streets import WorkUnit
    from bot.services import units
    from bot.web.app import RUNTIME, json_error

    unit_id = bounds.identifier(request.match_info["unit"], field="单位 id", limit=bounds.COMMUNITY_ID_MAX)
    year, month = bounds.month(request.match_info["month"])
    start, end = stats.month_span(year, month)
    async with request.app[RUNTIME].db.sessions() as session:
        unit = await session.get(WorkUnit, unit_id)
        if unit is None:
            return json_error(404, say("web_unit_not_found", unit=unit_id))
        rows = await units.member_rows(session=session, unit_id=unit_id, start=start, end=end)
    body = units.workbook(unit, rows, say("report_title_month", year=year, month=month))
    filename = f"unit-{re.sub(r'[^A-Za-z0-9._-]', '_', unit_id)}-{year:04d}-{month:02d}.xlsx"
    return web.Response(body=body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/reports/unit/{unit}/{month}.xlsx", unit_xlsx)
    app.router.add_get("/api/reports/street/{street}/{month}.xlsx", street_xlsx)
    app.router.add_get("/api/reports/district/{district}/{month}.xlsx", district_xlsx)
    app.router.add_get("/api/reports/{community}/{month}.xlsx", monthly_xlsx)
