"""The production path over REAL gRPC: GridBot (TRANSPORT=wechaty, the real python-wechaty
client) ↔ a local puppet-service gateway (wechaty-puppet-service + wechaty-puppet-mock from
npm, tests/gateway/) on 127.0.0.1.

One gateway per session (tests/transports/wechaty_gateway.py installs and starts it); each
test runs a whole Runtime built from settings, as ``gridbot run`` does, and connects to it.
Messages are injected through the gateway's control API (the mock's ``contact.say().to()``)
and what the bot sent is read back from the gateway (its ``messageSendText`` calls).
"""
from __future__ import annotations

import asyncio
import base64
import time

import pytest
from wechaty_env import require_wechaty

require_wechaty()

from sqlalchemy import func, select  # noqa: E402
from wechaty_gateway import TOKEN, Gateway, GatewayUnavailable, install, required  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.db.models import Person, PersonRole, Room, Ticket  # noqa: E402
from bot.messages import IncomingMessage, Outgoing  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.transports.base import OutgoingFile  # noqa: E402
from bot.transports.platforms import wechaty_from_settings  # noqa: E402
from bot.transports.wechaty_adapter import WechatyTransport  # noqa: E402
from bot.transports.wechaty_compat import reset_caches  # noqa: E402
from tests.conftest import BACKEND, _truncate_all  # noqa: E402
from tests.harness import EAST, MEMBERS  # noqa: E402

AT = "\u2005"
SEP = "- - - - - - - - - - - - - - -"
BOT = "bot-wxid"
GRID_ROOM, MEMBER_ROOM = "east@chatroom", "members@chatroom"
WORLD = {
    "bot": {"id": BOT, "name": "网格通"},
    "contacts": [{"id": "zhaoayi", "name": "赵阿姨"}, {"id": "sunxs", "name": "孙先生"},
                 {"id": "lishifu", "name": "李师傅"}, {"id": "chenls", "name": "陈老师"},
                 {"id": "wangwu", "name": "王五"}],
    "rooms": [{"id": GRID_ROOM, "topic": "幸福里东区", "members": ["zhaoayi", "sunxs"],
               "aliases": {"zhaoayi": "1-201赵阿姨"}},
              {"id": MEMBER_ROOM, "topic": "幸福里党员群", "members": ["lishifu", "chenls"]}],
}


@pytest.fixture(scope="session")
def gateway():
    try:
        directory = install()
        gw = Gateway(directory, WORLD)
        gw.start()
    except GatewayUnavailable as exc:
        if required():
            pytest.fail(f"the wechaty test gateway is required under CI: {exc}")
        pytest.skip(f"no local wechaty gateway: {exc}")
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture
async def wx(database_url, gateway):
    reset_caches()
    settings = Settings(
        _env_file=None, database_url=database_url, transport="wechaty", scheduler_enabled=False,
        wechaty_puppet_service_endpoint=gateway.endpoint, wechaty_puppet_service_token=TOKEN,
        # the production limits cost seconds per message; test_wechaty_bot covers them with a fake clock
        wechaty_per_minute=0, wechaty_room_gap_seconds=0, wechaty_switch_pause_min=0, wechaty_switch_pause_max=0,
        outbox_backoff_seconds=0.2, outbox_backoff_max_seconds=1.0, outbox_max_attempts=60,
    )
    # the production transport from settings, reconnecting sooner than its default backoff (2 s, doubling up to 5 min)
    runtime = Runtime(settings, transport=wechaty_from_settings(settings, backoff_base=0.2,
                                                                      backoff_max=1.0))
    if BACKEND == "postgres":
        await _truncate_all(runtime.db)
    await runtime.load_demo_if_empty()
    async with runtime.db.transaction() as session:  # the demo community's groups, as WeChat rooms
        east, members = await session.get(Room, EAST), await session.get(Room, MEMBERS)
        session.add(Room(id="wx:" + GRID_ROOM, community_id=east.community_id, grid_id=east.grid_id,
                         kind="grid", name="东区微信群"))
        session.add(Room(id="wx:" + MEMBER_ROOM, community_id=members.community_id, kind="members",
                         name="党员微信群"))
        session.add(Person(id="wx:lishifu", name="李师傅"))
        await session.flush()
        session.add(PersonRole(person_id="wx:lishifu", community_id=east.community_id, role="member"))
    started = time.monotonic()
    await runtime.start(serve_http=False)
    await runtime.transport.wait_ready(20)
    runtime.login_seconds = time.monotonic() - started
    runtime.gateway, runtime.seen = gateway, len(gateway.sent())
    try:
        yield runtime
    finally:
        await runtime.stop()
        reset_caches()


async def new_sends(wx, count: int = 1, timeout: float = 15.0) -> list[dict]:
    """Wait until the gateway has received at least ``count`` more sends from the bot; return them."""
    deadline = time.monotonic() + timeout
    while True:
        sent = await asyncio.to_thread(wx.gateway.sent)
        fresh = sent[wx.seen:]
        if len(fresh) >= count or time.monotonic() > deadline:
            wx.seen = len(sent)
            return fresh
        await asyncio.sleep(0.05)


async def ticket(wx, number: int = 1) -> Ticket | None:
    async with wx.db.sessions() as session:
        return await session.scalar(select(Ticket).where(Ticket.number == number))


async def say(wx, sender: str, text: str, **kw) -> str:
    return await asyncio.to_thread(wx.gateway.say, sender, text, **kw)


async def test_a_residents_demand_becomes_a_ticket_and_the_reply_reaches_the_room(wx):
    await say(wx, "zhaoayi", f"@网格通{AT}1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", room=GRID_ROOM, mentions=[BOT])
    sent = await new_sends(wx)
    t = await ticket(wx)
    assert t is not None and t.reporter_id == "wx:zhaoayi" and t.room_id == "wx:" + GRID_ROOM
    replies = [s for s in sent if s["conversation"] == GRID_ROOM]
    assert len(replies) == 1, sent
    # a real mention travelled over gRPC (mention ids), and room.say put the name in front;
    # the resident is greeted by their 群昵称 from the gateway's room-member payload
    assert replies[0]["mentions"] == ["zhaoayi"]
    assert replies[0]["text"].startswith("@赵阿姨") and f"#{t.number}" in replies[0]["text"]
    # the gateway logs a send before the client has its answer: the count follows
    await wait_for(lambda: wx.transport.health()["sent"] == 1)
    assert wx.transport.health()["state"] == "online"


async def test_a_members_quoted_reply_claims_the_ticket(wx):
    await say(wx, "zhaoayi", "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", room=GRID_ROOM)
    await new_sends(wx)
    assert (await ticket(wx)).claimer_id is None
    quote = f"「网格通：【新任务 #1】设施报修，位置：1号楼2单元」\n{SEP}\n我来"
    await say(wx, "lishifu", quote, room=MEMBER_ROOM)
    sent = await new_sends(wx, 2)
    assert (await ticket(wx)).claimer_id == "wx:lishifu"
    assert any(s["conversation"] == MEMBER_ROOM and s["mentions"] == ["lishifu"] and "#1" in s["text"]
               for s in sent), sent
    assert any(s["conversation"] == GRID_ROOM and "李师傅" in s["text"] for s in sent), sent


async def test_a_private_chat(wx):
    await say(wx, "wangwu", "帮助")
    sent = await new_sends(wx)
    assert len(sent) == 1 and sent[0]["conversation"] == "wangwu" and not sent[0]["mentions"]
    assert "查询" in sent[0]["text"]


async def test_an_image_reaches_the_room_over_grpc(wx):
    """The contract's send_file on wechaty: the text with its mention, then the image itself."""
    import hashlib

    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    message = Outgoing(text="【验收提醒】#1 办结照片", room_id="wx:" + GRID_ROOM, to="wx:zhaoayi")
    await wx.transport.send_file(message, OutgoingFile("after.jpg", photo, "image/jpeg"), "outbox:1:0")
    text, image = await new_sends(wx, 2)
    assert text["conversation"] == GRID_ROOM and text["mentions"] == ["zhaoayi"] and "办结照片" in text["text"]
    assert image["conversation"] == GRID_ROOM and image["file"] == {
        "name": "after.jpg", "size": len(photo), "sha256": hashlib.sha256(photo).hexdigest()}
    await wx.transport.send_file(message, OutgoingFile("after.jpg", photo, "image/jpeg"), "outbox:1:0")
    assert await new_sends(wx, 1, timeout=0.5) == []  # the same key is not sent twice


async def test_a_gateway_restart_is_survived(wx):
    await say(wx, "zhaoayi", "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", room=GRID_ROOM)
    assert len(await new_sends(wx)) == 1
    # the gateway logs a send before the client has its answer: stopping it in between would leave
    # that reply unconfirmed, and it would rightly be sent again after the reconnect (at least once)
    await wait_for(lambda: wx.transport.health()["sent"] == 1)
    connects = wx.transport.connects
    await asyncio.to_thread(wx.gateway.stop)
    await wait_for(lambda: wx.transport.state != "online")
    # a message that was being handled when the gateway went away: its reply is queued,
    # the send fails (retryable), or the account is seen logged out and its sender pauses
    # (issue 16: the mock logs the account out as it stops), and the reply waits in the outbox
    await wx.dispatcher.handle(IncomingMessage(
        platform="wechaty", msg_id=f"late-{time.time_ns()}", sender_id="wx:sunxs", sender_name="孙先生",
        text="3号楼门口的垃圾两天没人清运了，味道很大", room_id="wx:" + GRID_ROOM))
    await wait_for(lambda: wx.sender.counters["retried"] >= 1 or wx.sender.paused())
    await asyncio.to_thread(wx.gateway.start)
    wx.seen = 0  # a new gateway process: its send log starts empty
    await wait_for(lambda: wx.transport.connects > connects and wx.transport.state == "online", 30)
    late = await new_sends(wx)  # nothing lost: the queued reply arrives after the reconnect
    assert len(late) == 1 and late[0]["conversation"] == GRID_ROOM and "#2" in late[0]["text"], late
    # and the bot keeps serving through the new connection
    await say(wx, "zhaoayi", "5号楼电梯坏了，老人下不了楼", room=GRID_ROOM)
    sent = await new_sends(wx)
    assert len(sent) == 1 and sent[0]["conversation"] == GRID_ROOM and "#3" in sent[0]["text"], sent
    async with wx.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 3


async def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_the_gateway_delivers_files_with_their_bytes(gateway):
    """What the mock can produce over gRPC, for the attachment work: images, voice, video and
    files arrive typed and with their bytes; a location arrives typed, but python-wechaty 0.10.7
    has no call to fetch its coordinates (no ``message_location``)."""
    from wechaty_puppet import MessageType

    reset_caches()
    got: list[tuple] = []

    class Probe(WechatyTransport):
        async def _handle_message(self, bot, msg) -> None:
            if msg.is_self():
                return
            data = None
            if msg.type() != MessageType.MESSAGE_TYPE_LOCATION:
                box = await msg.to_file_box()
                data = (box.name, base64.b64decode(box.base64))
            got.append((msg.type(), data))

    probe = Probe(endpoint=gateway.endpoint, token=TOKEN)
    await probe.start(lambda m: None)
    try:
        await probe.wait_ready(20)
        blob = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
        for name, kind in (("light.png", None), ("voice.sil", None), ("fire-lane.mp4", None),
                           ("notice.pdf", "Attachment")):
            await asyncio.to_thread(gateway.send_file, "zhaoayi", name, blob, room=GRID_ROOM, kind=kind)
        await asyncio.to_thread(gateway.say, "zhaoayi", "幸福里3号楼", room=GRID_ROOM, kind="Location")
        await wait_for(lambda: len(got) == 5)
    finally:
        await probe.stop()
        reset_caches()
    assert sorted(got, key=lambda g: g[0].value) == [
        (MessageType.MESSAGE_TYPE_ATTACHMENT, ("notice.pdf", blob)),
        (MessageType.MESSAGE_TYPE_AUDIO, ("voice.sil", blob)),
        (MessageType.MESSAGE_TYPE_IMAGE, ("light.png", blob)),
        (MessageType.MESSAGE_TYPE_VIDEO, ("fire-lane.mp4", blob)),
        (MessageType.MESSAGE_TYPE_LOCATION, None),
    ]


# -- issue 12 over gRPC: what residents send besides text, through the whole production path ------
async def send_file(wx, sender: str, name: str, data: bytes, **kw) -> str:
    return await asyncio.to_thread(wx.gateway.send_file, sender, name, data, **kw)


async def stored(wx) -> list:
    from bot.db.models_files import Attachment

    async with wx.db.sessions() as session:
        return list(await session.scalars(select(Attachment).order_by(Attachment.id)))


async def reply_keys(wx) -> list[str]:
    """The reply keys of what the bot said in the residents' group, in order."""
    from bot.db.models import OutboxMessage

    async with wx.db.sessions() as session:
        return list(await session.scalars(select(OutboxMessage.reply_key).where(
            OutboxMessage.room_id == "wx:" + GRID_ROOM).order_by(OutboxMessage.id)))


async def test_a_residents_photo_over_grpc_joins_her_report_stored_clean(wx):
    """Text, then a photo of it, from the same resident: the photo travels as a FileBox over gRPC,
    is fetched, checked and cleaned (EXIF gone), stored, and sits on her ticket."""
    import hashlib
    import io

    from PIL import Image

    from bot.files.store import store_for
    from tests.media import jpeg

    await say(wx, "zhaoayi", "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", room=GRID_ROOM)
    await new_sends(wx)
    original = jpeg(640, 480)
    assert b"Phone Model X" in original
    await send_file(wx, "zhaoayi", "IMG_0001.jpg", original, room=GRID_ROOM, kind="Image")
    (sent,) = await new_sends(wx)
    t = await ticket(wx)
    assert sent["conversation"] == GRID_ROOM and "照片已加到您的诉求 #1" in sent["text"], sent
    (row,) = await stored(wx)
    assert (row.ticket_id, row.kind, row.role, row.person_id, row.mime) == (
        t.id, "image", "report", "wx:zhaoayi", "image/jpeg")
    kept = await store_for(wx.settings).get(row.storage_key)
    assert kept and hashlib.sha256(kept).hexdigest() == row.sha256 and b"Phone Model X" not in kept
    with Image.open(io.BytesIO(kept)) as img:
        assert img.size == (640, 480) and not img.getexif()
    assert await reply_keys(wx) == ["ticket_opened", "photo_joined"]


async def test_a_lone_photo_over_grpc_is_asked_about_and_the_answer_opens_the_ticket(wx):
    from tests.media import jpeg

    await send_file(wx, "sunxs", "IMG_0002.jpg", jpeg(), room=GRID_ROOM, kind="Image")
    (sent,) = await new_sends(wx)
    assert "这张照片是要反映什么问题" in sent["text"] and await ticket(wx) is None
    (row,) = await stored(wx)
    assert row.ticket_id is None and row.kind == "image"
    await say(wx, "sunxs", "3号楼门口路灯坏了", room=GRID_ROOM)
    await new_sends(wx)
    t = await ticket(wx)
    assert t is not None and t.reporter_id == "wx:sunxs"
    assert [(r.ticket_id, r.kind) for r in await stored(wx)] == [(t.id, "image")]
    keys = await reply_keys(wx)
    assert keys[0] == "photo_ask" and "ticket_opened" in keys and "attachment_filed" in keys, keys


async def test_voice_file_and_location_over_grpc_join_the_ticket(wx):
    """The rest of what the mock can produce over gRPC: a voice (AUDIO, no transcript), a PDF
    (ATTACHMENT) and a location, whose coordinates come from the gateway's MessageLocation call
    (bot/transports/wechaty_location.py: python-wechaty 0.10.7 has none of its own)."""
    from tests.media import AMR

    await say(wx, "zhaoayi", "5号楼电梯坏了，老人下不了楼", room=GRID_ROOM)
    await new_sends(wx)
    await send_file(wx, "zhaoayi", "voice.amr", AMR, room=GRID_ROOM, kind="Audio")
    await send_file(wx, "zhaoayi", "notice.pdf", b"%PDF-1.4\n" + b"x" * 200, room=GRID_ROOM, kind="Attachment")
    await say(wx, "zhaoayi", "[位置]", room=GRID_ROOM, kind="Location")
    sent = await new_sends(wx, 3)
    t = await ticket(wx)
    rows = await stored(wx)
    # the three arrive as separate events and the file is downloaded first, so the order they are
    # stored in is not the order they were sent in; each must join the same ticket
    by_kind = {r.kind: r for r in rows}
    assert len(rows) == 3 and sorted(by_kind) == ["file", "location", "voice"]
    assert {r.ticket_id for r in rows} == {t.id}
    assert by_kind["voice"].mime == "audio/amr" and by_kind["file"].mime == "application/pdf"
    place = by_kind["location"]
    # the mock's fixed place (wechaty-puppet-mock 1.19.4 messageLocation)
    assert (round(place.latitude, 4), round(place.longitude, 4)) == (39.9951, 116.3342)
    assert "成府路45号" in place.address and "成府路45号" in t.text
    texts = [s["text"] for s in sent]
    assert any("语音已加到您的诉求 #1" in x for x in texts) and any("文件已加到您的诉求 #1" in x for x in texts)
    keys = await reply_keys(wx)
    assert keys[0] == "ticket_opened"
    assert sorted(keys[1:]) == ["attachment_joined", "attachment_joined", "location_joined"]


@pytest.fixture
async def no_location_call(wx):
    await asyncio.to_thread(wx.gateway.call, "POST", "/location", {"off": True})
    try:
        yield
    finally:
        await asyncio.to_thread(wx.gateway.call, "POST", "/location", {"off": False})


async def test_a_gateway_that_cannot_read_locations_gives_the_address_text(wx, no_location_call):
    """Where MessageLocation fails (older gateways), the message text is all there is: an address
    is kept and names the building; a pin with no text asks for the building."""
    await say(wx, "sunxs", "小区里消防通道被车堵了", room=GRID_ROOM)
    await new_sends(wx)
    await say(wx, "sunxs", "幸福里小区5号楼", room=GRID_ROOM, kind="Location")
    (sent,) = await new_sends(wx)
    assert "已记下诉求 #1 的位置：幸福里小区5号楼" in sent["text"], sent
    (row,) = await stored(wx)
    assert (row.latitude, row.address) == (None, "幸福里小区5号楼")
    assert (await ticket(wx)).building == "5"
    await say(wx, "sunxs", " ", room=GRID_ROOM, kind="Location")
    (sent,) = await new_sends(wx)
    assert "哪栋楼" in sent["text"] and len(await stored(wx)) == 1
    assert (await reply_keys(wx))[-1] == "location_no_place"


async def test_what_the_bot_cannot_read_over_grpc(wx):
    """Stickers, red packets, link cards, mini programs and chat records over the real gRPC path:
    quiet in the residents' group, a short answer in a private chat (a sticker: quiet anywhere)."""
    for kind in ("Emoticon", "RedEnvelope", "Url", "MiniProgram", "ChatHistory"):
        await say(wx, "zhaoayi", f"[{kind}]", room=GRID_ROOM, kind=kind)
    await say(wx, "wangwu", "[Emoticon]", kind="Emoticon")
    assert await new_sends(wx, 1, timeout=2.0) == []
    for kind in ("RedEnvelope", "Url", "MiniProgram", "ChatHistory"):
        await say(wx, "wangwu", f"[{kind}]", kind=kind)
        (sent,) = await new_sends(wx)
        assert sent["conversation"] == "wangwu", sent
    from bot.db.models import OutboxMessage

    async with wx.db.sessions() as session:
        keys = list(await session.scalars(select(OutboxMessage.reply_key).order_by(OutboxMessage.id)))
    assert keys == ["money_refused", "link_unread", "link_unread", "chat_history_unread"]
    assert await stored(wx) == [] and await ticket(wx) is None
