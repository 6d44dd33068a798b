"""Console page 人员: staff and members (grid, skills, points, last service, idle for N months),
residents counted, units with idle members, 报到 to approve or reject (the chat's /审核 on the person's
behalf), a roster upload checked row by row before anything is written, add and retire a member
(bot.services.console_people); 参加次数考核: the counts of a period with who is below the minimum, the
minimum set through 「/参加考核 最少 N」 and the table as .xlsx (bot.services.console_participation).
Changing people, and the assessment (it names every member), are for those who see the whole community."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.replies import ROLE_NAMES, say
from bot.services import console_auth, console_board, console_participation, console_people, registration
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

MONTHS = (1, 3, 6, 12)
MAX_ROSTER = 2 * 1024 * 1024
DONE = {"review": "审核", "add": "添加成员", "retire": "停用成员", "consent": "张榜同意", "minimum": "设定最少参加次数"}


def _months(request: web.Request) -> int:
    value = request.query.get("months", "6")
    return int(value) if value.isdigit() and int(value) in MONTHS else 6


async def people_page(request: web.Request, *, roster: console_people.RosterCheck | None = None) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    months = _months(request)
    async with request.app[RUNTIME].db.sessions() as session:
        data = await console_people.people(session=session, community_id=me.community_id,
                                           allowed=me.scopes.grids_in(me.community_id), months=months,
                                           now=clock.utcnow())
        pending = await registration.pending(session=session, community_id=me.community_id)
        agreed = await console_board.consented(session=session, community_id=me.community_id)
        whole = me.scopes.grids_in(me.community_id) is None
        assessed = (await console_participation.assessment(
            session=session, community_id=me.community_id, period=request.query.get("period", "year"),
            now=clock.utcnow()) if whole else None)
    done = request.query.get("ok", "")
    return aiohttp_jinja2.render_template("people.html", request, context(
        request, "people", people=data, pending=pending, months=months, choices=MONTHS, roles=ROLE_NAMES,
        can_change=whole, roster=roster, agreed=agreed, assessed=assessed,
        periods=console_participation.PERIODS,
        notice=say("console_done", what=DONE[done]) if done in DONE else ""))


def _whole_community(request: web.Request) -> web.Response | None:
    me = viewer(request)
    return None if me.scopes.grids_in(me.community_id) is None else page_error(403, "console_whole_community_only")


async def review(request: web.Request) -> web.Response:
    form = await request.post()
    who = chat.one_line(form.get("person"), 50).lstrip("@")
    verdict = "通过" if form.get("verdict") == "通过" else "拒绝"
    if not who:
        return message_page(400, say("err_console_field", field="姓名"))
    text = f"/审核 @{who} {verdict} {chat.one_line(form.get('reason'), 100)}".rstrip()
    ok, answer = await chat.run(request, text, {"reg_approved_ok", "reg_rejected_ok"}, action="people.review",
                                target=f"person:{who}")
    return chat.outcome(ok, answer, "/console/people?ok=review")


async def add_or_retire(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    refused = _whole_community(request)
    if refused is not None:
        return refused
    me = viewer(request)
    form = await request.post()
    action = request.match_info["action"]
    person_id = chat.one_line(form.get("account"), 128)
    try:
        async with request.app[RUNTIME].db.transaction() as session:
            if action == "add":
                await console_people.add_member(
                    session=session, community_id=me.community_id, person_id=person_id,
                    name=chat.one_line(form.get("name"), 65), grid=chat.one_line(form.get("grid"), 50),
                    skills=chat.one_line(form.get("skills"), 101))
            else:
                await console_people.retire_member(session=session, community_id=me.community_id,
                                                   person_id=person_id)
            await console_auth.audit(session=session, person_id=me.person_id, action=f"people.{action}",
                                     target=f"person:{person_id}")
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    return chat.back(f"/console/people?ok={action}")


async def minimum(request: web.Request) -> web.Response:
    """「/参加考核 最少 N」 on the person's behalf."""
    refused = _whole_community(request)
    if refused is not None:
        return refused
    count = chat.one_line((await request.post()).get("count"), 4)
    if not count.isdigit():
        return message_page(400, say("err_console_number", field="最少参加次数"))
    ok, answer = await chat.run(request, f"/参加考核 最少 {count}", {"part_set_ok"}, action="people.minimum",
                                target=f"community:{viewer(request).community_id}")
    return chat.outcome(ok, answer, "/console/people?ok=minimum")


async def participation_export(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME
    from bot.web.console.points_pages import xlsx

    refused = _whole_community(request)
    if refused is not None:
        return refused
    me = viewer(request)
    period = request.query.get("period", "year")
    period = period if period in console_participation.PERIODS else "year"
    async with request.app[RUNTIME].db.transaction() as session:
        data = await console_participation.workbook(session=session, community_id=me.community_id, period=period,
                                                    now=clock.utcnow())
        await console_auth.audit(session=session, person_id=me.person_id, action="people.participation_export",
                                 target=f"community:{me.community_id}", detail=f"period={period}")
    return xlsx(data, f"participation-{period}.xlsx")


async def roster_upload(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    refused = _whole_community(request)
    if refused is not None:
        return refused
    me = viewer(request)
    form = await request.post()
    upload = form.get("file")
    data = upload.file.read(MAX_ROSTER + 1) if isinstance(upload, web.FileField) else b""
    if not data:
        return message_page(400, say("console_roster_no_file"))
    write = form.get("mode") == "import"
    async with request.app[RUNTIME].db.transaction() as session:
        result = await console_people.roster(session=session, community_id=me.community_id,
                                             data=data[:MAX_ROSTER], write=write)
        await console_auth.audit(session=session, person_id=me.person_id,
                                 action="people.import" if write and not result.errors else "people.check",
                                 target=f"community:{me.community_id}",
                                 detail=f"rows={result.rows} errors={len(result.errors)} written={result.written}")
    response = await people_page(request, roster=result)
    response.set_status(400 if result.errors else 200)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/people", people_page)
    app.router.add_post("/console/people/review", review)
    app.router.add_post("/console/people/roster", roster_upload)
    app.router.add_post("/console/people/minimum", minimum)
    app.router.add_get("/console/participation.xlsx", participation_export)
    app.router.add_post("/console/people/{action:add|retire}", add_or_retire)
