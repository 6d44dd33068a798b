"""Console page 活动 and 微心愿: activities with sign-ups, attendance and hours; publish, change the quota
or cancel through the chat commands on the person's behalf; one activity's roster with 确认参加 (the
service the chat's 「/活动 3 确认 @张三」 uses); open 微心愿 and publishing one (/心愿 发布)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.errors import DomainError
from bot.replies import say
from bot.services import activities, console_activities, console_auth, people
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

DONE = {"publish": "发布活动", "quota": "修改名额", "cancel": "取消活动", "wish": "发布微心愿", "attend": "确认参加"}
OK_KEYS = {"publish": {"act_published_ok"}, "quota": {"act_quota_ok"}, "cancel": {"act_cancelled_ok"},
           "wish": {"wish_posted_ok"}}


def _notice(request: web.Request) -> str:
    done = request.query.get("ok", "")
    return say("console_done", what=DONE[done]) if done in DONE else ""


async def activities_page(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    async with request.app[RUNTIME].db.sessions() as session:
        lines = await console_activities.listing(session=session, community_id=me.community_id)
        wishes = await console_activities.open_wishes(session=session, community_id=me.community_id)
    return aiohttp_jinja2.render_template("activities.html", request, context(
        request, "activities", lines=lines, wishes=wishes, notice=_notice(request)))


def _number(request: web.Request) -> int | None:
    value = request.match_info.get("number", "")
    return int(value) if value.isdigit() and len(value) < 9 else None


async def activity_page(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    number = _number(request)
    if number is None:
        return page_error(404, "console_forbidden")
    try:
        async with request.app[RUNTIME].db.sessions() as session:
            activity, rows = await console_activities.roster(session=session, community_id=me.community_id,
                                                             number=number)
    except DomainError as missing:
        return message_page(404, say(missing.key, **missing.fields))
    return aiohttp_jinja2.render_template("activity.html", request, context(
        request, "activities", a=activity, rows=rows, notice=_notice(request)))


def _when(value: str) -> str:
    """A datetime-local value (2026-12-06T09:00) in the chat's words (12月6日9:00)."""
    day, _, time = value.partition("T")
    parts = day.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(time) != 5 or time[2] != ":":
        raise DomainError("err_console_field", field="时间")
    return f"{int(parts[1])}月{int(parts[2])}日{time}"


def _chat_text(action: str, form, number: int | None) -> str:
    def need(field: str, label: str, limit: int = 60) -> str:
        value = chat.one_line(form.get(field), limit)
        if not value:
            raise DomainError("err_console_field", field=label)
        return value

    def whole(field: str, label: str) -> str:
        value = need(field, label, 5)
        if not value.isdigit():
            raise DomainError("err_console_number", field=label)
        return value

    if action == "publish":
        return (f"/活动 发布 {need('title', '标题').replace(' ', '')} {_when(need('when', '时间', 16))} "
                f"{need('place', '地点')} {whole('quota', '名额')} {whole('points', '积分')}")
    if action == "wish":
        return f"/心愿 发布 {need('text', '心愿内容', 300)}"
    if action == "quota":
        return f"/活动 {number} 名额 {whole('quota', '名额')}"
    return f"/活动 {number} 取消 {chat.one_line(form.get('reason'), 100)}".rstrip()


async def activity_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    number = _number(request)
    if action not in OK_KEYS or (number is None) != (action in ("publish", "wish")):
        return page_error(404, "console_forbidden")
    try:
        text = _chat_text(action, await request.post(), number)
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    ok, answer = await chat.run(request, text, OK_KEYS[action], action=f"activity.{action}",
                                target=f"activity:{number}" if number else f"community:{viewer(request).community_id}")
    if not ok:
        return message_page(400, answer or say("console_forbidden"))
    return chat.back(f"/console/activities/{number}?ok={action}" if number else f"/console/activities?ok={action}")


async def attend(request: web.Request) -> web.Response:
    """确认参加: the service 「/活动 3 确认 @张三」 uses (points once, walk-ins signed up if there is room)."""
    from bot.web.app import RUNTIME

    me = viewer(request)
    number = _number(request)
    who = chat.one_line((await request.post()).get("person"), 50).lstrip("@")
    if number is None or not who:
        return message_page(400, say("err_console_field", field="姓名"))
    try:
        async with request.app[RUNTIME].db.transaction() as session:
            activity = await activities.get(session=session, community_id=me.community_id, number=number)
            person = await people.find_named(session=session, community_id=me.community_id, token=who)
            await activities.attend(session=session, activity=activity, person_id=person.id,
                                    confirmed_by=me.person_id, person_name=person.name)
            await console_auth.audit(session=session, person_id=me.person_id, action="activity.attend",
                                     target=f"activity:{number}", detail=person.id)
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    return chat.back(f"/console/activities/{number}?ok=attend")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/activities", activities_page)
    app.router.add_get("/console/activities/{number}", activity_page)
    app.router.add_post("/console/activities/{number}/attend", attend)
    app.router.add_post("/console/activities/{number}/{action}", activity_action)
    app.router.add_post("/console/activities-new/{action}", activity_action)
