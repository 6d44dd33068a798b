"""Console pages: 诉求 (a filtered list), one ticket with its timeline, and the staff actions.

Actions go through the services the chat commands use (bot.services.tickets, people, scope);
every one is checked against the viewer's scope and written to the audit log."""
from __future__ import annotations

import secrets
from datetime import date

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.messages import IncomingMessage
from bot.replies import CATEGORY_NAMES, STATUS_NAMES, say
from bot.services import console_actions, console_auth, console_views, scope
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

DONE = {"assign": "派单", "verify": "验收", "category": "改类别"}


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


# Chat commands the console's buttons send on the person's behalf: the same handler, scope checks,
# points and notices as typed in chat (the bot's answer also lands in the person's private chat).
CHAT_ACTIONS = {"assign": "派单", "verify": "验收"}
OK_KEYS = {"ticket_assigned_ok", "ticket_verified_ok", "ticket_rejected_ok"}


def _chat_text(action: str, number: int, form) -> str:
    if action == "assign":
        who = " ".join(str(form.get("person", "")).split())[:50].lstrip("@")
        if not who:
            raise DomainError("err_usage", usage="派给：填写党员或网格员的名字")
        return f"/派单 {number} {who}"
    verdict = str(form.get("verdict", ""))
    if verdict == "通过":
        return f"/验收 {number} 通过"
    if verdict == "驳回":
        reason = " ".join(str(form.get("reason", "")).split())[:200]
        return f"/验收 {number} 驳回 {reason}".rstrip()
    raise DomainError("err_usage", usage="验收：通过 或 驳回")


async def ticket_action(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    form = await request.post()
    action = request.match_info["action"]
    if action not in (*CHAT_ACTIONS, "category"):
        return page_error(404, "console_forbidden")
    runtime = request.app[RUNTIME]
    async with runtime.db.transaction() as session:
        found, refused = await _load(request, session)
        if refused is not None:
            return refused
        ticket = found[0]
        if action == "category":
            try:
                await scope.check_ticket(session=session, person_id=me.person_id,
                                         roles=me.scopes.roles_in(ticket.community_id), ticket=ticket)
                old = await console_actions.recategorize(session=session, ticket_id=ticket.id,
                                                         category=str(form.get("category", "")),
                                                         actor_id=me.person_id)
            except DomainError as refusal:
                return message_page(400, say(refusal.key, **refusal.fields))
            await console_auth.audit(session=session, person_id=me.person_id, action="ticket.category",
                                     target=f"ticket:{ticket.id}", detail=f"{old}->{form.get('category')}")
            return web.Response(status=303, headers={"Location": f"/console/tickets/{ticket.id}?ok=category"})
        try:
            text = _chat_text(action, ticket.number, form)
        except DomainError as refusal:
            return message_page(400, say(refusal.key, **refusal.fields))
    msg = IncomingMessage(platform="console", msg_id=secrets.token_hex(12), sender_id=me.person_id,
                          sender_name=me.name, text=text)
    rows = await runtime.dispatcher.handle(msg)
    answer = next((r for r in rows if r.to_person == me.person_id and r.room_id is None), None)
    ok = answer is not None and answer.reply_key in OK_KEYS
    async with runtime.db.transaction() as session:
        await console_auth.audit(session=session, person_id=me.person_id, action=f"ticket.{action}",
                                 target=f"ticket:{ticket.id}", detail=text if ok else f"refused: {text}")
    if not ok:
        return message_page(400, answer.text if answer is not None else say("console_forbidden"))
    return web.Response(status=303, headers={"Location": f"/console/tickets/{ticket.id}?ok={action}"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/tickets", ticket_list)
    app.router.add_get("/console/tickets/{ticket_id}", ticket_detail)
    app.router.add_post("/console/tickets/{ticket_id}/{action}", ticket_action)
