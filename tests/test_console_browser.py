"""The console in a real browser (issue 14, item 3): Playwright driving Debian's Chromium.

No browser is downloaded: Chromium is launched from CHROMIUM (default /usr/bin/chromium). Without it
the tests are skipped with the reason, except under CI=true, where a missing browser fails.
Screenshots of each page (Chinese text rendered with fonts-noto-cjk) land in a temp dir, or in
$CONSOLE_SHOTS: `CONSOLE_SHOTS=docs/console` refreshes the docs' images."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import update

from bot import clock
from bot.db.models import Ticket
from bot.web.app import create_app
from tests.harness import SECRETARY, keys

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The docs' screenshots are refreshed on request (CONSOLE_SHOTS=docs/console); otherwise a temp dir,
# so a test run leaves the checkout unchanged.
SHOTS = Path(os.environ.get("CONSOLE_SHOTS") or tempfile.mkdtemp(prefix="gridbot-console-shots-"))
LINK = re.compile(r"http://[^/\s]+(/console/login/\S+)")


def _browser_or_reason() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright; no browser download needed)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    return None


def require_browser() -> None:
    reason = _browser_or_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
        pytest.skip(reason)


@pytest.fixture
def browser_needed():
    require_browser()


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="Chromium"):
        require_browser()


async def _serve(bot):
    server = TestServer(create_app(bot.runtime), host="127.0.0.1")
    await server.start_server()
    return server


async def test_a_secretary_works_through_the_console_in_chromium(bot, browser_needed):
    from playwright.async_api import async_playwright

    overdue = await bot.open_ticket("3号楼门口的垃圾好几天没人清理了，臭得很")
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(Ticket).where(Ticket.number == overdue)
                              .values(deadline_at=clock.utcnow() - timedelta(hours=2), urgency="urgent"))
    done = await bot.done_ticket()
    done_id = (await bot.ticket(done)).id
    replies = await bot.say(SECRETARY, "/后台", None)
    assert keys(replies) == ["console_link"]
    path = LINK.search(replies[0].text).group(1)
    server = await _serve(bot)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            # Log in by link: the token leaves the address bar, the cookie is HttpOnly.
            await page.goto(str(server.make_url(path)))
            assert page.url.endswith("/console/")
            await page.get_by_role("heading", name="今日").wait_for()
            assert await page.evaluate("document.cookie") == ""
            assert await page.locator("tr.overdue", has_text=f"#{overdue}").count() == 1
            await page.screenshot(path=str(SHOTS / "today.png"), full_page=True)
            # Keyboard: the first Tab lands on the skip link, and it is visible when focused.
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.textContent") == "跳到正文"
            # Find the overdue ticket through the filters.
            await page.get_by_role("link", name="诉求", exact=True).focus()  # by keyboard
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            assert page.url.endswith("/console/tickets")
            await page.get_by_label("只看超时").check()
            await page.get_by_role("button", name="筛选").click()
            rows = page.locator("table.tickets tbody tr")
            assert await rows.count() == 1 and f"#{overdue}" in await rows.first.inner_text()
            await _labels_everywhere(page)
            await page.screenshot(path=str(SHOTS / "tickets.png"), full_page=True)
            # Verify the done ticket with its button.
            await page.goto(str(server.make_url(f"/console/tickets/{done_id}")))
            await _labels_everywhere(page)
            await page.get_by_role("button", name="验收通过").click()
            await page.get_by_role("status").wait_for()
            assert "已完成：验收" in await page.get_by_role("status").inner_text()
            assert "验收通过" in await page.locator("ol.timeline").inner_text()
            await page.screenshot(path=str(SHOTS / "ticket.png"), full_page=True)
            # A phone: the page still fits (tables scroll inside their box, not the page).
            phone = await browser.new_page(viewport={"width": 390, "height": 844})
            await phone.context.add_cookies(await page.context.cookies())
            await phone.goto(str(server.make_url("/console/")))
            assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            await phone.screenshot(path=str(SHOTS / "today-phone.png"), full_page=True)
            await browser.close()
    finally:
        await server.close()
    assert (await bot.ticket(done)).status == "verified"


async def _labels_everywhere(page) -> None:
    """Every visible form control has a label (a <label> or aria-label)."""
    unlabelled = await page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
        .map(e => e.name)""")
    assert unlabelled == []
