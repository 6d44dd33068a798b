"""The office console's door (issue 14): /后台 links, sessions, CSRF, scope, the audit log."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import clock
from bot.db.models import Community, Person, PersonRole, Ticket
from bot.db.models_console import ConsoleAudit, ConsoleLink, ConsoleSession
from bot.services import console_auth
from bot.web.app import create_app
from bot.web.console.access import COOKIE
from tests.harness import EAST, GRID_WORKER, MEMBER_LI, RES_ZHAO, SECRETARY, keys

LINK = re.compile(r"http://[^/\s]+(/console/login/\S+)")


def client_of(bot, **settings) -> TestClient:
    for key, value in settings.items():
        setattr(bot.runtime.settings, key, value)
    return TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1"))


async def link_for(bot, person: str = SECRETARY) -> str:
    replies = await bot.say(person, "/后台", None)
    assert keys(replies) == ["console_link"], replies
    return LINK.search(replies[0].text).group(1)


async def login(client: TestClient, path: str) -> dict[str, str]:
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"] == "/console/"
    morsel = resp.cookies[COOKIE]
    return {"Cookie": f"{COOKIE}={morsel.value}"}


async def csrf_of(client: TestClient, cookie: dict[str, str], path: str = "/console/") -> str:
    page = await (await client.get(path, headers=cookie)).text()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def second_community(bot) -> int:
    """Community 'heping' with its own secretary and one ticket; returns the ticket id."""
    async with bot.runtime.db.transaction() as session:
        session.add(Community(id="heping", name="和平社区"))
        session.add(Person(id="sec-he", name="何书记"))
        session.add(Person(id="res-he", name="和平居民"))
        await session.flush()
        session.add(PersonRole(person_id="sec-he", community_id="heping", role="secretary"))
        session.add(PersonRole(person_id="res-he", community_id="heping", role="resident"))
        ticket = Ticket(community_id="heping", number=1, text="和平社区路灯坏了", reporter_id="res-he")
        session.add(ticket)
        await session.flush()
        return ticket.id


async def test_a_secretary_gets_a_one_time_link_in_private_only(bot):
    assert keys(await bot.say(SECRETARY, "/后台", EAST)) == ["console_private_only"]
    assert keys(await bot.say(RES_ZHAO, "/后台", None)) != ["console_link"]
    assert keys(await bot.say(MEMBER_LI, "/后台", None)) != ["console_link"]
    path = await link_for(bot)
    assert SECRETARY not in path and "王" not in path  # no personal data in the address
    async with client_of(bot) as client:
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 303
        set_cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age" in set_cookie
        cookie = {"Cookie": f"{COOKIE}={resp.cookies[COOKIE].value}"}
        page = await client.get("/console/", headers=cookie)
        assert page.status == 200 and "今日" in await page.text()
        again = await client.get(path, allow_redirects=False)  # single use
        assert again.status == 403 and "已经用过" in await again.text()
    async with bot.runtime.db.sessions() as session:
        rows = list(await session.scalars(select(ConsoleSession)))
        assert len(rows) == 1 and rows[0].person_id == SECRETARY
        assert path.rsplit("/", 1)[1] not in {r.token_hash for r in await session.scalars(select(ConsoleLink))}
        assert [a.action for a in await session.scalars(select(ConsoleAudit))] == ["login"]


async def test_expired_and_forged_links_are_refused(bot):
    settings = bot.runtime.settings
    async with bot.runtime.db.transaction() as session:
        old = await console_auth.issue_link(session=session, settings=settings, person_id=SECRETARY,
                                            now=clock.utcnow() - timedelta(minutes=11))
    fresh = await link_for(bot)
    token = fresh.rsplit("/", 1)[1]
    forged = fresh[: -3] + ("aaa" if not fresh.endswith("aaa") else "bbb")
    async with client_of(bot) as client:
        assert (await client.get(old[old.index("/console"):], allow_redirects=False)).status == 403
        assert (await client.get(forged, allow_redirects=False)).status == 403
        assert (await client.get("/console/login/" + token.split(".")[0], allow_redirects=False)).status == 403
        assert (await client.get(fresh, allow_redirects=False)).status == 303


async def test_link_creation_is_rate_limited(bot):
    for _ in range(bot.runtime.settings.console_links_per_hour):
        await link_for(bot)
    assert keys(await bot.say(SECRETARY, "/后台", None)) == ["err_console_rate"]


async def test_logout_in_chat_revokes_every_browser(bot):
    async with client_of(bot) as client:
        first = await login(client, await link_for(bot))
        second = await login(client, await link_for(bot))
        unused = await link_for(bot)
        assert (await client.get("/console/", headers=first)).status == 200
        assert keys(await bot.say(SECRETARY, "/后台 退出", None)) == ["console_logged_out"]
        for cookie in (first, second):
            assert (await client.get("/console/", headers=cookie)).status == 401
        assert (await client.get(unused, allow_redirects=False)).status == 403


async def test_logout_button_needs_the_csrf_token(bot):
    async with client_of(bot) as client:
        cookie = await login(client, await link_for(bot))
        assert (await client.post("/console/logout", headers=cookie, data={})).status == 403
        token = await csrf_of(client, cookie)
        resp = await client.post("/console/logout", headers=cookie, data={"csrf": token}, allow_redirects=False)
        assert resp.status == 303
        assert (await client.get("/console/", headers=cookie)).status == 401


async def test_no_session_no_console(bot):
    async with client_of(bot) as client:
        for path in ("/console/", "/console/tickets", "/console/tickets/1"):
            resp = await client.get(path)
            assert resp.status == 401 and "/后台" in await resp.text()
        assert (await client.get("/console/", headers={"Cookie": f"{COOKIE}=made-up"})).status == 401
        assert (await client.post("/console/tickets/1/assign", data={"person": "李师傅"})).status == 401


async def test_the_console_refuses_to_start_without_a_secret_outside_the_simulator(bot):
    async with client_of(bot, transport="wecom", api_token="t", console_secret=None) as client:
        assert (await client.get("/console/")).status == 404
    assert keys(await bot.say(SECRETARY, "/后台", None)) == ["err_console_off"]
    async with client_of(bot, console_secret="a-long-secret") as client:
        assert (await client.get("/console/")).status == 401
        assert keys(await bot.say(SECRETARY, "/后台", None)) == ["console_link"]


async def test_a_session_of_someone_no_longer_staff_is_refused(bot):
    """A member (never staff) holding a session, e.g. a role taken away after login."""
    settings = bot.runtime.settings
    async with bot.runtime.db.transaction() as session:
        url = await console_auth.issue_link(session=session, settings=settings, person_id=MEMBER_LI,
                                            now=clock.utcnow())
    async with client_of(bot) as client:
        cookie = await login(client, url[url.index("/console"):])
        resp = await client.get("/console/", headers=cookie)
        assert resp.status == 403 and "没有权限" in await resp.text()


@pytest.mark.parametrize("who, own, other", [
    (SECRETARY, 200, 403),  # secretary of 幸福里: her ticket yes, 和平's no
    ("sec-he", 403, 200),  # secretary of 和平: the other way round
])
async def test_secretaries_see_only_their_community(bot, who, own, other):
    heping_ticket = await second_community(bot)
    number = await bot.open_ticket()
    mine = (await bot.ticket(number)).id
    async with bot.runtime.db.transaction() as session:
        url = await console_auth.issue_link(session=session, settings=bot.runtime.settings, person_id=who,
                                            now=clock.utcnow())
    async with client_of(bot) as client:
        cookie = await login(client, url[url.index("/console"):])
        assert (await client.get(f"/console/tickets/{mine}", headers=cookie)).status == own
        assert (await client.get(f"/console/tickets/{heping_ticket}", headers=cookie)).status == other
        listing = await (await client.get("/console/tickets", headers=cookie)).text()
        assert ("和平社区路灯坏了" in listing) == (other == 200)
        token = await csrf_of(client, cookie)
        resp = await client.post(f"/console/tickets/{heping_ticket}/assign", headers=cookie,
                                 data={"csrf": token, "person": "何书记"}, allow_redirects=False)
        assert resp.status == (303 if other == 200 else 403), await resp.text()


async def test_a_grid_worker_sees_and_acts_on_their_grid_only(bot):
    east = await bot.open_ticket()  # 1号楼, 东区: 周网格员's grid
    await bot.say(RES_ZHAO, "6号楼门口垃圾堆了三天没人清理，味道很大", "room-west")
    west = (await bot.tickets())[-1]
    assert west.building == "6"
    east_id = (await bot.ticket(east)).id
    async with client_of(bot) as client:
        cookie = await login(client, await link_for(bot, GRID_WORKER))
        assert (await client.get(f"/console/tickets/{east_id}", headers=cookie)).status == 200
        assert (await client.get(f"/console/tickets/{west.id}", headers=cookie)).status == 403
        today = await (await client.get("/console/", headers=cookie)).text()
        assert f"#{east}" in today and f"#{west.number}<" not in today
        token = await csrf_of(client, cookie)
        no_csrf = await client.post(f"/console/tickets/{east_id}/assign", headers=cookie, data={"person": "李师傅"})
        assert no_csrf.status == 403
        assert (await bot.ticket(east)).status == "open"
        resp = await client.post(f"/console/tickets/{east_id}/assign", headers=cookie,
                                 data={"csrf": token, "person": "李师傅"}, allow_redirects=False)
        assert resp.status == 303
        assert (await client.post(f"/console/tickets/{west.id}/assign", headers=cookie,
                                  data={"csrf": token, "person": "李师傅"})).status == 403
    ticket = await bot.ticket(east)
    assert ticket.status == "claimed" and ticket.claimer_id == MEMBER_LI
    async with bot.runtime.db.sessions() as session:
        audit = [(a.person_id, a.action, a.target) for a in await session.scalars(
            select(ConsoleAudit).order_by(ConsoleAudit.id))]
    assert audit == [(GRID_WORKER, "login", None), (GRID_WORKER, "ticket.assign", f"ticket:{east_id}")]


async def _secretary_client(bot):
    client = client_of(bot)
    await client.start_server()
    cookie = await login(client, await link_for(bot))
    return client, cookie, await csrf_of(client, cookie)


async def test_verify_a_done_ticket_from_the_console_posts_points_and_tells_people(bot):
    number = await bot.done_ticket()
    ticket = await bot.ticket(number)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get(f"/console/tickets/{ticket.id}", headers=cookie)).text()
        assert "验收通过" in page and "办完" in page  # the button and the timeline
        resp = await client.post(f"/console/tickets/{ticket.id}/verify", headers=cookie,
                                 data={"csrf": token, "verdict": "通过"}, allow_redirects=False)
        assert resp.status == 303, await resp.text()
        done = await (await client.get(resp.headers["Location"], headers=cookie)).text()
        assert "已完成：验收" in done and "验收通过" in done
    finally:
        await client.close()
    assert (await bot.ticket(number)).status == "verified"
    from bot.services import points

    async with bot.runtime.db.sessions() as session:
        assert await points.balance(session=session, person_id=MEMBER_LI) > 0
    told = {(m.to_person, m.reply_key) for m in await bot.outbox()}
    assert (MEMBER_LI, "ticket_verified_claimer") in told


async def test_reject_and_recategorize_from_the_console(bot):
    number = await bot.done_ticket()
    ticket = await bot.ticket(number)
    client, cookie, token = await _secretary_client(bot)
    try:
        resp = await client.post(f"/console/tickets/{ticket.id}/verify", headers=cookie,
                                 data={"csrf": token, "verdict": "驳回", "reason": "灯还是不亮"}, allow_redirects=False)
        assert resp.status == 303
        again = await client.post(f"/console/tickets/{ticket.id}/verify", headers=cookie,
                                  data={"csrf": token, "verdict": "通过"})
        assert again.status == 400 and re.search(r"[\u4e00-\u9fff]", await again.text())  # not done any more
        bad = await client.post(f"/console/tickets/{ticket.id}/category", headers=cookie,
                                data={"csrf": token, "category": "nonsense"})
        assert bad.status == 400 and "可选" in await bad.text()
        ok = await client.post(f"/console/tickets/{ticket.id}/category", headers=cookie,
                               data={"csrf": token, "category": "safety"}, allow_redirects=False)
        assert ok.status == 303
    finally:
        await client.close()
    ticket = await bot.ticket(number)
    assert ticket.status == "claimed" and ticket.category == "safety"
    async with bot.runtime.db.sessions() as session:
        actions = [a.action for a in await session.scalars(select(ConsoleAudit).order_by(ConsoleAudit.id))]
    assert actions == ["login", "ticket.verify", "ticket.verify", "ticket.category"]
