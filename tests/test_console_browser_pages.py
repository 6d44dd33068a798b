"""The console's daily tasks in Chromium (issue 14, item 4), as a secretary would click them: log in
by link, find the overdue ticket and escalate it to the street (its photo shown), verify another, award
points and edit a rule, import a roster with a bad row (errors shown, nothing written), see the charts
drawn and download the .xlsx, publish an activity, send a notice after its preview, list a shop item,
record a member's agreement and open the office screen's public board; every page fits a phone's width.
Every page: labels on every control, Chinese rendered with a real CJK font, a screenshot in docs/console/. Browser set-up as in
tests/test_console_browser.py (no download)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import clock
from bot.db.models import PersonRole, Ticket
from tests.harness import EAST, RES_ZHAO, SECRETARY, keys
from tests.media import photo
from tests.test_console_browser import CHROMIUM, LINK, SHOTS, _labels_everywhere, _serve, require_browser
from tests.test_console_pages_more import roster_file


@pytest.fixture
def browser_needed():
    require_browser()

# Distinct characters draw distinct bitmaps with a CJK font; without one, each is the same empty box.
CJK_RENDERED = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (ch) => { const c = document.createElement('canvas'); c.width = c.height = 40;
    const x = c.getContext('2d'); x.font = '32px ' + font; x.fillText(ch, 2, 32);
    return Array.from(x.getImageData(0, 0, 40, 40).data).join(','); };
  return draw('网') !== draw('格') && draw('格') !== draw('通');
}"""


async def _check_page(page, name: str) -> None:
    await _labels_everywhere(page)
    assert await page.evaluate(CJK_RENDERED), f"{name}: Chinese not rendered with a CJK font"
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_a_secretarys_day_in_the_console_in_chromium(bot, browser_needed):
    from playwright.async_api import async_playwright

    overdue = await bot.open_ticket("3号楼门口的垃圾好几天没人清理了，臭得很")
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(),))
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(Ticket).where(Ticket.number == overdue)
                              .values(deadline_at=clock.utcnow() - timedelta(hours=2), urgency="urgent"))
    done = await bot.done_ticket()
    await bot.say(SECRETARY, "/加分 @李师傅 5 组织文艺演出", None)
    replies = await bot.say(SECRETARY, "/后台", None)
    assert keys(replies) == ["console_link"]
    server = await _serve(bot)
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = str(server.make_url("/"))[:-1]
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN",
                                          accept_downloads=True)
            await page.goto(base + LINK.search(replies[0].text).group(1))
            # 今日 → the overdue ticket → its page: the photo loads; 上报街道.
            await page.locator("tr.overdue", has_text=f"#{overdue}").get_by_role("link").click()
            photo_ok = await page.locator("ul.photos img").evaluate("img => img.complete && img.naturalWidth > 0")
            assert photo_ok
            await page.get_by_label("上报说明").fill("垃圾清运需要街道协调")
            await page.get_by_role("button", name="上报街道").click()
            assert "已完成：上报街道" in await page.get_by_role("status").inner_text()
            assert "上报街道" in await page.locator("ol.timeline").inner_text()
            await _check_page(page, "ticket-photo")
            # The same ticket's place corrected (/改 on the secretary's behalf): stored, and in the timeline.
            await page.get_by_label("改位置（如 3号楼2单元）").fill("3号楼1单元")
            await page.get_by_role("button", name="改位置").click()
            assert "已完成：更正" in await page.get_by_role("status").inner_text()
            assert "改位置" in await page.locator("ol.timeline").inner_text()
            # Verify the done one from the list.
            await page.get_by_role("link", name="诉求", exact=True).click()
            await page.get_by_label("状态").select_option("done")
            await page.get_by_role("button", name="筛选").click()
            await page.get_by_role("link", name=f"#{done}").click()
            await page.get_by_role("button", name="验收通过").click()
            assert "已完成：验收" in await page.get_by_role("status").inner_text()
            # 积分: award, then edit a rule; the ledger and the rule table show both.
            await page.get_by_role("link", name="积分", exact=True).click()
            await page.get_by_label("成员名字").fill("陈老师")
            await page.get_by_label("分值（1-100）").fill("3")
            await page.get_by_label("原因", exact=True).fill("普法讲座")
            await page.get_by_role("button", name="记一笔").click()
            assert "已完成：积分调整" in await page.get_by_role("status").inner_text()
            await page.get_by_label("规则", exact=True).select_option("志愿劳动")
            await page.get_by_label("新分值").fill("3")
            await page.get_by_role("button", name="修改分值").click()
            assert await page.locator("table.rules tr", has_text="志愿劳动").locator("td").nth(1).inner_text() == "3"
            assert "普法讲座" in await page.locator("table.ledger").inner_text()
            await _check_page(page, "points")
            # 人员: a roster with a bad row is refused row by row; nobody is written.
            await page.get_by_role("link", name="人员", exact=True).click()
            bad = roster_file([["甲", "wx-a", "3号楼", "党员", ""], ["乙", "wx-b", "99号楼", "党员", "123"]])
            await page.get_by_label("名单文件").set_input_files(
                {"name": "roster.xlsx", "mimeType": "application/octet-stream", "buffer": bad})
            await page.get_by_role("button", name="导入").click()
            alert = await page.get_by_role("alert").inner_text()
            assert "没有导入任何人" in alert and "第 3 行" in alert and "99号楼" in alert
            await _check_page(page, "people")
            # 统计: ECharts draws every chart (offline, vendored); the .xlsx downloads.
            await page.get_by_role("link", name="统计", exact=True).click()
            # three charts drawn: no department has a task and nobody rated yet (their tables say so)
            await page.wait_for_function("document.querySelectorAll('[data-drawn=\"1\"] svg').length === 3")
            async with page.expect_download() as download:
                await page.get_by_role("link", name="下载全部表格（.xlsx）").click()
            saved = await (await download.value).path()
            assert open(saved, "rb").read(2) == b"PK"
            await _check_page(page, "stats")
            # 活动: publish one for the day after tomorrow.
            await page.get_by_role("link", name="活动", exact=True).click()
            when = clock.to_local(clock.utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
            await page.get_by_label("标题").fill("清理楼道")
            await page.get_by_label("时间").fill(when)
            await page.get_by_label("地点").fill("3号楼")
            await page.get_by_label("名额").fill("10")
            await page.get_by_label("每人积分").fill("2")
            await page.get_by_role("button", name="发布到各群").click()
            assert "已完成：发布活动" in await page.get_by_role("status").inner_text()
            await _check_page(page, "activities")
            # 通知: a broadcast to 东区, previewed with the bot's own words, then 确认.
            await page.get_by_role("link", name="通知和应急", exact=True).click()
            await page.get_by_label("范围", exact=True).select_option("东区")
            await page.get_by_label("通知内容").fill("明天上午9点在活动室开会")
            await page.get_by_role("button", name="预览").first.click()
            assert "东区网格群" in await page.get_by_role("status").inner_text()
            await _check_page(page, "notices")
            await page.get_by_role("button", name="确认", exact=True).click()
            assert "已完成：通知已开始发送" in await page.get_by_role("status").inner_text()
            # 超市和星级: list an item.
            await page.get_by_role("link", name="超市和星级", exact=True).click()
            await page.get_by_label("商品名称").fill("洗衣液")
            await page.get_by_label("价格（积分）").fill("5")
            await page.get_by_label("数量", exact=True).fill("20")
            await page.get_by_role("button", name="上架").click()
            assert "洗衣液" in await page.locator("table.items").inner_text()
            await _check_page(page, "shop")
            # 清单和队伍: a team with its leader, through /队伍 on the secretary's behalf.
            await page.get_by_role("link", name="清单和队伍", exact=True).click()
            await page.get_by_label("新队伍名称").fill("防汛突击队")
            await page.get_by_label("队长").fill("李师傅")
            await page.get_by_role("button", name="新建队伍").click()
            assert "防汛突击队" in await page.locator("main").inner_text()
            await _check_page(page, "lists")
            # 大屏: record 李师傅's agreement on 人员, then the public board names him (and no one else).
            await page.get_by_role("link", name="人员", exact=True).click()
            await page.get_by_role("button", name="李师傅：记录同意张榜").click()
            await page.get_by_role("link", name="大屏", exact=True).click()
            await _check_page(page, "board-console")
            public = await page.get_by_label("公开链接").input_value()
            screen = await browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            await screen.goto(base + public[public.index("/board/"):])  # PUBLIC_BASE_URL is not the test port
            board = await screen.locator("ol.leaders").inner_text()
            assert "李师傅" in board and "陈老师" not in board
            assert await screen.evaluate(CJK_RENDERED)
            await screen.screenshot(path=str(SHOTS / "board.png"), full_page=True)
            # A phone: every page fits its width (wide tables scroll inside their own box).
            phone = await browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
            await phone.context.add_cookies(await page.context.cookies())
            for path in ("/console/", "/console/tickets", "/console/points", "/console/shop", "/console/stats",
                         "/console/people", "/console/activities", "/console/notices", "/console/lists",
                         "/console/board"):
                await phone.goto(base + path)
                wide = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert wide <= 1, (path, wide)
            await browser.close()
    finally:
        await server.close()
    assert (await bot.ticket(done)).status == "verified"
    assert ((await bot.ticket(overdue)).building, (await bot.ticket(overdue)).unit) == ("3", "1")
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(PersonRole).where(PersonRole.person_id == "wx-a"))) == []
