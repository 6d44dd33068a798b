"""The simulator page in a real browser (Debian's /usr/bin/chromium, driven by Playwright; no
browser is ever downloaded): a resident uploads a photo with her report, sees it in the chat,
opens the ticket and sees the photo there; then shares a location (issue 12, simulator).

Skipped only when /usr/bin/chromium (or the playwright package) is missing and not under CI;
with CI=true a missing browser fails the run instead."""
from __future__ import annotations

import asyncio
import os
import socket

import pytest
from aiohttp import web

from bot.web.app import create_app
from tests.media import jpeg

CHROMIUM = "/usr/bin/chromium"


def _need_browser() -> None:
    missing = None
    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (pip install playwright; no browser download needed)"
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the simulator page test: {missing}")
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def site(bot):
    _need_browser()
    port = _free_port()
    bot.runtime.settings.http_port = port
    runner = web.AppRunner(create_app(bot.runtime))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()

    async def deliver() -> None:  # the page shows what was delivered, as with `gridbot run`
        while True:
            await bot.runtime.sender.drain()
            await asyncio.sleep(0.1)

    delivering = asyncio.create_task(deliver())
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        delivering.cancel()
        await runner.cleanup()


@pytest.fixture
async def page(site):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = await browser.new_page()
            await page.goto(site)
            yield page
        finally:
            await browser.close()


async def test_a_resident_uploads_a_photo_and_sees_it_in_the_chat_and_on_the_ticket(page, bot):
    from playwright.async_api import expect

    await expect(page.locator("#person option[value='res-zhao']")).to_have_count(1)
    await page.select_option("#person", "res-zhao")
    east = page.locator(".column", has=page.locator(".col-title", has_text="东区网格群"))
    await east.locator("textarea").fill("1号楼2单元楼道灯坏了好几天了")
    await east.locator(".photo-input").set_input_files(
        files=[{"name": "light.jpg", "mimeType": "image/jpeg", "buffer": jpeg(640, 480)}])
    # In the chat: her own message shows the photo, and the bot says it is on ticket #1.
    await expect(east.locator(".msg.own img.photo")).to_have_count(1)
    await expect(east.locator(".msg.bot .bubble", has_text="已附在诉求")).to_have_count(1)
    (ticket,) = await bot.tickets()
    # On the ticket: the panel loads the photo through its signed link.
    await east.locator(".msg.bot .ticket-link[data-ticket='1']").first.click()
    photo = page.locator("#ticket-panel img.ticket-photo")
    await expect(photo).to_have_count(1)
    await expect(page.locator("#ticket-panel .ticket-attachments")).to_have_text("附件 1 个")
    await page.wait_for_function("() => { const i = document.querySelector('#ticket-panel img.ticket-photo');"
                                 " return i && i.complete && i.naturalWidth > 0; }")
    assert ticket.number == 1
    # A location from the same control row fills the ticket's place.
    page.once("dialog", lambda d: d.accept("31.2304,121.4737 幸福里小区1号楼"))
    await east.locator(".location-button").click()
    await expect(east.locator(".msg.bot .bubble", has_text="幸福里小区1号楼")).to_have_count(1)
    assert "幸福里小区1号楼" in (await bot.ticket(1)).text


async def test_a_neighbour_quotes_a_report_and_the_reply_joins_its_ticket(page, bot):
    """引用 on the page: the reply goes out with the quoted text beside it, the page shows the quote under
    the reply as WeChat does, and "我们这也是" under a report joins that report's ticket."""
    from playwright.async_api import expect

    await expect(page.locator("#person option[value='res-zhao']")).to_have_count(1)
    await page.select_option("#person", "res-zhao")
    east = page.locator(".column", has=page.locator(".col-title", has_text="东区网格群"))
    await east.locator("textarea").fill("1号楼2单元楼道灯坏了好几天了")
    await east.locator("textarea").press("Enter")
    await expect(east.locator(".msg.bot .bubble", has_text="#1").first).to_be_visible()
    await page.select_option("#person", "res-sun")
    report = east.locator(".msg", has=page.locator(".bubble", has_text="1号楼2单元楼道灯坏了好几天了")).first
    await report.locator(".quote-button").click()
    await expect(east.locator(".quote-chip .quote-text")).to_have_text("引用 赵阿姨：1号楼2单元楼道灯坏了好几天了")
    await east.locator("textarea").fill("我们这也是")
    await east.locator("textarea").press("Enter")
    await expect(east.locator(".quote-chip")).to_be_hidden()
    await expect(east.locator(".msg.own .quoted", has_text="赵阿姨：1号楼2单元楼道灯坏了好几天了")).to_have_count(1)
    for _ in range(50):
        ticket = await bot.ticket(1)
        if ticket is not None and ticket.affected_count == 2:
            break
        await asyncio.sleep(0.1)
    assert ticket is not None and ticket.affected_count == 2
    assert len(await bot.tickets()) == 1
