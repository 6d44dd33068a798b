"""Console page 积分: the ledger with filters and reversals, balances, the rule table in force, and
changes through the chat commands (/加分, /扣分, /冲正, /积分规则 设置|恢复|新增|改名|停用) sent on the person's behalf;
the ledger as .xlsx (bot.services.exports, the same workbook as the read API's) and the rule table as .xlsx
(what 「/积分规则 导出」 links to: bot.services.custom_rules.table_xlsx)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.errors import DomainError
from bot.replies import say
from bot.services import console_auth, console_points, custom_rules, exports
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page
from bot.web.console.tickets_pages import _day

DONE = {"adjust": "积分调整", "reverse": "冲正", "rule_set": "修改规则分值", "rule_add": "新增规则",
        "rule_retire": "停用规则", "rule_rename": "规则改名", "rule_reset": "恢复默认分值"}
OK_KEYS = {"adjust": {"points_awarded_ok"}, "reverse": {"pts_reversed_ok"},
           "rule_set": {"rules_set_ok", "crule_set_ok"}, "rule_add": {"crule_added_ok"},
           "rule_retire": {"crule_retired_ok"}, "rule_rename": {"crule_renamed_ok"},
           "rule_reset": {"rules_reset_ok"}}


def _filters(query, form=None) -> console_points.LedgerFilters:
    """The ledger's filters; a member's name only from the posted form, never from a URL."""
    query = form if form is not None else query
    sign = query.get("sign", "")
    name = str(form.get("name", "")).strip()[:30] if form is not None else ""
    return console_points.LedgerFilters(name=name, start=_day(query.get("start", "")),
                                        end=_day(query.get("end", "")),
                                        sign=sign if sign in ("plus", "minus") else "")


async def points_page(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    filters = _filters(request.query, await request.post() if request.method == "POST" else None)
    async with request.app[RUNTIME].db.sessions() as session:
        lines = await console_points.ledger(session=session, community_id=me.community_id, filters=filters)
        board = await console_points.balances(session=session, community_id=me.community_id)
        table = await console_points.rule_table(session=session, community_id=me.community_id)
        history = await console_points.rule_history(session=session, community_id=me.community_id)
    done = request.query.get("ok", "")
    return aiohttp_jinja2.render_template("points.html", request, context(
        request, "points", lines=lines, board=board, rules=table, filters=filters, history=history,
        notice=say("console_done", what=DONE[done]) if done in DONE else ""))


def _need(form, field: str, label: str, limit: int = 100) -> str:
    value = chat.one_line(form.get(field), limit)
    if not value:
        raise DomainError("err_console_field", field=label)
    return value


def _number(form, field: str, label: str) -> str:
    value = _need(form, field, label, 6)
    if not value.isdigit():
        raise DomainError("err_console_number", field=label)
    return value


def _chat_text(action: str, form) -> str:
    if action == "adjust":
        who = _need(form, "person", "成员名字", 50).lstrip("@")
        word = "/扣分" if form.get("direction") == "deduct" else "/加分"
        reason = _need(form, "reason", "原因", 200)
        return f"{word} @{who} {_number(form, 'amount', '分值')} {reason}"
    if action == "reverse":
        return f"/冲正 {_number(form, 'entry', '记录号')} {_need(form, 'reason', '冲正原因', 200)}"
    if action == "rule_set":
        return f"/积分规则 设置 {_need(form, 'name', '规则')} {_number(form, 'points', '分值')}"
    if action == "rule_add":
        name = _need(form, "name", "规则名称", 30).replace(" ", "")
        unit = "/小时" if form.get("per_hour") == "1" else ""
        note = chat.one_line(form.get("note"), 100)
        return f"/积分规则 新增 {name} {_number(form, 'points', '分值')}{unit} {note}".rstrip()
    if action == "rule_reset":
        return f"/积分规则 恢复 {_need(form, 'name', '规则')}"
    if action == "rule_rename":
        old = _need(form, "name", "规则")
        return f"/积分规则 改名 {old} {_need(form, 'new_name', '新名称', 30).replace(' ', '')}"
    return f"/积分规则 停用 {_need(form, 'name', '规则')}"


async def points_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in OK_KEYS:
        return page_error(404, "console_forbidden")
    form = await request.post()
    try:
        text = _chat_text(action, form)
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    ok, answer = await chat.run(request, text, OK_KEYS[action], action=f"points.{action}",
                                target=f"community:{viewer(request).community_id}")
    if not ok:
        return message_page(400, answer or say("console_forbidden"))
    return chat.back(f"/console/points?ok={action}")


async def points_export(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    async with request.app[RUNTIME].db.transaction() as session:
        data = await exports.ledger_xlsx(session=session, community_id=me.community_id)
        await console_auth.audit(session=session, person_id=me.person_id, action="points.export",
                                 target=f"community:{me.community_id}")
    return xlsx(data, "ledger.xlsx")


async def rules_export(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    async with request.app[RUNTIME].db.transaction() as session:
        data = await custom_rules.table_xlsx(session=session, community_id=me.community_id)
        await console_auth.audit(session=session, person_id=me.person_id, action="points.rules_export",
                                 target=f"community:{me.community_id}")
    return xlsx(data, "rules.xlsx")


def xlsx(data: bytes, name: str) -> web.Response:
    return web.Response(body=data, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{name}"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/points", points_page)
    app.router.add_post("/console/points", points_page)  # the filter form: names stay out of URLs
    app.router.add_get("/console/points.xlsx", points_export)
    app.router.add_get("/console/rules.xlsx", rules_export)
    app.router.add_post("/console/points/{action}", points_action)
