"""What residents send besides text and photos (issue 12): each kind has a defined answer, in a
group and in a private chat. Nothing is dropped without a decision: what the bot keeps it keeps
and asks about; what it cannot read it is quiet about in a group (group life: 表情, 抢红包, shared
articles) and explains in a private chat. (Refusals of bad files: test_attachments_bad_input.py.)"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import ProcessedMessage, Ticket
from bot.db.models_files import Attachment
from bot.messages import Attachment as Incoming
from tests.harness import EAST, RES_SUN, keys
from tests.media import AMR, MP4, document, voice

CJK = __import__("re").compile(r"[\u4e00-\u9fff]")
STICKER = Incoming(kind="sticker")
RED_PACKET = Incoming(kind="money")
LINK = Incoming(kind="link", url="https://example.org/notice", title="关于停水的通知")
MINI = Incoming(kind="mini_program", title="社区团购")
CHATS = Incoming(kind="chat_history")

# name: (attachment, room (None: private chat), reply keys, kinds kept)
TABLE = {
    "a sticker in a group": (STICKER, EAST, [], []),
    "a sticker in a private chat": (STICKER, None, [], []),
    "a red packet in a group": (RED_PACKET, EAST, [], []),
    "a red packet in a private chat": (RED_PACKET, None, ["money_refused"], []),
    "a link card in a group": (LINK, EAST, [], []),
    "a link card in a private chat": (LINK, None, ["link_unread"], []),
    "a mini program in a group": (MINI, EAST, [], []),
    "a mini program in a private chat": (MINI, None, ["link_unread"], []),
    "forwarded chat records in a group": (CHATS, EAST, [], []),
    "forwarded chat records in a private chat": (CHATS, None, ["chat_history_unread"], []),
    "a voice without a transcript": (voice(), EAST, ["voice_ask_text"], ["voice"]),
    "a voice without a transcript, privately": (voice(), None, ["voice_ask_text"], ["voice"]),
    "a voice transcript only (WeCom), a report": (
        Incoming(kind="voice", transcript="5号楼电梯坏了，老人下不了楼"), EAST, ["ticket_opened", "attachment_filed"],
        ["voice"]),
    "a voice with neither audio nor transcript (WeCom)": (Incoming(kind="voice"), EAST, ["voice_no_text"], []),
    "a message type GridBot does not know, in a group": (Incoming(kind="unknown", title="card"), EAST, [], []),
    "a message type GridBot does not know, privately": (Incoming(kind="unknown", title="card"), None,
                                                         ["attachment_unsupported"], []),
    "a video": (Incoming(kind="video", name="clip.mp4", data=MP4), EAST, ["file_ask"], ["video"]),
    "a PDF": (document(b"%PDF-1.4\n" + b"x" * 100), EAST, ["file_ask"], ["file"]),
    # documents are PDF/Office/text by their bytes: an audio file sent as a file is refused, kindly
    "an AMR sent as a file": (document(AMR, name="v.amr"), EAST, ["file_wrong_type"], []),
    "a location with an address only": (Incoming(kind="location", address="幸福里小区5号楼"), EAST,
                                        ["location_ask"], ["location"]),
    "a location with nothing in it": (Incoming(kind="location"), EAST, ["location_no_place"], []),
}


async def kept(bot) -> list[str]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(Attachment.kind).order_by(Attachment.id)))


@pytest.mark.parametrize("name", list(TABLE))
async def test_each_kind_has_a_defined_answer(bot, name):
    att, room, expected, kinds = TABLE[name]
    replies = await bot.say(RES_SUN, "", room, attachments=(att,))
    # what is said to the sender (a report also offers the task to a member nearby: not checked here)
    assert [k for k in keys(replies) if k != "dispatch_offer"] == expected, [r.text for r in replies]
    assert all(CJK.search(r.text) and "系统出了点问题" not in r.text for r in replies)
    assert await kept(bot) == kinds
    if not expected and not kinds:  # quiet: not even the message key is written
        async with bot.runtime.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(ProcessedMessage)) == 0
    # the bot keeps serving the same person
    replies = await bot.say(RES_SUN, "3号楼门口的垃圾两天没人清运了，味道很大", EAST)
    assert "ticket_opened" in keys(replies)


async def test_the_reply_names_what_was_shared(bot):
    (reply,) = await bot.say(RES_SUN, "", None, attachments=(LINK,))
    assert "「关于停水的通知」" in reply.text
    (reply,) = await bot.say(RES_SUN, "", None, attachments=(Incoming(kind="link"),))
    assert "分享的链接" in reply.text


async def test_a_voice_asked_about_then_explained_opens_the_ticket_with_it(bot):
    await bot.say(RES_SUN, "", EAST, attachments=(voice(),))
    replies = await bot.say(RES_SUN, "6号楼楼道里的灯坏了", EAST)
    assert "ticket_opened" in keys(replies) and "attachment_filed" in keys(replies)
    async with bot.runtime.db.sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert list(await session.scalars(select(Attachment.ticket_id))) == [ticket.id]


async def test_a_pin_with_nothing_in_it_then_the_building_in_words(bot):
    """A location a puppet could not read (no coordinates, no name): the bot asks for the building,
    and the answer in words is a report like any other."""
    number = await bot.open_ticket("小区里消防通道被车堵了", sender=RES_SUN)
    replies = await bot.say(RES_SUN, "", EAST, attachments=(Incoming(kind="location"),))
    assert keys(replies) == ["location_no_place"] and "哪栋楼" in replies[0].text
    assert (await bot.ticket(number)).text == "小区里消防通道被车堵了"


async def test_an_address_only_location_names_the_building_unless_the_report_did(bot):
    """Over gRPC a location arrives as its address text (docs/attachments.md): a building named
    there becomes the ticket's building unless the report named one (the one guessed from the
    reporter's home gives way)."""
    number = await bot.open_ticket("小区里消防通道被车堵了", sender=RES_SUN)
    assert (await bot.ticket(number)).building == "3"  # 孙先生 lives in 3号楼: a guess
    replies = await bot.say(RES_SUN, "", EAST, attachments=(Incoming(kind="location", address="幸福里小区5号楼"),))
    assert keys(replies) == ["location_joined"]
    ticket = await bot.ticket(number)
    assert ticket.building == "5" and "幸福里小区5号楼" in ticket.text
    # a ticket that already knows its building keeps it
    other = await bot.open_ticket("3号楼门口的垃圾两天没人清运了，味道很大")
    assert (await bot.ticket(other)).building == "3"
    await bot.say("res-zhao", "", EAST, attachments=(Incoming(kind="location", address="幸福里小区5号楼"),))
    assert (await bot.ticket(other)).building == "3"
