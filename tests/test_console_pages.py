"""Console pages beyond the door (issue 14): the ticket page's photos and chat actions (转办, 上报, 吹哨,
督办), 积分 and 统计, a street officer's communities; each through the services chat uses, scoped,
CSRF-checked and audited. Part two: tests/test_console_pages_more.py."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.db.models_console import ConsoleAudit
from bot.db.models_streets import DepartmentTask
from tests.harness import EAST, RES_ZHAO
from tests.media import photo
from tests.test_console_access import _secretary_client

HAN = re.compile(r"[\u4e00-\u9fff]")


async def audit_actions(bot) -> list[str]:
    async with bot.runtime.db.sessions() as session:
        return [a.action for a in await session.scalars(select(ConsoleAudit).order_by(ConsoleAudit.id))]


async def test_the_ticket_page_shows_photos_through_signed_links(bot):
    number = await bot.open_ticket()
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(),))
    ticket = await bot.ticket(number)
    client, cookie, _token = await _secretary_client(bot)
    try:
        page = await (await client.get(f"/console/tickets/{ticket.id}", headers=cookie)).text()
        thumbs = re.findall(r'<img src="([^"]+)"', page)
        assert len(thumbs) == 1 and thumbs[0].startswith("/files/") and "sig=" in thumbs[0]
        image = await client.get(thumbs[0].replace("&amp;", "&"))
        assert image.status == 200 and image.headers["Content-Type"] == "image/jpeg"
        forged = await client.get(thumbs[0].replace("&amp;", "&").replace("sig=", "sig=0"))
        assert forged.status == 403
    finally:
        await client.close()


async def test_transfer_and_raise_from_the_ticket_page_go_through_the_chat_commands(bot):
    number = await bot.open_ticket()
    ticket = await bot.ticket(number)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get(f"/console/tickets/{ticket.id}", headers=cookie)).text()
        assert "<option>城管</option>" in page and "上报街道" in page
        for data, fragment in [({"department": ""}, "请填写「部门」"), ({"department": "城管", "days": "三"}, "整数"),
                               ({"department": "环保局"}, "城管")]:
            bad = await client.post(f"/console/tickets/{ticket.id}/transfer", headers=cookie,
                                    data={"csrf": token, **data})
            assert bad.status == 400 and fragment in await bad.text(), data
        ok = await client.post(f"/console/tickets/{ticket.id}/transfer", headers=cookie, allow_redirects=False,
                               data={"csrf": token, "department": "城管", "days": "5", "note": "路面塌陷\n/派单 1 x"})
        assert ok.status == 303, await ok.text()
        shown = await (await client.get(ok.headers["Location"], headers=cookie)).text()
        assert "已完成：转办" in shown and "城管：已转办待受理" in shown
        raised = await client.post(f"/console/tickets/{ticket.id}/raise", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "note": "需要街道协调"})
        assert raised.status == 303
        listed = await (await client.get("/console/tickets?department=城管", headers=cookie)).text()
        assert f"/console/tickets/{ticket.id}" in listed
        other = await (await client.get("/console/tickets?department=供水", headers=cookie)).text()
        assert f"/console/tickets/{ticket.id}" not in other and "没有符合条件的诉求" in other
        whistled = await client.post(f"/console/tickets/{ticket.id}/whistle", headers=cookie, allow_redirects=False,
                                     data=[("csrf", token), ("department", "城管"), ("department", "供水")])
        assert whistled.status == 303, await whistled.text()
        nobody = await client.post(f"/console/tickets/{ticket.id}/whistle", headers=cookie, data={"csrf": token})
        assert nobody.status == 400 and "吹哨召集的部门" in await nobody.text()
        chased = await client.post(f"/console/tickets/{ticket.id}/supervise", headers=cookie, allow_redirects=False,
                                   data={"csrf": token})
        assert chased.status == 303, await chased.text()
        no_csrf = await client.post(f"/console/tickets/{ticket.id}/raise", headers=cookie, data={"note": "x"})
        assert no_csrf.status == 403
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
            task, *whistled_tasks = list(await session.scalars(select(DepartmentTask).order_by(DepartmentTask.id)))
    assert task.kind == "transfer" and task.note == "路面塌陷 /派单 1 x"  # one line: no second command
    assert (task.deadline_at - task.created_at).days == 5
    assert [t.kind for t in whistled_tasks] == ["whistle", "whistle"]
    assert await audit_actions(bot) == ["login", "ticket.transfer", "ticket.transfer", "ticket.raise",
                                        "ticket.whistle", "ticket.supervise"]


async def test_points_page_adjusts_reverses_edits_rules_and_exports(bot):
    from bot.db.models import PointsEntry
    from tests.harness import MEMBER_LI

    client, cookie, token = await _secretary_client(bot)
    try:
        for data, fragment in [({"person": "李师傅", "amount": "", "reason": "x"}, "请填写「分值」"),
                               ({"person": "李师傅", "amount": "1e9", "reason": "x"}, "整数"),
                               ({"person": "李师傅", "amount": "5", "reason": ""}, "请填写「原因」"),
                               ({"person": "没这人", "amount": "5", "reason": "帮忙"}, "没这人")]:
            bad = await client.post("/console/points/adjust", headers=cookie, data={"csrf": token, **data})
            assert bad.status == 400 and HAN.search(await bad.text()) and fragment in await bad.text(), data
        ok = await client.post("/console/points/adjust", headers=cookie, allow_redirects=False,
                               data={"csrf": token, "person": "李师傅", "amount": "5", "reason": "组织文艺演出"})
        assert ok.status == 303, await ok.text()
        page = await (await client.get(ok.headers["Location"], headers=cookie)).text()
        assert "已完成：积分调整" in page and "组织文艺演出" in page
        async with bot.runtime.db.sessions() as session:
            (entry,) = list(await session.scalars(select(PointsEntry)))
        assert entry.person_id == MEMBER_LI and entry.amount == 5
        filtered = await (await client.get("/console/points?sign=minus", headers=cookie)).text()
        assert "组织文艺演出" not in filtered
        back = await client.post("/console/points/reverse", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "entry": str(entry.id), "reason": "记错了"})
        assert back.status == 303
        again = await client.post("/console/points/reverse", headers=cookie,
                                  data={"csrf": token, "entry": str(entry.id), "reason": "再来"})
        assert again.status == 400 and HAN.search(await again.text())
        added = await client.post("/console/points/rule_add", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "name": "防汛值守", "points": "3", "per_hour": "1"})
        assert added.status == 303, await added.text()
        changed = await client.post("/console/points/rule_set", headers=cookie, allow_redirects=False,
                                    data={"csrf": token, "name": "防汛值守", "points": "4"})
        assert changed.status == 303, await changed.text()
        page = await (await client.get("/console/points", headers=cookie)).text()
        assert re.search(r"<td>防汛值守</td><td>4</td>", page)
        assert "防汛值守（2 个版本）" in page and "第 1 版" in page and "第 2 版" in page  # the rule's history
        sheet = await client.get("/console/points.xlsx", headers=cookie)
        assert sheet.status == 200 and (await sheet.read())[:2] == b"PK"
        forged = await client.post("/console/points/adjust", headers=cookie,
                                   data={"person": "李师傅", "amount": "5", "reason": "x"})
        assert forged.status == 403
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        total = sum(e.amount for e in await session.scalars(select(PointsEntry)))
    assert total == 0
    actions = await audit_actions(bot)
    assert actions.count("points.adjust") == 2 and "points.export" in actions and "points.rule_set" in actions


async def test_stats_page_has_each_chart_with_its_table_and_an_xlsx(bot):
    from io import BytesIO

    from openpyxl import load_workbook

    await bot.done_ticket()
    client, cookie, _token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/stats?weeks=../../x", headers=cookie)).text()  # bad: 8 weeks
        assert 'value="8" selected' in page and "/console/static/vendor/echarts.min.js" in page
        for title in ("各类诉求（按周）", "认领、办完用时和超时率（按周）", "各网格", "各部门转办", "评价分布"):
            assert f">{title}</h2>" in page
        category = page[page.find('id="chart-category"'):page.find('id="chart-speed"')]
        assert 'data-chart="category"' in category and "<th scope=\"col\">设施报修</th>" in category
        assert re.search(r"<td>1</td></tr>\s*</tbody>", category)  # this week: the one report
        script = await client.get("/console/static/vendor/echarts.min.js")
        assert script.status == 200 and len(await script.read()) > 500_000
        sheet = await client.get("/console/stats.xlsx?weeks=4", headers=cookie)
        assert sheet.status == 200
        book = load_workbook(BytesIO(await sheet.read()))
        assert book.sheetnames[0] == "各类诉求（按周）" and book.worksheets[0].max_row == 5  # heads + 4 weeks
    finally:
        await client.close()
    assert "stats.export" in await audit_actions(bot)


async def test_a_street_officer_switches_between_the_communities_of_their_street_only(bot):
    from bot.db.models import Community, Person, PersonRole, Ticket
    from bot.services import streets
    from tests.test_console_access import client_of, csrf_of, link_for, login

    async with bot.runtime.db.transaction() as session:
        session.add(Community(id="heping", name="和平里社区", street_id="xinhua"))
        session.add(Community(id="faraway", name="远方社区"))  # another street (none)
        session.add(Person(id="res-he", name="和平居民"))
        await session.flush()
        session.add(PersonRole(person_id="res-he", community_id="heping", role="resident"))
        session.add(Ticket(community_id="heping", number=1, text="和平里路灯坏了", reporter_id="res-he"))
        far = Ticket(community_id="faraway", number=1, text="远方的事", reporter_id="res-he")
        session.add(far)
        await streets.expand_roles(session=session)
        await session.flush()
        far_id = far.id
    await bot.open_ticket("幸福里3号楼楼道灯坏了")
    client = client_of(bot)
    await client.start_server()
    try:
        cookie = await login(client, await link_for(bot, "st-zhang"))
        token = await csrf_of(client, cookie)
        first = await (await client.get("/console/tickets", headers=cookie)).text()
        assert '<option value="heping" >和平里社区</option>' in first and "远方社区" not in first

        async def switch(community: str) -> str:
            moved = await client.post("/console/place", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "community": community})
            assert moved.status == 303
            picked = {"Cookie": cookie["Cookie"] + f"; gridbot_console_c={moved.cookies['gridbot_console_c'].value}"}
            return await (await client.get("/console/tickets", headers=picked)).text()

        there = await switch("heping")
        assert "和平里路灯坏了" in there and "幸福里3号楼" not in there
        bad = await client.post("/console/place", headers=cookie, data={"csrf": token, "community": "faraway"})
        assert bad.status == 403
        now = await switch("xingfuli")
        assert "幸福里3号楼" in now and "和平里路灯坏了" not in now
        cookie["Cookie"] += "; gridbot_console_c=xingfuli"
        assert (await client.get(f"/console/tickets/{far_id}", headers=cookie)).status == 403
        mine = (await bot.ticket(1)).id
        raised = await client.post(f"/console/tickets/{mine}/raise", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "note": "街道来看看"})
        assert raised.status == 303, await raised.text()  # acted in 幸福里, not the officer's first community
        overview = await (await client.get("/console/", headers=cookie)).text()  # 今日 across the street
        table = overview[overview.index('id="across"'):overview.index('id="bygrid"')]
        assert "和平里社区" in table and "幸福里" in table and "远方社区" not in table
        other, secretary, _ = await _secretary_client(bot)
        try:
            secretary_view = await (await other.get("/console/", headers=secretary)).text()
        finally:
            await other.close()
        assert 'id="bygrid"' in secretary_view and 'id="across"' not in secretary_view  # one community
    finally:
        await client.close()
    from bot.db.models import TicketEvent

    async with bot.runtime.db.sessions() as session:
        done = list(await session.scalars(select(TicketEvent.action).where(TicketEvent.ticket_id == mine)))
    assert "report_street" in done



async def test_search_words_and_names_never_go_into_a_url(bot):
    """诉求's 搜索内容 and 积分's 姓名 are posted (with the CSRF token), not put in the query string:
    the forms say method=post, a posted search filters, and the same words in a URL are ignored."""
    await bot.open_ticket()
    await bot.open_ticket("5号楼的垃圾桶好几天没人清了")
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/tickets", headers=cookie)).text()
        assert 'method="post" action="/console/tickets"' in page and 'method="get"' not in page
        found = await (await client.post("/console/tickets", headers=cookie, data={"csrf": token, "q": "垃圾桶"})).text()
        assert "垃圾桶" in found and "楼道灯" not in found and 'value="垃圾桶"' in found
        ignored = await (await client.get("/console/tickets?q=垃圾桶", headers=cookie)).text()
        assert "楼道灯" in ignored and "垃圾桶" in ignored
        assert (await client.post("/console/tickets", headers=cookie, data={"q": "垃圾桶"})).status == 403
        ledger = await (await client.get("/console/points", headers=cookie)).text()
        assert 'method="post" action="/console/points" role="search"' in ledger
        named = await client.post("/console/points", headers=cookie, data={"csrf": token, "name": "李师傅"})
        assert named.status == 200 and 'value="李师傅"' in await named.text()
    finally:
        await client.close()
