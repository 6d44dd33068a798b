"""The WHOLE bot on the REAL python-wechaty: in-memory puppet → Runtime → dispatcher → outbox → sender → puppet.

Runs on both databases (``database_url``). The sender uses a FakeClock, so the
wechaty rate limits (40/min, 3 s per room, 3–5 s switch pause) cost no real time.
"""

import pytest
from wechaty_env import require_wechaty  # noqa: E402

require_wechaty()

from sqlalchemy import func, select  # noqa: E402
from wechaty_memory_puppet import MemoryPuppet, new_id  # noqa: E402
from wechaty_puppet import EventMessagePayload  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.db.models import OutboxMessage, Person, PersonRole, Room, Ticket  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.transports.ratelimit import FakeClock  # noqa: E402
from bot.transports.wechaty_adapter import WechatyTransport  # noqa: E402
from bot.transports.wechaty_compat import reset_caches  # noqa: E402
from tests.conftest import BACKEND, _truncate_all  # noqa: E402
from tests.harness import EAST, MEMBERS  # noqa: E402
from tests.transports.fake_platform import WECHATY_LIMITS  # noqa: E402

AT = "\u2005"
SEP = "- - - - - - - - - - - - - - -"
GRID_ROOM, MEMBER_ROOM = "east@chatroom", "members@chatroom"


@pytest.fixture
async def wx(database_url, tmp_path):
    reset_caches()
    puppet = MemoryPuppet()
    puppet.add_room(GRID_ROOM, "幸福里东区", {"zhaoayi": "赵阿姨", "sunxs": "孙先生"}, aliases={"zhaoayi": "1-201赵阿姨"})
    puppet.add_room(MEMBER_ROOM, "幸福里党员群", {"lishifu": "李师傅", "chenls": "陈老师"})
    puppet.add_contact("wangwu", "王五")
    settings = Settings(_env_file=None, database_url=database_url, transport="wechaty", file_dir=str(tmp_path))
    clock = FakeClock()
    runtime = Runtime(settings, transport=WechatyTransport(puppet=puppet, limits=WECHATY_LIMITS), clock=clock)
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
    await runtime.transport.start(runtime.dispatcher.handle)
    await runtime.transport.wait_ready(5)
    runtime.puppet, runtime.clock = puppet, clock
    try:
        yield runtime
    finally:
        await runtime.transport.stop()
        await runtime.db.dispose()
        reset_caches()


async def count(runtime, model) -> int:
    async with runtime.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def ticket(runtime, number: int = 1) -> Ticket:
    async with runtime.db.sessions() as session:
        return await session.scalar(select(Ticket).where(Ticket.number == number))


async def delivered(runtime) -> list[tuple[str, str, list | None]]:
    await runtime.sender.drain()
    sent, runtime.puppet.sent[:] = list(runtime.puppet.sent), []
    return sent


async def test_resident_opens_a_ticket_and_the_reply_mentions_them(wx):
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, mention_ids=["bot-wxid"],
                                   text=f"@网格通{AT}1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的")
    t = await ticket(wx)
    assert t is not None and t.reporter_id == "wx:zhaoayi" and t.room_id == "wx:" + GRID_ROOM
    sent = await delivered(wx)
    replies = [(text, ids) for conv, text, ids in sent if conv == GRID_ROOM]
    assert len(replies) == 1
    text, mention_ids = replies[0]
    assert mention_ids == ["zhaoayi"]
    assert text.startswith("@赵阿姨 ")  # room.say puts the mentioned names in front
    assert f"#{t.number}" in text and "已登记" in text
    async with wx.db.sessions() as session:  # everything queued for WeChat was delivered
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.conversation.like("%wx:%")))).all()
    assert rows and {r.status for r in rows} == {"sent"} and len(rows) == len(sent)
    assert wx.transport.health()["sent"] == len(sent)


async def test_a_member_claims_in_another_room(wx):
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text="1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的")
    await delivered(wx)
    await wx.puppet.inject_message(from_id="lishifu", room_id=MEMBER_ROOM, text="接单 1")
    assert (await ticket(wx)).claimer_id == "wx:lishifu"
    sent = await delivered(wx)
    assert any(conv == MEMBER_ROOM and ids == ["lishifu"] and "#1" in text for conv, text, ids in sent)
    # the resident hears who is coming, in the group where they asked
    assert any(conv == GRID_ROOM and "李师傅" in text for conv, text, _ in sent)


async def test_a_quoted_reply_to_the_task_claims_it(wx):
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text="1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的")
    await delivered(wx)
    quote = f"「网格通：【新任务 #1】设施报修，位置：1号楼2单元」\n{SEP}\n我来"
    await wx.puppet.inject_message(from_id="lishifu", room_id=MEMBER_ROOM, text=quote)
    assert (await ticket(wx)).claimer_id == "wx:lishifu"


async def test_private_chat_with_the_bot(wx):
    await wx.puppet.inject_message(from_id="wangwu", text="帮助")
    sent = await delivered(wx)
    assert len(sent) == 1
    conv, text, ids = sent[0]
    assert conv == "wangwu" and not ids and text


async def test_a_redelivered_message_id_is_handled_once(wx):
    mid = new_id()
    text = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text=text, msg_id=mid)
    first = await delivered(wx)
    await wx.puppet.emit("message", EventMessagePayload(message_id=mid))
    reset_caches()  # as after a restart: wechaty's in-process id cache is gone, the database remembers
    await wx.puppet.emit("message", EventMessagePayload(message_id=mid))
    assert await count(wx, Ticket) == 1
    assert await delivered(wx) == [] and first


async def test_someone_joining_gets_a_welcome(wx):
    await wx.puppet.inject_room_join(GRID_ROOM, {"xiaozhang": "小张"}, inviter_id="zhaoayi")
    sent = await delivered(wx)
    assert len(sent) == 1 and sent[0][0] == GRID_ROOM and sent[0][2] == ["xiaozhang"]
    assert "欢迎 小张" in sent[0][1]


async def test_sends_respect_the_limits(wx):
    for i in range(3):
        await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text=f"{i + 1}号楼楼道灯坏了好几天了")
    before = wx.clock.now()
    sent = await delivered(wx)
    assert len(sent) >= 3
    assert wx.clock.now() - before >= 3.0 * (len([s for s in sent if s[0] == GRID_ROOM]) - 1)


async def test_a_photo_voice_and_location_join_the_residents_ticket(wx):
    import base64

    from wechaty_puppet import FileBox, MessageType

    from bot.db.models_files import Attachment
    from tests.media import AMR, jpeg

    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text="1号楼2单元楼道灯坏了好几天了")
    box = FileBox.from_base64(base64.b64encode(jpeg()), name="light.jpg")
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text="", type=MessageType.MESSAGE_TYPE_IMAGE,
                                   file_box=box)
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text="", type=MessageType.MESSAGE_TYPE_AUDIO,
                                   file_box=FileBox.from_buffer(AMR, name="v.amr"))
    xml = '<msg><location x="31.2304" y="121.4737" label="幸福里小区1号楼" poiname=""/></msg>'
    await wx.puppet.inject_message(from_id="zhaoayi", room_id=GRID_ROOM, text=xml,
                                   type=MessageType.MESSAGE_TYPE_LOCATION)
    t = await ticket(wx)
    async with wx.db.sessions() as session:
        rows = list(await session.scalars(select(Attachment).order_by(Attachment.id)))
    assert [(r.kind, r.ticket_id) for r in rows] == [("image", t.id), ("voice", t.id), ("location", t.id)]
    texts = [text for _, text, _ in await delivered(wx)]
    assert any("照片已加到您的诉求 #1" in x for x in texts) and any("幸福里小区1号楼" in x for x in texts)
