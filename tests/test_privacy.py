"""Issue 10, privacy: a ticket's text, reporter and flat reach only those docs/privacy.md names.

Each read path is played: 查询 in chat (a stranger in a grid group, another resident, the
claimer, a member while the ticket is offered and after someone else claimed it, staff),
the read API and the monthly report download."""
from __future__ import annotations

import io

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.clock import to_local, utcnow
from bot.web.app import create_app
from tests.harness import (
    EAST,
    GRID_WORKER,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBERS,
    RES_SUN,
    RES_ZHAO,
    SECRETARY,
    texts,
)

REPORT = "我家1号楼2单元302室的水管漏水了，地板都泡了"
SECRETS = ("302", "漏水", "赵阿姨")  # the flat, the text, the reporter


def shows_nothing_private(text: str) -> bool:
    return not any(s in text for s in SECRETS)


def shows_details(text: str) -> bool:
    return all(s in text for s in SECRETS)


async def _zhao_reports_privately(bot) -> int:
    replies = await bot.say(RES_ZHAO, REPORT, None)
    ticket = (await bot.tickets())[-1]
    assert f"#{ticket.number}" in texts(replies) and ticket.room_no == "302"
    return ticket.number


async def test_a_stranger_in_a_grid_group_learns_only_the_status(bot):
    number = await _zhao_reports_privately(bot)
    replies = await bot.say("stranger-1", f"查询 {number}", EAST, name="路人甲")
    assert len(replies) == 1 and replies[0].room == EAST
    text = replies[0].text
    assert f"#{number}" in text and "待认领" in text
    assert shows_nothing_private(text), text
    assert "水电" not in text and "设施报修" not in text  # not even the category


async def test_another_resident_learns_only_the_status_even_privately(bot):
    number = await _zhao_reports_privately(bot)
    for room in (EAST, None):
        text = texts(await bot.say(RES_SUN, f"查询 {number}", room))
        assert "待认领" in text and shows_nothing_private(text), text


async def test_the_reporter_sees_everything_privately(bot):
    number = await _zhao_reports_privately(bot)
    assert shows_details(texts(await bot.say(RES_ZHAO, f"查询 {number}", None)))


async def test_details_asked_in_a_group_that_never_saw_them_go_privately(bot):
    """赵阿姨 reported privately: asking in her grid group must not post her flat there."""
    number = await _zhao_reports_privately(bot)
    replies = await bot.say(RES_ZHAO, f"查询 {number}", EAST)
    in_group = [r for r in replies if r.room == EAST]
    private = [r for r in replies if r.room is None and r.to == RES_ZHAO]
    assert len(in_group) == 1 and shows_nothing_private(in_group[0].text) and "私信" in in_group[0].text
    assert len(private) == 1 and shows_details(private[0].text)


async def test_details_in_the_group_where_the_ticket_was_reported(bot):
    number = await bot.open_ticket("1号楼2单元302室门口的灯坏了好几天了", sender=RES_ZHAO)
    replies = await bot.say(RES_ZHAO, f"查询 {number}", EAST)
    assert len(replies) == 1 and replies[0].room == EAST and "302" in replies[0].text


async def test_a_member_sees_details_while_offered_and_not_after_someone_else_claimed(bot):
    number = await _zhao_reports_privately(bot)
    assert shows_details(texts(await bot.say(MEMBER_CHEN, f"查询 {number}", None)))
    in_members = await bot.say(MEMBER_CHEN, f"查询 {number}", MEMBERS)  # everyone there is offered it
    assert len(in_members) == 1 and shows_details(in_members[0].text)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    after = texts(await bot.say(MEMBER_CHEN, f"查询 {number}", None))
    assert "处理中" in after and shows_nothing_private(after), after


async def test_the_claimer_sees_details_privately_not_in_the_members_group(bot):
    number = await _zhao_reports_privately(bot)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert shows_details(texts(await bot.say(MEMBER_LI, f"查询 {number}", None)))
    replies = await bot.say(MEMBER_LI, f"查询 {number}", MEMBERS)
    assert shows_nothing_private(texts([r for r in replies if r.room == MEMBERS]))
    assert shows_details(texts([r for r in replies if r.room is None and r.to == MEMBER_LI]))


async def test_staff_see_details_at_any_status(bot):
    number = await _zhao_reports_privately(bot)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 换了水管", MEMBERS)
    for person in (SECRETARY, GRID_WORKER):
        text = texts(await bot.say(person, f"查询 {number}", None))
        assert shows_details(text) and "李师傅" in text, text


async def test_the_read_api_is_operator_level_and_says_so_in_the_rule(bot):
    """Every caller the API lets in (this machine, API_TOKEN, a signed link) is the operator."""
    number = await _zhao_reports_privately(bot)
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        body = await (await client.get(f"/api/tickets/{number}")).json()
    assert body["text"] == REPORT and body["room_no"] == "302" and body["reporter"] == RES_ZHAO
    assert body["details"] is True


async def test_the_monthly_report_is_operator_level(bot):
    number = await _zhao_reports_privately(bot)
    month = to_local(utcnow()).strftime("%Y-%m")
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        response = await client.get(f"/api/reports/xingfuli/{month}.xlsx")
        data = await response.read()
    assert response.status == 200
    sheet = load_workbook(io.BytesIO(data)).worksheets[2]
    row = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == number)]
    assert REPORT in row


async def test_a_reader_below_operator_would_get_the_status_only(bot, monkeypatch):
    """The web routes ask the rule too: a per-person login (none exists yet) plugs in at
    ``auth.viewer_of``; here another resident reads the API and the report."""
    from bot.db.directory_cache import PersonRef
    from bot.services.directory import RESIDENT, Actor
    from bot.web import api as api_routes
    from bot.web import reports as report_routes

    number = await _zhao_reports_privately(bot)
    sun = Actor(PersonRef(RES_SUN, "孙先生"), "xingfuli", frozenset({RESIDENT}))
    monkeypatch.setattr(api_routes, "viewer_of", lambda request: sun)
    monkeypatch.setattr(report_routes, "viewer_of", lambda request: sun)
    month = to_local(utcnow()).strftime("%Y-%m")
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        body = await (await client.get(f"/api/tickets/{number}")).json()
        data = await (await client.get(f"/api/reports/xingfuli/{month}.xlsx")).read()
    assert body == {"number": number, "community": "xingfuli", "status": "open", "details": False}
    sheet = load_workbook(io.BytesIO(data)).worksheets[2]
    row = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == number)]
    assert all(shows_nothing_private(str(v)) for v in row), row
