"""Console page 积分超市 and 星级评定: the shop's items (上架, 下架, 补货 through /商品), the vouchers
(核销 or 作废 through /核销), and the half-year star rating: a preview read from the same service as
the chat's, then 公布 (「/星级评定 2026上半年」 and 「确认」 on the person's behalf, as in chat)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.replies import say
from bot.services import console_shop
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page

DONE = {"list": "上架", "delist": "下架", "restock": "补货", "collect": "核销", "void": "作废", "stars": "公布星级评定"}
OK_KEYS = {"list": {"shop_listed_ok"}, "delist": {"shop_delisted_ok"}, "restock": {"shop_restocked_ok"},
           "collect": {"shop_collected_ok"}, "void": {"shop_cancelled_ok"}}


async def shop_page(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    now = clock.utcnow()
    halves = console_shop.half_years(now)
    label = request.query.get("period", "")
    status = request.query.get("status", "")
    async with request.app[RUNTIME].db.sessions() as session:
        items = await console_shop.items(session=session, community_id=me.community_id)
        vouchers = await console_shop.vouchers(session=session, community_id=me.community_id,
                                               status=status if status in ("issued", "collected") else "")
        preview = await console_shop.star_preview(session=session, community_id=me.community_id, label=label,
                                                  now=now) if label in halves else None
    done = request.query.get("ok", "")
    return aiohttp_jinja2.render_template("shop.html", request, context(
        request, "shop", items=items, vouchers=vouchers, halves=halves, preview=preview, status=status, period=label,
        notice=say("console_done", what=DONE[done]) if done in DONE else ""))


def _text(action: str, form) -> str:
    def need(field: str, label: str, limit: int = 30, number: bool = False) -> str:
        value = chat.one_line(form.get(field), limit)
        if not value:
            raise DomainError("err_console_field", field=label)
        if number and not value.isdigit():
            raise DomainError("err_console_number", field=label)
        return value

    if action == "list":
        return f"/商品 上架 {need('name', '商品名称')} {need('price', '价格', 6, True)} {need('stock', '数量', 6, True)}"
    if action == "delist":
        return f"/商品 下架 {need('item', '商品编号', 6, True)}"
    if action == "restock":
        return f"/商品 补货 {need('item', '商品编号', 6, True)} {need('count', '补货数量', 6, True)}"
    code = need("code", "兑换码", 16).replace(" ", "")
    return f"/核销 {code} 作废" if action == "void" else f"/核销 {code}"


async def shop_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in OK_KEYS:
        return page_error(404, "console_forbidden")
    try:
        text = _text(action, await request.post())
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    ok, answer = await chat.run(request, text, OK_KEYS[action], action=f"shop.{action}",
                                target=f"community:{viewer(request).community_id}")
    return chat.outcome(ok, answer, f"/console/shop?ok={action}")


async def publish_stars(request: web.Request) -> web.Response:
    label = chat.one_line((await request.post()).get("period"), 10)
    if label not in console_shop.half_years(clock.utcnow()):
        return message_page(400, say("err_console_field", field="半年"))
    target = f"community:{viewer(request).community_id}"
    ok, answer = await chat.run(request, f"/星级评定 {label}", {"stars_preview"}, action="stars.preview", target=target)
    if ok:
        ok, answer = await chat.run(request, "确认", {"stars_done"}, action="stars.publish", target=target)
    return chat.outcome(ok, answer, "/console/shop?ok=stars")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/shop", shop_page)
    app.router.add_post("/console/shop/stars", publish_stars)
    app.router.add_post("/console/shop/{action}", shop_action)
