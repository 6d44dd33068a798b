"""Bad attachments (issue 12, item 7): each refused with a clear Chinese reply, nothing half-stored
(no row, no file, no ticket, no open question), and the bot keeps serving."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import Ticket
from bot.db.models_files import Attachment
from bot.files.store import store_for
from bot.messages import Attachment as Incoming
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_SUN, RES_ZHAO, keys
from tests.media import document, jpeg, photo, place, png_header, video, zip_bytes

MB = 1024 * 1024
CJK = __import__("re").compile(r"[\u4e00-\u9fff]")

BAD = {
    "50 MB video": (video(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (50 * MB)), "file_too_big"),
    "50 MB video, size declared": (Incoming(kind="video", size=50 * MB, fetch=None), "file_too_big"),
    "a .jpg that is a zip": (photo(zip_bytes(), name="photo.jpg"), "file_not_image"),
    "a zip sent as a file": (document(zip_bytes(), name="report.zip"), "file_wrong_type"),
    "a corrupt image": (photo(jpeg(400, 300)[:600]), "file_image_corrupt"),
    "an image bomb (50000x50000)": (photo(png_header(50_000, 50_000)), "file_image_too_large"),
    "an image bomb within the side limit": (photo(png_header(19_000, 19_000)), "file_image_too_large"),
    "latitude 123": (place(lat=123.0), "location_bad"),
    "longitude -200": (place(lon=-200.0), "location_bad"),
    "NaN location": (place(lat=float("nan")), "location_bad"),
    "an empty file": (photo(b""), "file_empty"),
    "an empty document": (document(b""), "file_empty"),
    "a download that fails": (Incoming(kind="image", fetch=lambda: _boom()), "file_download_failed"),
}


async def _boom() -> bytes:
    raise ConnectionError("platform said no")


async def counts(bot) -> tuple[int, int, int]:
    async with bot.runtime.db.sessions() as session:
        atts = await session.scalar(select(func.count()).select_from(Attachment))
        tickets = await session.scalar(select(func.count()).select_from(Ticket))
    return atts, tickets, store_for(bot.runtime.settings).count()


@pytest.mark.parametrize("name", list(BAD))
async def test_refused_with_a_clear_reply_and_nothing_half_stored(bot, name):
    att, key = BAD[name]
    replies = await bot.say(RES_SUN, "", EAST, attachments=(att,))
    assert keys(replies) == [key], [r.text for r in replies]
    assert CJK.search(replies[0].text) and "系统出了点问题" not in replies[0].text
    assert await counts(bot) == (0, 0, 0)
    # With a good photo in the same message: still nothing of it is kept.
    replies = await bot.say(RES_SUN, "", EAST, attachments=(photo(), att))
    assert keys(replies) == [key]
    assert await counts(bot) == (0, 0, 0)
    # Sent with a report: no ticket either (the resident re-sends; nothing was half-filed).
    replies = await bot.say(RES_SUN, "5号楼楼道里堆满了杂物", EAST, attachments=(att,))
    assert keys(replies) == [key]
    assert await counts(bot) == (0, 0, 0)
    # And the bot keeps serving: the next photo and report work.
    replies = await bot.say(RES_SUN, "5号楼楼道里堆满了杂物", EAST, attachments=(photo(),))
    assert "ticket_opened" in keys(replies)
    assert (await counts(bot))[:2] == (1, 1)


async def test_a_bad_result_photo_does_not_complete_the_ticket(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    replies = await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS, attachments=(photo(b"not an image"),))
    assert keys(replies) == ["file_not_image"]
    assert (await bot.ticket(number)).status == "claimed"
    assert await counts(bot) == (0, 1, 0)


async def test_a_bad_photo_after_a_report_leaves_the_ticket_as_it_was(bot):
    number = await bot.open_ticket()
    before = (await bot.ticket(number)).text
    replies = await bot.say(RES_ZHAO, "", EAST, attachments=(photo(), place(lat=-91)))
    assert keys(replies) == ["location_bad"]
    assert (await bot.ticket(number)).text == before and (await counts(bot))[0] == 0
