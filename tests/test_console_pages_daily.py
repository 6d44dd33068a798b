"""Console pages, part four (issue 14: "every daily task of the README without typing a command"):
/改 紧急 / 不紧急 / 位置 on the ticket page, 参加次数考核 on 人员, 积分规则 改名 and the rule table .xlsx,
需求 汇总 and the teams' ranking on 清单和队伍, and 战时 for the whole street on 通知和应急."""
from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from tests.harness import GRID_WORKER
from tests.test_console_access import _secretary_client, client_of, csrf_of, link_for, login, second_community
from tests.test_console_pages import HAN, audit_actions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _client_for(bot, person: str):
    client = client_of(bot)
    await client.start_server()
    cookie = await login(client, await link_for(bot, person))
    return client, cookie, await csrf_of(client, cookie)


def _cells(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(BytesIO(data)).active.iter_rows(values_only=True)]


async def test_urgency_and_place_are_corrected_from_the_ticket_page_as_改_does(bot):
    from bot.db.models_learning import TicketCorrection

    number = await bot.open_ticket()
    ticket = await bot.ticket(number)
    other = await second_community(bot)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get(f"/console/tickets/{ticket.id}", headers=cookie)).text()
        assert "改为紧急" in page and "改位置" in page
        urgent = await client.post(f"/console/tickets/{ticket.id}/correct", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "what": "urgent"})
        assert urgent.status == 303, await urgent.text()
        page = await (await client.get(urgent.headers["Location"], headers=cookie)).text()
        assert "已完成：更正" in page and "改为不紧急" in page
        same = await client.post(f"/console/tickets/{ticket.id}/correct", headers=cookie,
                                 data={"csrf": token, "what": "urgent"})
        assert same.status == 400 and "不用改" in await same.text()  # the bot's own refusal
        empty = await client.post(f"/console/tickets/{ticket.id}/correct", headers=cookie,
                                  data={"csrf": token, "place": " "})
        assert empty.status == 400 and "位置" in await empty.text()
        moved = await client.post(f"/console/tickets/{ticket.id}/correct", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "place": "3号楼 2单元"})
        assert moved.status == 303, await moved.text()
        foreign = await client.post(f"/console/tickets/{other}/correct", headers=cookie,
                                    data={"csrf": token, "what": "urgent"})
        assert foreign.status == 403
    finally:
        await client.close()
    ticket = await bot.ticket(number)
    assert (ticket.urgency, ticket.building, ticket.unit) == ("urgent", "3", "2")
    assert (await bot.ticket(1, "heping")).urgency != "urgent"
    async with bot.runtime.db.sessions() as session:
        fields = list(await session.scalars(select(TicketCorrection.field).order_by(TicketCorrection.id)))
    assert fields == ["urgency", "location"]  # kept as examples, as the chat's /改 keeps them
    assert (await audit_actions(bot)).count("ticket.correct") == 3  # the bot's refusal too (not the empty form)


async def test_participation_minimum_table_and_workbook_on_the_people_page(bot):
    from bot.db.models_tasks import ParticipationRule

    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/people", headers=cookie)).text()
        assert "参加次数考核（本年）" in page and "还没有设定每个考核期最少参加几次" in page
        bad = await client.post("/console/people/minimum", headers=cookie, data={"csrf": token, "count": "四"})
        assert bad.status == 400 and "最少参加次数" in await bad.text()
        too_many = await client.post("/console/people/minimum", headers=cookie, data={"csrf": token, "count": "999"})
        assert too_many.status == 400 and HAN.search(await too_many.text())
        done = await client.post("/console/people/minimum", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "count": "4"})
        assert done.status == 303, await done.text()
        page = await (await client.get("/console/people?period=month", headers=cookie)).text()
        assert "参加次数考核（本月）" in page and "最少参加 <b>4</b> 次" in page
        assert "<td>李师傅</td>" in page and "未达标" in page
        sheet = await client.get("/console/participation.xlsx?period=month", headers=cookie)
        assert sheet.status == 200 and sheet.headers["Content-Type"] == XLSX
        names = [row[0] for row in _cells(await sheet.read())]
        assert "李师傅" in names
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert (await session.get(ParticipationRule, "xingfuli")).min_count == 4
    # A grid worker sees only their grids' members: no assessment naming everyone, no setting it here.
    client, cookie, token = await _client_for(bot, GRID_WORKER)
    try:
        page = await (await client.get("/console/people", headers=cookie)).text()
        assert "参加次数考核" not in page
        refused = await client.post("/console/people/minimum", headers=cookie, data={"csrf": token, "count": "1"})
        assert refused.status == 403
        assert (await client.get("/console/participation.xlsx", headers=cookie)).status == 403
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert (await session.get(ParticipationRule, "xingfuli")).min_count == 4
    actions = await audit_actions(bot)
    assert actions.count("people.minimum") == 2 and "people.participation_export" in actions


async def test_a_rule_renamed_and_the_rule_table_downloaded_from_the_points_page(bot):
    from bot.db.models_mobilise import CommunityRule

    await bot.say("sec-wang", "/积分规则 新增 完成实事承诺 2 说明", None)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/points", headers=cookie)).text()
        assert "改名的规则" in page and "/console/rules.xlsx" in page
        unknown = await client.post("/console/points/rule_rename", headers=cookie,
                                    data={"csrf": token, "name": "没有这条", "new_name": "新名"})
        assert unknown.status == 400 and HAN.search(await unknown.text())
        renamed = await client.post("/console/points/rule_rename", headers=cookie, allow_redirects=False,
                                    data={"csrf": token, "name": "完成实事承诺", "new_name": "兑现实事承诺"})
        assert renamed.status == 303, await renamed.text()
        await bot.say("sec-wang", "/积分规则 设置 志愿劳动 3", None)
        assert "恢复默认分值的规则" in await (await client.get("/console/points", headers=cookie)).text()
        reset = await client.post("/console/points/rule_reset", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "name": "志愿劳动"})
        assert reset.status == 303, await reset.text()
        page = await (await client.get("/console/points", headers=cookie)).text()
        assert "恢复默认分值的规则" not in page  # no rule differs from the default any more
        sheet = await client.get("/console/rules.xlsx", headers=cookie)
        assert sheet.status == 200 and sheet.headers["Content-Type"] == XLSX
        assert any("兑现实事承诺" in row for row in _cells(await sheet.read()))
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        versions = [(r.version, r.name) for r in await session.scalars(select(CommunityRule).order_by(CommunityRule.id))]
    assert versions == [(1, "完成实事承诺"), (2, "兑现实事承诺")]  # a new version, the old one kept
    assert {"points.rule_rename", "points.rule_reset", "points.rules_export"} <= set(await audit_actions(bot))


async def test_needs_summary_and_the_teams_ranking_on_the_lists_page(bot):
    from bot.db.models import Ticket
    from bot.db.models_lists import ListItem

    async with bot.runtime.db.transaction() as session:
        for n in (91, 92, 93):  # the same building and category three times: a recurring need
            session.add(Ticket(community_id="xingfuli", number=n, text="5号楼水管漏水", reporter_id="res-zhao",
                               building="5", category="repair"))
    await bot.say("sec-wang", "/队伍 新建 防汛突击队 @李师傅", None)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/lists?rank=week", headers=cookie)).text()
        assert "队伍排行（本周）" in page and "<td>防汛突击队</td>" in page
        collected = await client.post("/console/lists/collect", headers=cookie, allow_redirects=False,
                                      data={"csrf": token})
        assert collected.status == 303, await collected.text()
        page = await (await client.get(collected.headers["Location"], headers=cookie)).text()
        assert "已完成：需求汇总" in page and "5号楼" in page
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        needs = [i.title for i in await session.scalars(select(ListItem).where(ListItem.kind == "need"))]
    assert len(needs) == 1 and "5号楼" in needs[0]
    # Another community's secretary sees neither the team nor the need.
    await second_community(bot)
    client, cookie, _token = await _client_for(bot, "sec-he")
    try:
        page = await (await client.get("/console/lists", headers=cookie)).text()
        assert "防汛突击队" not in page and "5号楼" not in page
    finally:
        await client.close()


async def test_a_street_officer_switches_the_whole_street_to_wartime_from_the_console(bot):
    from bot.db.models_mobilise import WartimeMode

    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/notices", headers=cookie)).text()
        assert "全街道开启战时状态" not in page
        assert page.index("开启战时状态") > page.index("</title>")  # the form is on the page, not in its title
        refused = await client.post("/console/emergency/street_on", headers=cookie,
                                    data={"csrf": token, "reason": "防汛"})
        assert refused.status == 400 and HAN.search(await refused.text())
    finally:
        await client.close()
    client, cookie, token = await _client_for(bot, "st-zhang")
    try:
        page = await (await client.get("/console/notices", headers=cookie)).text()
        assert "全街道战时状态（" in page and "全街道开启战时状态" in page
        empty = await client.post("/console/emergency/street_on", headers=cookie, data={"csrf": token, "reason": ""})
        assert empty.status == 400 and "战时原因" in await empty.text()
        on = await client.post("/console/emergency/street_on", headers=cookie, allow_redirects=False,
                               data={"csrf": token, "reason": "防汛红色预警"})
        assert on.status == 303, await on.text()
        async with bot.runtime.db.sessions() as session:
            opened = sorted((m.community_id, m.street_id, m.ended_at is None)
                            for m in await session.scalars(select(WartimeMode)))
        assert opened == [("anping", "xinhua", True), ("xingfuli", "xinhua", True)]
        off = await client.post("/console/emergency/street_off", headers=cookie, allow_redirects=False,
                                data={"csrf": token})
        assert off.status == 303, await off.text()
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert all(m.ended_at is not None for m in await session.scalars(select(WartimeMode)))
    assert {"emergency.street_on", "emergency.street_off"} <= set(await audit_actions(bot))


async def test_a_survey_published_summarised_and_closed_from_the_console(bot):
    """需求征集 without a command: the question previewed and sent from 通知和应急, the answers
    summarised (the bot's summary on the page, wishes of 2+ people in the 需求清单) and the survey
    closed from 清单和队伍."""
    from bot.db.models_lists import ListItem, Survey

    client, cookie, token = await _secretary_client(bot)
    try:
        preview = await client.post("/console/notices/survey/preview", headers=cookie,
                                    data={"csrf": token, "content": "明年最希望社区办哪件实事？"})
        assert preview.status == 200 and "将向 3 个群发出需求征集" in await preview.text()
        sent = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "go": "1"})
        assert sent.headers["Location"] == "/console/notices?ok=surveyed"
        for who, words in (("res-zhao", "加装电梯"), ("res-sun", "老楼装个电梯吧"), ("res-wu", "老年食堂")):
            await bot.say(who, f"建议 1 {words}", None)
        page = await (await client.get("/console/lists", headers=cookie)).text()
        assert "明年最希望社区办哪件实事？" in page and "3 条" in page
        summary = await client.post("/console/lists/survey_sum", headers=cookie, data={"csrf": token, "number": "1"})
        text = await summary.text()
        assert summary.status == 200 and "3 人提了建议，归为 2 类" in text and "加装电梯（2 人）" in text
        missing = await client.post("/console/lists/survey_sum", headers=cookie, data={"csrf": token, "number": "7"})
        assert missing.status == 400 and "没有第 7 号需求征集" in await missing.text()
        closed = await client.post("/console/lists/survey_close", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "number": "1"})
        assert closed.headers["Location"] == "/console/lists?ok=survey_close"
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert [i.title for i in await session.scalars(select(ListItem).where(ListItem.kind == "need"))] == ["加装电梯"]
        assert [s.open for s in await session.scalars(select(Survey))] == [False]
    actions = await audit_actions(bot)
    assert {"notice.survey.preview", "notice.confirm", "lists.survey_sum", "lists.survey_close"} <= set(actions)
    # Another community's secretary sees none of it.
    await second_community(bot)
    client, cookie, _token = await _client_for(bot, "sec-he")
    try:
        assert "明年最希望社区办哪件实事" not in await (await client.get("/console/lists", headers=cookie)).text()
    finally:
        await client.close()


async def test_the_people_page_names_unit_members_who_have_not_reported_here(bot):
    """双报到 on 人员, as 「/单位 考核」 says it: a member on the unit's roster who is no member anywhere."""
    from bot.services import loader

    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data={
            "communities": [{"id": "xingfuli", "name": "幸福里社区",
                             "people": [{"id": "res-huang", "name": "黄先生", "roles": ["resident"]}]}],
            "units": [{"id": "fgw", "name": "市发改委机关党委", "communities": ["xingfuli"],
                       "members": ["mem-li", "mem-chen", "res-huang"]}]})
    client, cookie, _token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/people", headers=cookie)).text()
        assert "还没有到居住地社区报到的党员" in page and "<li>市发改委机关党委：黄先生</li>" in page
    finally:
        await client.close()
    client, cookie, _token = await _client_for(bot, GRID_WORKER)  # a grid worker's view has no such section
    try:
        assert "黄先生" not in await (await client.get("/console/people", headers=cookie)).text()
    finally:
        await client.close()
