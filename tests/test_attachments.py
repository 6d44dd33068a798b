"""Photos, voice and locations from residents join their tickets or open one (issue 12, item 3)."""
from __future__ import annotations

import io

from sqlalchemy import select

from bot.db.models_files import Attachment
from bot.files.store import store_for
from bot.messages import Attachment as Incoming
from tests.harness import EAST, RES_SUN, RES_ZHAO, keys, texts
from tests.media import jpeg, photo, place, voice


async def rows(bot) -> list[Attachment]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(Attachment).order_by(Attachment.id)))


async def test_photo_after_report_joins_that_ticket(bot):
    number = await bot.open_ticket()
    replies = await bot.say(RES_ZHAO, "", EAST, attachments=(photo(),))
    assert keys(replies) == ["photo_joined"]
    assert f"#{number}" in replies[0].text
    (row,) = await rows(bot)
    ticket = await bot.ticket(number)
    assert row.ticket_id == ticket.id and row.kind == "image" and row.role == "report"
    assert row.mime == "image/jpeg" and len(row.sha256) == 64 and row.thumb_key


async def test_stored_photo_has_no_exif_and_a_thumbnail(bot):
    from PIL import Image

    await bot.open_ticket()
    original = jpeg(800, 600)
    assert b"Phone Model X" in original
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(original),))
    (row,) = await rows(bot)
    store = store_for(bot.runtime.settings)
    kept = await store.get(row.storage_key)
    assert kept and b"Phone Model X" not in kept and b"PhoneMaker" not in kept
    with Image.open(io.BytesIO(kept)) as img:
        assert not img.getexif() and img.size == (800, 600)
    with Image.open(io.BytesIO(await store.get(row.thumb_key))) as thumb:
        assert max(thumb.size) <= 320


async def test_same_photo_twice_is_kept_once(bot):
    await bot.open_ticket()
    data = jpeg()
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(data),))
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(data),))
    assert len(await rows(bot)) == 1
    assert store_for(bot.runtime.settings).count() == 2  # the photo and its thumbnail


async def test_photo_without_report_asks_and_the_answer_opens_the_ticket_with_it(bot):
    replies = await bot.say(RES_SUN, "", EAST, attachments=(photo(),))
    assert keys(replies) == ["photo_ask"] and "这张照片是要反映什么问题" in replies[0].text
    (row,) = await rows(bot)
    assert row.ticket_id is None
    assert await bot.tickets() == []
    replies = await bot.say(RES_SUN, "3号楼门口路灯坏了", EAST)
    assert "ticket_opened" in keys(replies) and "attachment_filed" in keys(replies)
    (ticket,) = await bot.tickets()
    (row,) = await rows(bot)
    assert row.ticket_id == ticket.id and ticket.reporter_id == RES_SUN


async def test_photo_with_its_sentence_opens_one_ticket_with_the_photo(bot):
    replies = await bot.say(RES_SUN, "5号楼楼道里堆满了杂物", EAST, attachments=(photo(),))
    assert "ticket_opened" in keys(replies)
    (ticket,) = await bot.tickets()
    assert [r.ticket_id for r in await rows(bot)] == [ticket.id]


async def test_photo_long_after_the_report_does_not_join_it(bot):
    from datetime import timedelta

    from sqlalchemy import update

    from bot.db.models import Ticket

    await bot.open_ticket()
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(Ticket).values(created_at=Ticket.created_at - timedelta(minutes=6)))
    replies = await bot.say(RES_ZHAO, "", EAST, attachments=(photo(),))
    assert keys(replies) == ["photo_ask"]


async def test_location_fills_the_recent_ticket(bot):
    number = await bot.open_ticket("小区里消防通道被车堵了")
    replies = await bot.say(RES_ZHAO, "", EAST, attachments=(place(),))
    assert keys(replies) == ["location_joined"] and "幸福里小区东门" in replies[0].text
    ticket = await bot.ticket(number)
    assert "幸福里小区东门" in ticket.text
    (row,) = await rows(bot)
    assert (row.kind, round(row.latitude, 4), round(row.longitude, 4)) == ("location", 31.2304, 121.4737)


async def test_voice_with_transcript_is_classified_like_text_and_kept(bot):
    replies = await bot.say(RES_SUN, "", EAST, attachments=(voice("三号楼的电梯坏了，老人下不了楼"),))
    assert "ticket_opened" in keys(replies)
    (ticket,) = await bot.tickets()
    assert ticket.category == "repair"
    (row,) = await rows(bot)
    assert row.kind == "voice" and row.ticket_id == ticket.id and row.transcript.startswith("三号楼")


async def test_voice_without_transcript_is_kept_and_the_sender_asked_kindly(bot):
    replies = await bot.say(RES_SUN, "", EAST, attachments=(voice(),))
    assert keys(replies) == ["voice_ask_text"] and "谢谢您" in replies[0].text
    (row,) = await rows(bot)
    assert row.kind == "voice" and row.ticket_id is None and row.storage_key
    replies = await bot.say(RES_SUN, "6号楼水管漏水了", EAST)
    (ticket,) = await bot.tickets()
    assert (await rows(bot))[0].ticket_id == ticket.id


async def test_stickers_and_red_packets_are_ignored_on_purpose(bot):
    # Transports drop them (no kind); a link card carries nothing to keep either.
    replies = await bot.say(RES_SUN, "", EAST, attachments=(Incoming(kind="link", url="https://example.org",
                                                                     title="文章"),))
    assert replies == [] and await rows(bot) == []


async def test_query_says_how_many_photos(bot):
    number = await bot.open_ticket()
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(jpeg(color=(1, 2, 3))),))
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(jpeg(color=(4, 5, 6))),))
    replies = await bot.say(RES_ZHAO, f"查询 {number}", EAST)
    assert "处理前 2 张" in texts(replies)


async def test_a_stranger_learns_nothing_of_a_private_reports_photos(bot):
    await bot.say(RES_ZHAO, "我家楼上漏水到我家卫生间了，1号楼302", None)
    (ticket,) = await bot.tickets()
    replies = await bot.say(RES_ZHAO, "", None, attachments=(photo(),))
    assert keys(replies) == ["photo_joined"]
    await bot.say("mem-li", f"接单 {ticket.number}", "room-members")
    stranger = await bot.say(RES_SUN, f"查询 {ticket.number}", None)
    assert keys(stranger) == ["ticket_status_brief"] and "照片" not in texts(stranger)
    own = await bot.say(RES_ZHAO, f"查询 {ticket.number}", None)
    assert "处理前 1 张" in texts(own)
