"""Ledger spreadsheets over HTTP: a community's ledger and a member's statement (.xlsx)."""
from __future__ import annotations

from aiohttp import web

from bot.errors import DomainError
from bot.services import exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(data: bytes, name: str) -> web.Response:
    return web.Response(body=data, content_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def community_ledger(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    community = request.match_info["community_id"]
    year = request.query.get("year")
    if year is not None and not (year.isdigit() and len(year) == 4):
        return json_error(400, "year must be four digits")
    try:
        async with request.app[RUNTIME].db.sessions() as session:
            data = await exports.ledger_xlsx(session=session, community_id=community,
                                             year=int(year) if year else None)
    except DomainError:
        return json_error(404, f"community {community} not found")
    return _file(data, f"ledger-{community}{'-' + year if year else ''}.xlsx")


async def person_statement(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    person = request.match_info["person_id"]
    try:
        async with request.app[RUNTIME].db.sessions() as session:
            data = await exports.statement_xlsx(session=session, person_id=person)
    except DomainError:
        return json_error(404, f"person {person} not found")
    return _file(data, f"statement-{person}.xlsx")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/communities/{community_id}/ledger.xlsx", community_ledger)
    app.router.add_get("/api/people/{person_id}/statement.xlsx", person_statement)
