"""Console pages, part two (issue 14): 人员 (报到, add, retire, a roster checked first), 活动 and 微心愿,
大屏 / 张榜 and the members' agreement; and the scope matrix over every page. Part three:
tests/test_console_pages_ops.py."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.harness import SECRETARY as SECRETARY_
from tests.test_console_access import _secretary_client
from tests.test_console_pages import HAN, audit_actions


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


PAGES = ("/console/", "/console/tickets", "/console/points", "/console/shop", "/console/stats", "/console/people",
         "/console/activities", "/console/notices", "/console/lists", "/console/board")


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


