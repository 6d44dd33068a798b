"""大屏 / 张榜 (issue 14): the community's board in the console, and the same board read-only at a
public link for the office screen (``/board/{community}/{signature}``: signed with CONSOLE_SECRET,
no login, refreshed every 5 minutes). No ticket text, no resident; members only if they agreed,
which staff record on the 人员 page (POST /console/board/consent, audited)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot import clock
from bot.errors import DomainError
from bot.replies import say
from bot.services import console_auth, console_board, directory
from bot.web.console import chat
from bot.web.console.access import page_error, viewer
from bot.web.console.pages import context, message_page


async def _board(request: web.Request, community_id: str) -> console_board.Board:
    from bot.web.app import RUNTIME

    async with request.app[RUNTIME].db.sessions() as session:
        name = await directory.community_name(session=session, community_id=community_id) or community_id
        return await console_board.board(session=session, community_id=community_id, community_name=name,
                                         now=clock.utcnow())


async def console_board_page(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    settings = request.app[RUNTIME].settings
    secret = console_auth.secret_of(settings) or ""
    link = console_auth.base_url(settings) + console_board.board_path(secret, me.community_id)
    return aiohttp_jinja2.render_template("board.html", request, context(
        request, "board", board=await _board(request, me.community_id), public_link=link))


async def public_board(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    community_id = request.match_info["community"]
    secret = console_auth.secret_of(request.app[RUNTIME].settings)
    if secret is None or not console_board.check_path(secret, community_id, request.match_info["signature"]):
        return message_page(404, say("console_board_invalid"))
    response = aiohttp_jinja2.render_template("board_public.html", request,
                                              {"board": await _board(request, community_id)})
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def consent(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    me = viewer(request)
    if me.scopes.grids_in(me.community_id) is not None:
        return page_error(403, "console_whole_community_only")
    form = await request.post()
    person_id = chat.one_line(form.get("account"), 128)
    agreed = form.get("agreed") == "1"
    try:
        async with request.app[RUNTIME].db.transaction() as session:
            await console_board.set_consent(session=session, community_id=me.community_id, person_id=person_id,
                                            agreed=agreed, actor_id=me.person_id)
            await console_auth.audit(session=session, person_id=me.person_id, action="board.consent",
                                     target=f"person:{person_id}", detail="agreed" if agreed else "withdrawn")
    except DomainError as refusal:
        return message_page(400, say(refusal.key, **refusal.fields))
    return chat.back("/console/people?ok=consent")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/board", console_board_page)
    app.router.add_post("/console/board/consent", consent)
    app.router.add_get("/board/{community}/{signature}", public_board)
