"""Console pages beyond the door (issue 14): the ticket page's photos and chat actions (转办, 上报),
the 积分, 统计 and 人员 pages; each through the services chat uses, scoped, CSRF-checked and audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.db.models_console import ConsoleAudit
from bot.db.models_streets import DepartmentTask
from tests.harness import EAST, RES_ZHAO
from tests.harness import SECRETARY as SECRETARY_
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
    finally:
        await client.close()
    from bot.db.models import TicketEvent

    async with bot.runtime.db.sessions() as session:
        done = list(await session.scalars(select(TicketEvent.action).where(TicketEvent.ticket_id == mine)))
    assert "report_street" in done


def roster_file(rows: list[list[str]]) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "账号", "网格", "身份", "手机"])
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def roles_of(bot, person_id: str) -> set[str]:
    from bot.db.models import PersonRole

    async with bot.runtime.db.sessions() as session:
        return set(await session.scalars(select(PersonRole.role).where(PersonRole.person_id == person_id,
                                                                       PersonRole.community_id == "xingfuli")))


async def test_people_page_reviews_adds_retires_and_imports_a_roster_checked_first(bot):
    from aiohttp import FormData

    from tests.harness import RES_SUN

    await bot.say(RES_SUN, "报到 3号楼 特长 理发", None)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/people?months=99", headers=cookie)).text()
        assert "待审核报到" in page and "孙先生" in page and "李师傅" in page and "6 个月未服务" in page
        ok = await client.post("/console/people/review", headers=cookie, allow_redirects=False,
                               data={"csrf": token, "person": "孙先生", "verdict": "通过"})
        assert ok.status == 303, await ok.text()
        assert "member" in await roles_of(bot, RES_SUN)
        bad = await client.post("/console/people/add", headers=cookie,
                                data={"csrf": token, "name": "新党员", "account": "bad id!"})
        assert bad.status == 400 and "只能由字母" in await bad.text()
        bad = await client.post("/console/people/add", headers=cookie,
                                data={"csrf": token, "name": "新党员", "account": "wx-new", "grid": "99号楼"})
        assert bad.status == 400 and "99号楼" in await bad.text()
        added = await client.post("/console/people/add", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "name": "新党员", "account": "wx-new", "grid": "3号楼"})
        assert added.status == 303 and "member" in await roles_of(bot, "wx-new")
        gone = await client.post("/console/people/retire", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "account": "wx-new"})
        assert gone.status == 303 and await roles_of(bot, "wx-new") == set()
        again = await client.post("/console/people/retire", headers=cookie, data={"csrf": token, "account": "wx-new"})
        assert again.status == 400 and "不是本社区" in await again.text()

        async def upload(data: bytes, mode: str):
            form = FormData()
            form.add_field("csrf", token)
            form.add_field("mode", mode)
            form.add_field("file", data, filename="roster.xlsx")
            return await client.post("/console/people/roster", headers=cookie, data=form)

        messy = roster_file([["甲", "wx-a", "3号楼", "党员", ""], ["乙", "wx-b", "99号楼", "书记", "123"]])
        shown = await upload(messy, "import")
        text = await shown.text()
        assert shown.status == 400 and "第 3 行" in text and "99号楼" in text and "书记" in text and "123" in text
        assert await roles_of(bot, "wx-a") == set()  # nothing written
        clean = roster_file([["甲", "wx-a", "3号楼", "党员", ""], ["乙", "wx-b", "5号楼", "", "13800000000"]])
        checked = await upload(clean, "check")
        assert checked.status == 200 and "检查通过：共 2 行" in await checked.text()
        assert await roles_of(bot, "wx-a") == set()
        done = await upload(clean, "import")
        assert done.status == 200 and "已导入 2 人" in await done.text()
        assert await roles_of(bot, "wx-b") == {"member"}
        junk = await upload(b"not a spreadsheet", "check")
        assert junk.status == 400 and "文件打不开" in await junk.text()
    finally:
        await client.close()
    actions = await audit_actions(bot)
    assert actions.count("people.check") == 3 and actions.count("people.import") == 1
    assert "people.add" in actions and "people.retire" in actions and "people.review" in actions


async def test_a_grid_worker_sees_people_but_cannot_change_them(bot):
    from tests.harness import GRID_WORKER
    from tests.test_console_access import client_of, csrf_of, link_for, login

    client = client_of(bot)
    await client.start_server()
    try:
        cookie = await login(client, await link_for(bot, GRID_WORKER))
        token = await csrf_of(client, cookie)
        page = await (await client.get("/console/people", headers=cookie)).text()
        assert "李师傅" in page and "陈老师" not in page  # 东区's member, not 西区's
        assert "/console/people/add" not in page
        refused = await client.post("/console/people/add", headers=cookie,
                                    data={"csrf": token, "name": "新党员", "account": "wx-new"})
        assert refused.status == 403 and "书记" in await refused.text()
    finally:
        await client.close()


async def test_activities_page_publishes_confirms_changes_quota_and_posts_a_wish(bot):
    from datetime import timedelta

    from bot import clock
    from bot.db.models import PointsEntry

    when = clock.to_local(clock.utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client, cookie, token = await _secretary_client(bot)
    try:
        for data, fragment in [({"title": "", "when": when, "place": "3号楼", "quota": "10", "points": "2"}, "标题"),
                               ({"title": "清理楼道", "when": "明天", "place": "3号楼", "quota": "10", "points": "2"}, "时间"),
                               ({"title": "清理楼道", "when": when, "place": "3号楼", "quota": "十", "points": "2"}, "整数"),
                               ({"title": "清理楼道", "when": when, "place": "3号楼", "quota": "10", "points": "99"},
                                "50")]:
            bad = await client.post("/console/activities-new/publish", headers=cookie, data={"csrf": token, **data})
            assert bad.status == 400 and fragment in await bad.text(), (data, await bad.text())
        ok = await client.post("/console/activities-new/publish", headers=cookie, allow_redirects=False,
                               data={"csrf": token, "title": "清理 楼道", "when": when, "place": "3号楼 门口",
                                     "quota": "10", "points": "2"})
        assert ok.status == 303, await ok.text()
        listing = await (await client.get("/console/activities", headers=cookie)).text()
        assert "清理楼道" in listing and "0/10" in listing
        attended = await client.post("/console/activities/1/attend", headers=cookie, allow_redirects=False,
                                     data={"csrf": token, "person": "李师傅"})
        assert attended.status == 303, await attended.text()
        roster = await (await client.get("/console/activities/1", headers=cookie)).text()
        assert "李师傅" in roster and "工作人员确认" in roster
        low = await client.post("/console/activities/1/quota", headers=cookie, data={"csrf": token, "quota": "0"})
        assert low.status == 400 and HAN.search(await low.text())
        quota = await client.post("/console/activities/1/quota", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "quota": "20"})
        assert quota.status == 303
        refused = await client.post("/console/activities/1/cancel", headers=cookie, data={"csrf": token})
        assert refused.status == 400 and "签到" in await refused.text()  # someone already earned points
        missing = await client.get("/console/activities/99", headers=cookie)
        assert missing.status == 404 and HAN.search(await missing.text())
        wish = await client.post("/console/activities-new/wish", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "text": "为独居的吴奶奶买一台收音机"})
        assert wish.status == 303
        assert "吴奶奶买一台收音机" in await (await client.get("/console/activities", headers=cookie)).text()
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        (entry,) = list(await session.scalars(select(PointsEntry)))
    assert entry.person_id == "mem-li" and entry.amount == 2 and entry.actor_id == "sec-wang"
    actions = await audit_actions(bot)
    assert "activity.attend" in actions and "activity.wish" in actions and actions.count("activity.publish") == 2


async def test_the_board_names_only_members_who_agreed_and_opens_by_its_signed_link_only(bot):
    from tests.harness import GRID_WORKER, MEMBER_CHEN, MEMBER_LI
    from tests.test_console_access import csrf_of, link_for, login

    await bot.open_ticket("3号楼门口的垃圾好几天没人清理了")
    await bot.say(SECRETARY_, "/加分 @李师傅 5 组织文艺演出", None)
    await bot.say(SECRETARY_, "/加分 @陈老师 3 普法讲座", None)
    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/board", headers=cookie)).text()
        link = re.search(r'value="http://[^/"]+(/board/xingfuli/[0-9a-f]+)"', page).group(1)
        assert "还没有同意张榜的成员" in page and "李师傅" not in page
        assert re.search(r'<span class="name">3号楼</span><b>1</b>', page)  # the building with the open report
        agreed = await client.post("/console/board/consent", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "account": MEMBER_LI, "agreed": "1"})
        assert agreed.status == 303
        not_member = await client.post("/console/board/consent", headers=cookie,
                                       data={"csrf": token, "account": "res-zhao", "agreed": "1"})
        assert not_member.status == 400 and "不是本社区" in await not_member.text()
        public = await client.get(link)  # no cookie
        text = await public.text()
        assert public.status == 200 and "李师傅" in text and "陈老师" not in text
        assert "垃圾" not in text and "赵阿姨" not in text  # no ticket text, no resident
        assert (await client.get(link[:-2] + "00")).status == 404
        assert (await client.get(link.replace("xingfuli", "anping"))).status == 404
        withdrawn = await client.post("/console/board/consent", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "account": MEMBER_LI, "agreed": "0"})
        assert withdrawn.status == 303 and "李师傅" not in await (await client.get(link)).text()
        worker = await login(client, await link_for(bot, GRID_WORKER))
        refused = await client.post("/console/board/consent", headers=worker,
                                    data={"csrf": await csrf_of(client, worker), "account": MEMBER_CHEN, "agreed": "1"})
        assert refused.status == 403
    finally:
        await client.close()
    assert (await audit_actions(bot)).count("board.consent") == 2  # agreed, withdrawn (a refusal writes nothing)


async def test_shop_lists_restocks_collects_and_star_rating_previews_then_publishes(bot):
    from datetime import timedelta

    from sqlalchemy import update

    from bot import clock
    from bot.db.models import PointsEntry
    from bot.db.models_members import StarRating, Voucher
    from bot.services import console_shop, ranking

    client, cookie, token = await _secretary_client(bot)
    try:
        for data, fragment in [({"name": "洗衣液", "price": "", "stock": "3"}, "价格"),
                               ({"name": "洗衣液", "price": "五", "stock": "3"}, "整数")]:
            bad = await client.post("/console/shop/list", headers=cookie, data={"csrf": token, **data})
            assert bad.status == 400 and fragment in await bad.text()
        listed = await client.post("/console/shop/list", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "name": "洗衣液", "price": "5", "stock": "3"})
        assert listed.status == 303, await listed.text()
        restocked = await client.post("/console/shop/restock", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "item": "1", "count": "2"})
        assert restocked.status == 303
        await bot.say("sec-wang", "/加分 @李师傅 10 组织文艺演出", None)
        await bot.say("mem-li", "兑换 1", None)
        async with bot.runtime.db.sessions() as session:
            (voucher,) = list(await session.scalars(select(Voucher)))
        page = await (await client.get("/console/shop?status=issued", headers=cookie)).text()
        assert voucher.code in page and "<td>5</td><td>4</td>" in page.replace("\n", "")  # 3 + 2 - 1 left
        wrong = await client.post("/console/shop/collect", headers=cookie, data={"csrf": token, "code": "XXXX"})
        assert wrong.status == 400 and HAN.search(await wrong.text())
        collected = await client.post("/console/shop/collect", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "code": voucher.code})
        assert collected.status == 303
        again = await client.post("/console/shop/void", headers=cookie, data={"csrf": token, "code": voucher.code})
        assert again.status == 400  # collected: no longer void-able
        # 星级评定 of the last half-year that has ended: 李师傅's points moved into it.
        label = console_shop.half_years(clock.utcnow())[0]
        period = ranking.half_year(label)
        async with bot.runtime.db.transaction() as session:
            await session.execute(update(PointsEntry).values(created_at=period.start + timedelta(days=30)))
        preview = await (await client.get(f"/console/shop?period={label}", headers=cookie)).text()
        assert "李师傅" in preview and "在各群公布" in preview
        bogus = await client.post("/console/shop/stars", headers=cookie, data={"csrf": token, "period": "1999上半年"})
        assert bogus.status == 400
        published = await client.post("/console/shop/stars", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "period": label})
        assert published.status == 303, await published.text()
        twice = await (await client.get(f"/console/shop?period={label}", headers=cookie)).text()
        assert "已经公布过了" in twice
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert [v.status for v in await session.scalars(select(Voucher))] == ["collected"]
        assert list(await session.scalars(select(StarRating.person_id).where(StarRating.stars > 0))) == ["mem-li"]
        assert sum(e.amount for e in await session.scalars(select(PointsEntry))) == 5
    actions = await audit_actions(bot)
    assert {"shop.list", "shop.restock", "shop.collect", "shop.void", "stars.preview", "stars.publish"} <= set(actions)


async def test_notices_preview_as_in_chat_then_confirm_or_cancel(bot):
    from bot.db.models_schedule import ScheduledNotice

    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/notices", headers=cookie)).text()
        assert "<option>东区</option>" in page and "<option>3号楼</option>" in page
        empty = await client.post("/console/notices/broadcast/preview", headers=cookie,
                                  data={"csrf": token, "scope": "全体", "content": ""})
        assert empty.status == 400 and "通知内容" in await empty.text()
        bad = await client.post("/console/notices/broadcast/preview", headers=cookie,
                                data={"csrf": token, "scope": "火星", "content": "开会"})
        assert bad.status == 400 and "火星" in await bad.text()
        shown = await client.post("/console/notices/broadcast/preview", headers=cookie,
                                  data={"csrf": token, "scope": "东区", "content": "明天上午9点在活动室开会"})
        text = await shown.text()
        assert shown.status == 200 and "东区网格群" in text and "请确认" in text
        sent = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "go": "1"})
        assert sent.status == 303 and sent.headers["Location"].endswith("ok=sent"), await sent.text()
        again = await client.post("/console/notices/decide", headers=cookie, data={"csrf": token, "go": "1"})
        assert again.status == 400 and HAN.search(await again.text())  # nothing waits any more
        await client.post("/console/notices/schedule/preview", headers=cookie,
                          data={"csrf": token, "when": "每周一 9:00", "scope": "党员", "content": "周例会"})
        made = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "go": "1"})
        assert made.headers["Location"].endswith("ok=created"), await made.text()
        listed = await (await client.get("/console/notices", headers=cookie)).text()
        assert "周例会" in listed
        await client.post("/console/notices/schedule/preview", headers=cookie,
                          data={"csrf": token, "when": "每天 8:00", "scope": "全体", "content": "不要了"})
        dropped = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                    data={"csrf": token, "go": "0"})
        assert dropped.headers["Location"].endswith("ok=cancelled")
        async with bot.runtime.db.sessions() as session:
            (notice,) = list(await session.scalars(select(ScheduledNotice)))
        off = await client.post("/console/notices/unschedule", headers=cookie, allow_redirects=False,
                                data={"csrf": token, "number": str(notice.id)})
        assert off.status == 303
    finally:
        await client.close()
    told = {m.room_id for m in await bot.outbox() if m.reply_key == "broadcast_notice"}
    assert told == {EAST}
    actions = await audit_actions(bot)
    assert actions.count("notice.confirm") == 3 and "notice.unschedule" in actions


PAGES = ("/console/", "/console/tickets", "/console/points", "/console/shop", "/console/stats", "/console/people",
         "/console/activities", "/console/notices", "/console/board")


async def test_every_page_needs_a_session_and_shows_only_the_viewers_community(bot):
    from bot import clock
    from bot.db.models import Person, PersonRole
    from bot.services import console_auth
    from tests.test_console_access import client_of, login, second_community

    await second_community(bot)
    async with bot.runtime.db.transaction() as session:
        session.add(Person(id="mem-he", name="和平党员"))
        await session.flush()
        session.add(PersonRole(person_id="mem-he", community_id="heping", role="member"))
    await bot.say(SECRETARY_, "/加分 @李师傅 5 幸福里的演出", None)
    await bot.say(SECRETARY_, "/活动 发布 幸福里活动 后天上午9点 3号楼 10 2", None)
    await bot.say(SECRETARY_, "/商品 上架 幸福里洗衣液 5 3", None)
    mine = ("幸福里的演出", "幸福里活动", "幸福里洗衣液", "李师傅", "幸福里社区")
    async with client_of(bot) as client:
        for page in PAGES:
            assert (await client.get(page)).status == 401, page
        for who, sees in (("sec-wang", True), ("sec-he", False)):
            async with bot.runtime.db.transaction() as session:
                url = await console_auth.issue_link(session=session, settings=bot.runtime.settings, person_id=who,
                                                    now=clock.utcnow())
            cookie = await login(client, url[url.index("/console"):])
            seen = set()
            for page in PAGES:
                resp = await client.get(page, headers=cookie)
                assert resp.status == 200, (who, page)
                text = await resp.text()
                seen |= {m for m in mine if m in text}
            assert (seen == set(mine)) if sees else not seen, (who, seen)

