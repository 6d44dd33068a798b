"""Console pages: 今日 (and the shared page helpers)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.replies import CATEGORY_NAMES, STATUS_NAMES
from bot.services import console_views
from bot.web.console.access import viewer

STATIC = Path(__file__).resolve().parent / "static"
URGENCY_NAMES = {"urgent": "紧急", "normal": "一般", "low": "不急"}
ACTION_NAMES = {"create": "提交", "claim": "认领", "assign": "派单", "release": "放弃", "complete": "办完",
                "verify": "验收通过", "reject": "验收驳回", "cancel": "撤销", "close": "办结", "escalate": "升级推送",
                "overdue": "超时", "plus_one": "又有人反映", "relocate": "改位置", "recategorize": "改类别",
                "transfer": "转办", "dept_accept": "部门受理", "dept_reply": "部门回复", "dept_done": "部门办结",
                "dept_complete": "部门办结", "dept_report": "部门报到", "raise": "上报街道", "whistle": "吹哨",
                "supervise": "督办", "rate": "评价", "report_street": "上报街道", "alert_street": "提醒街道",
                "urge": "催办", "whistle_missed": "部门未报到",
                "urgency": "改紧急程度"}
TASK_NAMES = {"assigned": "已转办待受理", "accepted": "已受理", "done": "已办结", "summoned": "已吹哨待报到",
              "reported": "已报到", "withdrawn": "已撤回"}


def local_time(value: datetime | None) -> str:
    return clock.to_local(value).strftime("%m-%d %H:%M") if value else "—"


def message_page(status: int, text: str) -> web.Response:
    body = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"stylesheet\" href=\"/console/static/console.css\"><title>网格通后台</title></head>"
            f"<body><main class=\"message\" role=\"main\"><h1>网格通后台</h1><p role=\"alert\">{_escape(text)}</p>"
            "</main></body></html>")
    return web.Response(status=status, text=body, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def context(request: web.Request, page: str, **values) -> dict:
    me = viewer(request)
    return {"me": me, "page": page, "status_names": STATUS_NAMES, "category_names": CATEGORY_NAMES,
            "urgency_names": URGENCY_NAMES, "action_names": ACTION_NAMES, "task_names": TASK_NAMES, "csrf": me.csrf, **values}


async def today(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    community = me.community_id
    whole = [(cid, name) for cid, name in me.places if me.scopes.grids_in(cid) is None]
    async with request.app[RUNTIME].db.sessions() as session:
        data = await console_views.today(session=session, community_id=community,
                                         allowed=me.scopes.grids_in(community), now=clock.utcnow())
        across = (await console_views.overview(session=session, places=whole, now=clock.utcnow())
                  if len(whole) > 1 else [])
    return aiohttp_jinja2.render_template("today.html", request, context(request, "today", today=data,
                                                                         across=across))


async def home(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/console/"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/", today)
    app.router.add_get("/console", home)
