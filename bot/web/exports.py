"""Ledger spreadsheets over HTTP: a community's ledger and a member's statement (.xlsx), whole or
for one half-year with service hours (``?half=2026H1``)."""
from __future__ import annotations

import re

from aiohttp import web

from bot import bounds
from bot.errors import DomainError
from bot.replies import say
from bot.services import exports, hours, ranking

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ascii(name: str) -> str:
    """A file-name part safe inside a quoted Content-Disposition header (ids may hold quotes or CJK)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _file(data: bytes, name: str) -> web.Response:
    return web.Response(body=data, content_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def community_ledger(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    community = bounds.identifier(request.match_info["community_id"], field="社区 id", limit=bounds.COMMUNITY_ID_MAX)
    year = bounds.year(request.query.get("year"))
    try:
        async with request.app[RUNTIME].db.sessions() as session:
            data = await exports.ledger_xlsx(session=session, community_id=community, year=year)
    except DomainError:
        return json_error(404, say("web_community_not_found", community=community))
    return _file(data, f"ledger-{_ascii(community)}{f'-{year}' if year else ''}.xlsx")


async def person_statement(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    person = bounds.identifier(request.match_info["person_id"], field="人员 id", limit=bounds.PERSON_ID_MAX)
    half = request.query.get("half")
    period = None
    if half is not None:
        try:
            period = ranking.half_year(bounds.text(half, field="half", limit=20) or "")
        except DomainError:
            return json_error(400, say("web_bad_half", half=half[:20]))
    try:
        async with request.app[RUNTIME].db.sessions() as session:
            if period is not None:  # ?half=2026H1: service hours and points of that half-year
                data = await hours.half_year_xlsx(session=session, person_id=person, period=period)
            else:
                data = await exports.statement_xlsx(session=session, person_id=person)
    except DomainError:
        return json_error(404, say("web_person_not_found", person=person))
    suffix = f"-{period.code}" if period else ""
    return _file(data, f"statement-{_ascii(person)}{suffix}.xlsx")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/communities/{community_id}/ledger.xlsx", community_ledger)
    app.router.add_get("/api/people/{person_id}/statement.xlsx", person_statement)
