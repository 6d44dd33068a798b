"""Who is in the console: the login link, the session cookie, CSRF, scope and the audit log.

- ``GET /console/login/{token}``: a link from /后台, used once; sets the cookie and redirects to 今日.
  The cookie is HttpOnly, SameSite=Lax (the link is opened from the chat app, a cross-site
  navigation), Secure when PUBLIC_BASE_URL is https, and expires with the server-side session.
- Every other /console/ page needs a live session; the request then carries ``Viewer`` (the person
  and their scopes from bot.services.scope, read afresh on every request so a role taken away
  takes effect at once). Someone with no staff scope left is refused.
- Every POST carries the session's CSRF token (``csrf`` form field) and, when the browser sends
  an Origin, it must be this server.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from aiohttp import web
from yarl import URL

from bot import clock
from bot.replies import say
from bot.services import console_auth, directory, scope

COOKIE = "gridbot_console"
PLACE_COOKIE = "gridbot_console_c"  # the community chosen by someone with several (not secret: checked each time)
PUBLIC = ("/console/login/", "/console/static/")


@dataclass(frozen=True)
class Viewer:
    person_id: str
    name: str
    csrf: str
    scopes: scope.Scopes
    community_id: str  # the community the pages show and act in: one of scopes.communities
    places: tuple[tuple[str, str], ...] = ()  # (id, name) of every community, when there are several


VIEWER = web.RequestKey("console_viewer", Viewer)


def page_error(status: int, key: str) -> web.Response:
    from bot.web.console.pages import message_page

    return message_page(status, say(key))


def viewer(request: web.Request) -> Viewer:
    return request[VIEWER]


def middleware(settings):
    @web.middleware
    async def console_access(request: web.Request, handler):
        path = request.path
        if not path.startswith("/console") or path.startswith(PUBLIC):
            return await handler(request)
        from bot.web.app import RUNTIME

        db = request.app[RUNTIME].db
        now = clock.utcnow()
        async with db.sessions() as session:
            row = await console_auth.session_of(session=session, settings=settings,
                                                token=request.cookies.get(COOKIE, ""), now=now)
            if row is None:
                return page_error(401, "console_login_needed")
            scopes = await scope.staff_scopes(session=session, person_id=row.person_id)
            name = await directory.name_of(session=session, person_id=row.person_id) or row.person_id
            if not scopes.items:
                return page_error(403, "console_forbidden")
            mine = scopes.communities
            chosen = request.cookies.get(PLACE_COOKIE, "")
            current = chosen if chosen in mine else mine[0]
            places = tuple([(c, await directory.community_name(session=session, community_id=c) or c)
                            for c in mine]) if len(mine) > 1 else ()
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and URL(origin).host != request.url.host:
                return page_error(403, "console_csrf")
            form = await request.post()
            given = str(form.get("csrf", ""))
            if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), row.csrf.encode()):
                return page_error(403, "console_csrf")
        request[VIEWER] = Viewer(row.person_id, name, row.csrf, scopes, current, places)
        response = await handler(request)
        response.headers.setdefault("Cache-Control", "no-store")
        # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return console_access


async def login(request: web.Request) -> web.StreamResponse:
    from bot.web.app import RUNTIME

    runtime = request.app[RUNTIME]
    settings = runtime.settings
    async with runtime.db.transaction() as session:
        opened = await console_auth.redeem_link(session=session, settings=settings,
                                                token=request.match_info["token"], now=clock.utcnow())
    if opened is None:
        response = page_error(403, "console_link_invalid")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    response = web.Response(status=303, headers={"Location": "/console/"})  # the token leaves the address bar
    secure = bool(settings.public_base_url and settings.public_base_url.startswith("https:"))
    response.set_cookie(COOKIE, opened.token, httponly=True, samesite="Lax", secure=secure, path="/console",
                        max_age=settings.console_session_hours * 3600)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    from bot.web.app import RUNTIME

    me = viewer(request)
    async with request.app[RUNTIME].db.transaction() as session:
        await console_auth.revoke_all(session=session, person_id=me.person_id, now=clock.utcnow())
    response = web.Response(status=303, headers={"Location": "/console/login/"})
    response.del_cookie(COOKIE, path="/console")
    return response


async def choose_place(request: web.Request) -> web.StreamResponse:
    """A street officer (several communities) picks the community the pages show."""
    me = viewer(request)
    wanted = str((await request.post()).get("community", ""))
    if wanted not in me.scopes.communities:
        return page_error(403, "console_forbidden")
    response = web.Response(status=303, headers={"Location": "/console/"})
    response.set_cookie(PLACE_COOKIE, wanted, httponly=True, samesite="Lax", path="/console")
    return response


async def bye(request: web.Request) -> web.Response:
    return page_error(200, "console_logged_out_page")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/login/{token}", login)
    app.router.add_post("/console/logout", logout)
    app.router.add_post("/console/place", choose_place)
    app.router.add_get("/console/login/", bye)
