"""Console pages: 诉求 (a filtered list), one ticket with its timeline and photos, and the staff actions.

派单, 验收 (通过/驳回), 转办, 上报, 督办 and 更正 (紧急程度, 位置: /改) send the chat command on the person's behalf (bot.web.console.chat:
the same handler, scope checks, points and notices as in chat); 改类别 has no chat command and goes
through bot.services.console_actions. Every action is checked against the viewer's scope and audited."""
from __future__ import annotations

from datetime import date

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.replies import CATEGORY_NAMES, STATUS_NAMES, say
from bot.services import console_actions, console_auth, console_views, scope
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

DONE = {"assign": "派单", "verify": "验收", "category": "改类别", "transfer": "转办", "raise": "上报街道",
        "supervise": "督办", "whistle": "吹哨",
        "correct": "更正"}
# action → the chat reply keys that mean it worked
OK_KEYS = {"assign": {"ticket_assigned_ok"}, "verify": {"ticket_verified_ok", "ticket_rejected_ok"},
           "transfer": {"dept_transfer_ok"}, "raise": {"dept_raised_ok", "dept_raised_no_officer"},
           "supervise": {"dept_supervise_ok"}, "whistle": {"dept_whistle_ok"}, "correct": {"correct_ok"}}
CORRECT_WORDS = {"urgent": "紧急", "normal": "不紧急"}  # 「/改 12 紧急」; a place goes as 「/改 12 位置 3号楼2单元」


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(query, form=None) -> console_views.Filters:
    """The list's filters. The search text comes only from the posted form (``form``): words a
    resident wrote, or a name, never go into a URL (issue 14: no personal data in URLs)."""
    query = form if form is not None else query
    grid = query.get("grid", "")
    return console_views.Filters(
        status=query.get("status", "") if query.get("status", "") in STATUS_NAMES else "",
        category=query.get("category", "") if query.get("category", "") in CATEGORY_NAMES else "",
        grid=int(grid) if grid.isdigit() and len(grid) < 10 else None,
        start=_day(query.get("start", "")), end=_day(query.get("end", "")),
        text=str(form.get("q", "")).strip()[:50] if form is not None else "", overdue=query.get("overdue") == "1",
        department=query.get("department", "").strip()[:30])


async def ticket_list(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    community = me.community_id
    filters = _filters(request.query, await request.post() if request.method == "POST" else None)
    async with request.app[RUNTIME].db.sessions() as session:
        lines = await console_views.ticket_list(session=session, community_id=community,
                                                allowed=me.scopes.grids_in(community), filters=filters,
                                                now=clock.utcnow())
        grids = await scope.community_grids(session=session, community_id=community)
        departments = await console_views.department_names(session=session, community_id=community)
    return aiohttp_jinja2.render_template("tickets.html", request, context(
        request, "tickets", rows=lines, filters=filters, grids=[g for g in grids if g.level == "estate"],
        departments=departments))


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

    runtime = request.app[RUNTIME]
    async with runtime.db.sessions() as session:
        found, refused = await _load(request, session)
        if refused is not None:
            return refused
        ticket, events, names, claimer, _place = found
        extra = await console_views.ticket_extras(session=session, settings=runtime.settings, ticket=ticket)
    return aiohttp_jinja2.render_template("ticket.html", request, context(
        request, "tickets", t=ticket, events=events, names=names, claimer=claimer, extra=extra,
        notice=say("console_done", what=DONE[request.query["ok"]]) if request.query.get("ok") in DONE else ""))


def _chat_text(action: str, number: int, form, place: str = "") -> str:
    """The chat command for a button. ``place``: the community's name before the number, for the street's
    commands (转办, 上报, 督办) sent by someone of several communities (「/上报 幸福里社区 1」)."""
    if action == "assign":
        who = chat.one_line(form.get("person"), 50).lstrip("@")
        if not who:
            raise DomainError("err_console_field", field="派给（名字）")
        return f"/派单 {number} {who}"
    if action == "transfer":
        department = chat.one_line(form.get("department"), 30)
        days = chat.one_line(form.get("days"), 3)
        if not department:
            raise DomainError("err_console_field", field="部门")
        if days and not days.isdigit():
            raise DomainError("err_console_number", field="期限（天）")
        note = chat.one_line(form.get("note"), 200)
        return " ".join(w for w in ("/转办", place, str(number), department, f"限{days}天" if days else "", note) if w)
    if action == "whistle":
        names = [chat.one_line(n, 30).replace(" ", "") for n in form.getall("department", [])][:10]
        if not any(names):
            raise DomainError("err_console_field", field="吹哨召集的部门")
        return " ".join(w for w in ("/吹哨", place, str(number), *names) if w)
    if action == "correct":
        if form.get("what") in CORRECT_WORDS:
            return f"/改 {number} {CORRECT_WORDS[str(form.get('what'))]}"
        where = chat.one_line(form.get("place"), 40).replace(" ", "")
        if not where:
            raise DomainError("err_console_field", field="位置")
        return f"/改 {number} 位置 {where}"
    if action in ("raise", "supervise"):
        word = "/上报" if action == "raise" else "/督办"
        return " ".join(w for w in (word, place, str(number), chat.one_line(form.get("note"), 200)) if w)
    verdict = str(form.get("verdict", ""))
    if verdict == "通过":
        return f"/验收 {number} 通过"
    if verdict == "驳回":
        return f"/验收 {number} 驳回 {chat.one_line(form.get('reason'), 200)}".rstrip()
    raise DomainError("err_console_field", field="验收结论（通过或驳回）")


async def ticket_action(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    form = await request.post()
    action = request.match_info["action"]
    if action not in (*OK_KEYS, "category"):
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
            return chat.back(f"/console/tickets/{ticket.id}?ok=category")
        try:
            place = dict(me.places).get(ticket.community_id, "")
            text = _chat_text(action, ticket.number, form, place)
        except DomainError as refusal:
            return message_page(400, say(refusal.key, **refusal.fields))
    ok, answer = await chat.run(request, text, OK_KEYS[action], action=f"ticket.{action}",
                                target=f"ticket:{ticket.id}")
    if not ok:
        return message_page(400, answer or say("console_forbidden"))
    return chat.back(f"/console/tickets/{ticket.id}?ok={action}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/tickets", ticket_list)
    app.router.add_post("/console/tickets", ticket_list)  # the filter form: search words stay out of URLs
    app.router.add_get("/console/tickets/{ticket_id}", ticket_detail)
    app.router.add_post("/console/tickets/{ticket_id}/{action}", ticket_action)
