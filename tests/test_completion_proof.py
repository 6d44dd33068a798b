"""Completion with proof: the result photo, the per-category rule, the 验收 reminder's photos (issue 12, item 4)."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models_files import Attachment
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, keys
from tests.media import jpeg, photo


async def rows(bot) -> list[Attachment]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(Attachment).order_by(Attachment.id)))


async def claimed(bot) -> int:
    number = await bot.open_ticket()
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(jpeg(color=(10, 10, 10))),))
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    return number


async def test_done_together_with_a_photo_keeps_it_as_the_result_and_shows_the_secretary_both(bot):
    number = await claimed(bot)
    replies = await bot.say(MEMBER_LI, f"完成 {number} 换了灯泡", MEMBERS,
                            attachments=(photo(jpeg(color=(250, 250, 250))),))
    assert "ticket_done_ok" in keys(replies)
    roles = [(r.role, r.kind) for r in await rows(bot)]
    assert roles == [("report", "image"), ("result", "image")]
    to_secretary = [r for r in replies if r.to == SECRETARY and r.room is None]
    assert "处理前照片 1 张，处理后照片 1 张" in to_secretary[0].text
    images = [r for r in to_secretary if r.image_id]
    by_id = {r.id: r for r in await rows(bot)}
    assert [by_id[r.image_id].role for r in images] == ["report", "result"]
    assert keys(images) == ["photo_caption_before", "photo_caption_after"]


async def test_photo_soon_after_done_is_the_result(bot):
    number = await claimed(bot)
    await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS)
    replies = await bot.say(MEMBER_LI, "", MEMBERS, attachments=(photo(jpeg(color=(0, 200, 0))),))
    assert keys(replies)[0] == "result_photo_ok"
    assert [r.role for r in await rows(bot)] == ["report", "result"]
    assert any(r.to == SECRETARY and r.image_id for r in replies)


async def test_photo_required_category_refuses_done_without_one(bot):
    replies = await bot.say(SECRETARY, "/验收照片 设施报修 必须", None)
    assert keys(replies) == ["photo_rule_set"]
    number = await claimed(bot)
    replies = await bot.say(MEMBER_LI, f"完成 {number} 修好了", MEMBERS)
    assert keys(replies) == ["done_photo_required"] and "照片" in replies[0].text
    assert (await bot.ticket(number)).status == "claimed"
    # A photo sent first while working on the task counts; then 完成 goes through.
    replies = await bot.say(MEMBER_LI, "", MEMBERS, attachments=(photo(jpeg(color=(0, 0, 200))),))
    assert keys(replies) == ["result_photo_pending"]
    replies = await bot.say(MEMBER_LI, f"完成 {number} 修好了", MEMBERS)
    assert "ticket_done_ok" in keys(replies)
    assert (await bot.ticket(number)).status == "done"


async def test_photo_rule_is_per_category_and_off_by_default(bot):
    number = await claimed(bot)
    replies = await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS)
    assert "ticket_done_ok" in keys(replies)
    await bot.say(SECRETARY, "/验收照片 环境卫生 必须", None)
    number = await bot.open_ticket("5号楼楼道里堆满了杂物")
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert keys(await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS)) == ["done_photo_required"]
    assert keys(await bot.say(SECRETARY, "/验收照片 环境卫生 不要求", None)) == ["photo_rule_set"]
    assert "ticket_done_ok" in keys(await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS))


async def test_only_secretaries_set_the_photo_rule(bot):
    replies = await bot.say(MEMBER_LI, "/验收照片 设施报修 必须", None)
    assert keys(replies) == ["err_forbidden"]


async def test_the_sender_delivers_the_photos_to_the_transport(bot):
    from bot.sender import OutboxSender

    number = await claimed(bot)
    await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS, attachments=(photo(jpeg(color=(9, 99, 9))),))
    transport = bot.runtime.transport
    await OutboxSender(bot.runtime.db, transport).drain()
    images = [m for m in transport.sent if m.image_id]
    assert [m.to for m in images] == [SECRETARY, SECRETARY]
    assert "处理前" in images[0].text and "处理后" in images[1].text
    assert images[0].image_id != images[1].image_id


async def test_a_member_reporting_a_new_problem_with_a_photo_is_not_taken_for_proof(bot):
    number = await claimed(bot)
    replies = await bot.say(MEMBER_LI, "5号楼楼道里堆满了杂物", EAST, attachments=(photo(jpeg(color=(7, 7, 7))),))
    assert "ticket_opened" in keys(replies)
    new = (await bot.tickets())[-1]
    assert new.number != number
    assert [(r.ticket_id, r.role) for r in await rows(bot)][-1] == (new.id, "report")


async def test_a_platform_that_sends_files_gets_the_photos_themselves(bot):
    """Where the platform can send images (wechaty, and WeCom robots later), the secretary's
    验收 reminder arrives as the photos with their captions, not as text about them."""
    import hashlib

    transport = bot.runtime.transport
    files: list = []

    async def send_file(message, file, idempotency_key=None):
        files.append((message, file))

    transport.can_send_files = True
    transport.send_file = send_file
    number = await claimed(bot)
    after = jpeg(color=(9, 99, 9))
    await bot.say(MEMBER_LI, f"完成 {number}", MEMBERS, attachments=(photo(after),))
    await bot.runtime.sender.drain()
    assert [m.to for m, _ in files] == [SECRETARY, SECRETARY]
    assert "处理前" in files[0][0].text and "处理后" in files[1][0].text
    assert all(f.is_image and f.data[:2] == b"\xff\xd8" for _, f in files)
    async with bot.runtime.db.sessions() as session:
        stored = {a.id: a.sha256 for a in await session.scalars(select(Attachment))}
    assert hashlib.sha256(files[1][1].data).hexdigest() == stored[files[1][0].image_id]
    assert not [m for m in transport.sent if m.image_id]  # not sent a second time as text
