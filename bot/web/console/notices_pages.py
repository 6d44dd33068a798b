"""Console page 通知 and 应急: a broadcast (/广播), scheduled notices (/定时), a 需求征集 (/征集) and a roll call (/集结) — written
in a form, previewed exactly as the chat previews them (the bot's own preview text: which groups, when),
then 确认 or 取消 (the same flow as replying in chat, on the person's behalf); the active scheduled notices
with 取消; open roll calls with their tally and 结束; 战时 开启 / 结束 (/战时), and for a street officer the
whole street's (「/战时 街道 开启 原因」, 「/战时 街道 结束」)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.errors import DomainError
from bot.replies import say
from bot.services import console_street, console_views, notices
from bot.services.directory import STREET_OFFICER
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

DONE = {"sent": "通知已开始发送", "created": "定时通知已设置", "cancelled": "已放弃", "unscheduled": "已取消定时通知",
        "called": "集结已发出", "closed": "集结已结束", "war_on": "战时状态已开启", "war_off": "战时状态已结束",
        "street_on": "全街道战时状态已开启", "street_off": "全街道战时状态已结束", "surveyed": "需求征集已发出"}
PREVIEW = {"broadcast": {"broadcast_preview"}, "schedule": {"sched_preview"}, "rollcall": {"rc_preview"},
           "survey": {"survey_preview"}}
CONFIRMED = {"broadcast_sent": "sent", "sched_created": "created", "rc_sent": "called", "survey_sent": "surveyed"}
CANCELLED = {"broadcast_cancelled", "sched_preview_cancelled", "rc_cancelled", "survey_cancelled"}


async def notices_page(request: web.Request, *, preview: str = "") -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    async with request.app[RUNTIME].db.sessions() as session:
        active = [(n.id, notices.describe(n.rule), n.scope, notices.local_next(n), n.text)
                  for n in await notices.active(session=session, community_id=me.community_id)]
        scopes = await console_views.notice_scopes(session=session, community_id=me.community_id)
        emergency = await console_views.emergency(session=session, community_id=me.community_id)
        street = (await console_street.street_name(session=session, community_id=me.community_id)
                  if STREET_OFFICER in me.scopes.roles_in(me.community_id) else "")
    done = request.query.get("ok", "")
    return aiohttp_jinja2.render_template("notices.html", request, context(
        request, "notices", active=active, scopes=scopes, preview=preview, emergency=emergency, street=street,
        notice=say("console_done", what=DONE[done]) if done in DONE else ""))


def _text(kind: str, form) -> str:
    scope = chat.one_line(form.get("scope"), 20).replace(" ", "") or "全体"
    content = chat.one_line(form.get("content"), 500)
    if not content:
        raise DomainError("err_console_field", field="通知内容")
    if kind == "broadcast":
        return f"/广播 {scope} {content}"
    if kind == "survey":  # 需求征集: every group of the community
        return f"/征集 {content}"
    if kind == "rollcall":
        when, place = chat.one_line(form.get("when"), 40), chat.one_line(form.get("place"), 40).replace(" ", "")
        quota = chat.one_line(form.get("quota"), 4)
        if not when or not place:
            raise DomainError("err_console_field", field="时间" if not when else "地点")
        if not quota.isdigit():
            raise DomainError("err_console_number", field="人数")
        urgent = " 紧急" if form.get("urgent") == "1" else ""
        return f"/集结 {scope} {when} {place} {quota} {content}{urgent}"
    when = chat.one_line(form.get("when"), 40)
    if not when:
        raise DomainError("err_console_field", field="时间")
    return f"/定时 {when} {scope} {content}"


async def preview(request: web.Request) -> web.Response:
    kind = request.match_info["kind"]
    if kind not in PREVIEW:
        return page_error(404, "console_forbidden")
    try:
        text = _text(kind, await request.post())
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    ok, answer = await chat.run(request, text, PREVIEW[kind], action=f"notice.{kind}.preview",
                                target=f"community:{viewer(request).community_id}")
    if not ok:
        return message_page(400, answer or say("console_forbidden"))
    return await notices_page(request, preview=answer)


async def decide(request: web.Request) -> web.Response:
    """确认 or 取消 the preview waiting in the person's conversation (as replying in chat would)."""
    go = (await request.post()).get("go") == "1"
    target = f"community:{viewer(request).community_id}"
    if not go:
        ok, answer = await chat.run(request, "取消", CANCELLED, action="notice.cancel", target=target)
        return chat.outcome(ok, answer, "/console/notices?ok=cancelled")
    key, answer = await chat.ask(request, "确认", set(CONFIRMED), action="notice.confirm", target=target)
    if key is None:
        return message_page(400, answer or say("console_forbidden"))
    return chat.back(f"/console/notices?ok={CONFIRMED[key]}")


async def unschedule(request: web.Request) -> web.Response:
    number = chat.one_line((await request.post()).get("number"), 9)
    if not number.isdigit():
        return message_page(400, say("err_console_number", field="通知编号"))
    ok, answer = await chat.run(request, f"/定时 取消 {number}", {"sched_cancelled"}, action="notice.unschedule",
                                target=f"notice:{number}")
    return chat.outcome(ok, answer, "/console/notices?ok=unscheduled")


# action → (the chat command, with {reason} or {number} from the form; the reply keys that mean done)
EMERGENCY = {
    "war_on": ("/战时 开启 {reason}", {"war_on_ok"}), "war_off": ("/战时 结束", {"war_off_ok"}),
    "street_on": ("/战时 街道 开启 {reason}", {"war_street_on_ok"}),
    "street_off": ("/战时 街道 结束", {"war_street_off_ok"}),
    "closed": ("/集结 {number} 结束", {"rc_report"}),
}


async def emergency_action(request: web.Request) -> web.Response:
    """战时 开启 (with the reason) / 结束, for the community or the whole street, and 结束 of a roll call:
    the chat commands on the person's behalf."""
    action = request.match_info["action"]
    if action not in EMERGENCY:
        return page_error(404, "console_forbidden")
    template, keys = EMERGENCY[action]
    form = await request.post()
    reason, number = chat.one_line(form.get("reason"), 100), chat.one_line(form.get("number"), 9)
    if "{reason}" in template and not reason:
        return message_page(400, say("err_console_field", field="战时原因"))
    if "{number}" in template and not number.isdigit():
        return message_page(400, say("err_console_number", field="集结编号"))
    ok, answer = await chat.run(request, template.format(reason=reason, number=number), keys,
                                action=f"emergency.{action}", target=f"community:{viewer(request).community_id}")
    return chat.outcome(ok, answer, f"/console/notices?ok={action}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/notices", notices_page)
    app.router.add_post("/console/notices/decide", decide)
    app.router.add_post("/console/notices/unschedule", unschedule)
    app.router.add_post("/console/notices/{kind}/preview", preview)
    app.router.add_post("/console/emergency/{action}", emergency_action)
