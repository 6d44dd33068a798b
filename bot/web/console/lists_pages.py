"""Console page 清单和队伍: the three lists (添加, 删除 through /清单), the teams (新建, 加入 through /队伍) and
which categories need an after-photo before 完成 (/验收照片), 需求 汇总 (/清单 需求 汇总): each the chat command on
the person's behalf; the open 需求征集 with 汇总 (the bot's summary shown on the page) and 结束 (/征集);
the teams' ranking for 本周 / 本月 / 上月 (what 「/队伍 排行 本月」 answers)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.replies import CATEGORY_NAMES, say
from bot.services import console_lists
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

WORDS = {"service": "服务", "resource": "资源", "need": "需求"}
DONE = {"add": "加入清单", "remove": "从清单删除", "team": "新建队伍", "join": "加入队伍", "photo": "验收照片设置",
        "collect": "需求汇总", "survey_close": "需求征集已结束"}
OK_KEYS = {"add": {"list_added"}, "remove": {"list_removed"}, "team": {"team_created_ok"},
           "join": {"team_joined_ok"}, "photo": {"photo_rule_set"},
           "collect": {"list_needs_collected", "list_needs_none"},
           "survey_sum": {"survey_summary", "survey_no_answers"}, "survey_close": {"survey_closed_ok"}}


async def lists_page(request: web.Request, *, said: str = "") -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    period = request.query.get("rank", "month")
    period = period if period in console_lists.RANK_PERIODS else "month"
    async with request.app[RUNTIME].db.sessions() as session:
        rank = await console_lists.team_rank(session=session, community_id=me.community_id, period=period,
                                             now=clock.utcnow())
        three = await console_lists.three_lists(session=session, community_id=me.community_id)
        teams = await console_lists.team_lines(session=session, community_id=me.community_id)
        photos = await console_lists.photo_rules(session=session, community_id=me.community_id)
        open_surveys = await console_lists.open_surveys(session=session, community_id=me.community_id)
    done = request.query.get("ok", "")
    return aiohttp_jinja2.render_template("lists.html", request, context(
        request, "lists", three=three, kinds=console_lists.KINDS, teams=teams, photos=photos,
        rank=rank, period=period, periods=console_lists.RANK_PERIODS, surveys=open_surveys, said=said,
        notice=say("console_done", what=DONE[done]) if done in DONE else ""))


def _text(action: str, form) -> str:
    def need(field: str, label: str, limit: int = 30, spaces: bool = False) -> str:
        value = chat.one_line(form.get(field), limit)
        value = value if spaces else value.replace(" ", "")
        if not value:
            raise DomainError("err_console_field", field=label)
        return value

    if action in ("add", "remove"):
        kind = WORDS.get(str(form.get("kind", "")))
        if kind is None:
            raise DomainError("err_console_field", field="清单")
        if action == "remove":
            number = need("number", "编号", 6)
            if not number.isdigit():
                raise DomainError("err_console_number", field="编号")
            return f"/清单 {kind} 删除 {number}"
        provider = chat.one_line(form.get("provider"), 50).replace(" ", "").lstrip("@")
        detail = chat.one_line(form.get("detail"), 200)
        return " ".join(w for w in ("/清单", kind, "添加", need("title", "名称"), f"@{provider}" if provider else "",
                                    detail) if w)
    if action == "collect":
        return "/清单 需求 汇总"
    if action in ("survey_sum", "survey_close"):
        number = need("number", "征集编号", 9)
        if not number.isdigit():
            raise DomainError("err_console_number", field="征集编号")
        return f"/征集 {number} {'汇总' if action == 'survey_sum' else '结束'}"
    if action == "team":
        return f"/队伍 新建 {need('name', '队伍名称')} @{need('leader', '队长').lstrip('@')}"
    if action == "join":
        names = " ".join("@" + n.lstrip("@") for n in need("people", "队员名字", 200, spaces=True).split())
        return f"/队伍 {need('name', '队伍')} 加入 {names}"
    category = str(form.get("category", ""))
    if category not in CATEGORY_NAMES:
        raise DomainError("err_console_field", field="类别")
    return f"/验收照片 {CATEGORY_NAMES[category]} {'必须' if form.get('required') == '1' else '不要求'}"


async def lists_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in OK_KEYS:
        return page_error(404, "console_forbidden")
    try:
        text = _text(action, await request.post())
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    ok, answer = await chat.run(request, text, OK_KEYS[action], action=f"lists.{action}",
                                target=f"community:{viewer(request).community_id}")
    if ok and action == "survey_sum":  # the bot's summary is the result: shown on the page
        return await lists_page(request, said=answer)
    return chat.outcome(ok, answer, f"/console/lists?ok={action}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/lists", lists_page)
    app.router.add_post("/console/lists/{action}", lists_action)
