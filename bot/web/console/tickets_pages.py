"""Console pages: 诉求 (a filtered list), one ticket with its timeline, and the staff actions.

Actions go through the services the chat commands use (bot.services.tickets, people, scope);
every one is checked against the viewer's scope and written to the audit log."""
from __future__ import annotations

from datetime import date

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.replies import CATEGORY_NAMES, STATUS_NAMES, say
from bot.services import console_auth, console_views, people, scope, tickets
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context

DONE = {"assign": "派单"}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(query) -> console_views.Filters:
    grid = query.get("grid", "")
    return console_views.Filters(
        status=query.get("status", "") if query.get("status", "") in STATUS_NAMES else "",
        category=query.get("category", "") if query.get("category", "") in CATEGORY_NAMES else "",
        grid=int(grid) if grid.isdigit() and len(grid) < 10 else None,
        start=_day(query.get("start", "")), end=_day(query.get("end", "")),
        text=query.get("q", "").strip()[:50], overdue=query.get("overdue") == "1")


async def ticket_list(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    community = me.community_id
    filters = _filters(request.query)
    async with request.app[RUNTIME].db.sessions() as session:
        lines = await console_views.ticket_list(session=session, community_id=community,
                                                allowed=me.scopes.grids_in(community), filters=filters,
                                                now=clock.utcnow())
        grids = await scope.community_grids(session=session, community_id=community)
    return aiohttp_jinja2.render_template("tickets.html", request, context(
        request, "tickets", rows=lines, filters=filters, grids=[g for g in grids if g.level == "estate"]))


async def _load(request: web.Request, session):
    me = viewer(request)
    try:
        ticket_id = int(request.match_info["ticket_id"])
    except ValueError:
        return None, page_error(404, "console_forbidden")
    found = await console_views.ticket_page(session=session, ticket_id=ticket_id)
    if found is None:
        return None, page_error(404, "console_forbidden")
    ticket, *_rest, place = found
    if not me.scopes.allows(ticket.community_id, place):
        return None, page_error(403, "console_forbidden")
    return found, None


async def ticket_detail(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    async with request.app[RUNTIME].db.sessions() as session:
        found, refused = await _load(request, session)
    if refused is not None:
        return refused
    ticket, events, names, claimer, _place = found
    return aiohttp_jinja2.render_template("ticket.html", request, context(
        request, "tickets", t=ticket, events=events, names=names, claimer=claimer,
        notice=say("console_done", what=DONE[request.query["ok"]]) if request.query.get("ok") in DONE else ""))


async def ticket_action(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    form = await request.post()
    action = request.match_info["action"]
    async with request.app[RUNTIME].db.transaction() as session:
        found, refused = await _load(request, session)
        if refused is not None:
            return refused
        ticket = found[0]
        roles = me.scopes.roles_in(ticket.community_id)
        try:
            await scope.check_ticket(session=session, person_id=me.person_id, roles=roles, ticket=ticket)
            if action == "assign":
                who = str(form.get("person", "")).strip()[:50]
                if not who:
                    raise DomainError("err_usage", usage="派给：填写党员或网格员的名字")
                person = await people.find_assignee(session=session, community_id=ticket.community_id,
                                                    token=who.lstrip("@"))
                await tickets.assign(session=session, ticket=ticket, person_id=person.id, actor_id=me.person_id)
                detail, done = person.id, "assign"
            else:
                raise web.HTTPNotFound()
        except DomainError as refusal:
            return page_error_text(400, say(refusal.key, **refusal.fields))
        await console_auth.audit(session=session, person_id=me.person_id, action=f"ticket.{action}",
                                 target=f"ticket:{ticket.id}", detail=detail)
    return web.Response(status=303, headers={"Location": f"/console/tickets/{ticket.id}?ok={done}"})


def page_error_text(status: int, text: str) -> web.Response:
    from bot.web.console.pages import message_page

    return message_page(status, text)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/tickets", ticket_list)
    app.router.add_get("/console/tickets/{ticket_id}", ticket_detail)
    app.router.add_post("/console/tickets/{ticket_id}/{action}", ticket_action)
