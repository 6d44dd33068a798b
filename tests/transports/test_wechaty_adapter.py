"""The wechaty transport against the REAL python-wechaty, with an in-memory puppet."""

import pytest
from wechaty_env import require_wechaty  # noqa: E402

require_wechaty()

from wechaty_memory_puppet import MemoryPuppet, new_id  # noqa: E402
from wechaty_puppet import MessageType  # noqa: E402

from bot.messages import Outgoing  # noqa: E402
from bot.transports.base import SendError  # noqa: E402
from bot.transports.wechaty_adapter import RoomJoin, WechatyTransport  # noqa: E402
from bot.transports.wechaty_compat import reset_caches  # noqa: E402

SEP = "- - - - - - - - - - - - - - -"
ROOM = "room-3hao@chatroom"
AT = "\u2005"


@pytest.fixture
async def env():
    reset_caches()
    puppet = MemoryPuppet()
    puppet.add_room(ROOM, "幸福里3号楼", {"zhangsan": "张三", "lisi": "李四"}, aliases={"zhangsan": "3-201张阿姨"})
    puppet.add_contact("wangwu", "王五")
    received, joins = [], []

    async def on_message(m):
        received.append(m)

    async def on_join(ev):
        joins.append(ev)

    t = WechatyTransport(puppet=puppet, on_room_join=on_join)
    await t.start(on_message)
    await t.wait_ready(5)

    class Env:
        pass

    e = Env()
    e.puppet, e.t, e.received, e.joins = puppet, t, received, joins
    yield e
    await t.stop()
    reset_caches()


async def test_login_and_health(env):
    h = env.t.health()
    assert h["state"] == "online" and h["self_id"] == "bot-wxid" and h["connects"] == 1


async def test_room_message_becomes_incoming_message(env):
    mid = await env.puppet.inject_message(
        from_id="zhangsan", room_id=ROOM, text=f"@网格通{AT}3号楼楼道灯坏了", mention_ids=["bot-wxid"])
    (m,) = env.received
    assert m.platform == "wechaty" and m.msg_id == mid
    assert m.sender_id == "wx:zhangsan" and m.sender_name == "3-201张阿姨"
    assert m.room_id == "wx:" + ROOM and not m.is_private
    assert m.text == "3号楼楼道灯坏了"
    assert m.mentions_bot and m.mentions == ()
    assert m.quoted_text is None and m.received_at is not None


async def test_mentions_of_others_and_no_bot_mention(env):
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text=f"@张三{AT}你家漏水了", mention_ids=["zhangsan"])
    (m,) = env.received
    assert not m.mentions_bot and m.mentions == ("wx:zhangsan",)
    assert m.text == f"@张三{AT}你家漏水了"
    # a pasted "@网格通" without the id is not a mention
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text=f"@网格通{AT}在吗")
    assert not env.received[1].mentions_bot


async def test_room_reply_with_real_mention(env):
    await env.t.send(Outgoing(text="收到，已登记 #12", room_id="wx:" + ROOM, to="wx:zhangsan", mentions=("wx:lisi",)))
    (conv, text, mention_ids) = env.puppet.sent[0]
    assert conv == ROOM
    assert text == f"@张三{AT}@李四 收到，已登记 #12"
    assert mention_ids == ["zhangsan", "lisi"]
    assert env.t.health()["sent"] == 1


async def test_private_chat_round_trip(env):
    await env.puppet.inject_message(from_id="wangwu", text="我要报修")
    (m,) = env.received
    assert m.is_private and m.room_id is None and m.sender_id == "wx:wangwu" and m.sender_name == "王五"
    assert m.text == "我要报修" and not m.mentions_bot
    await env.t.send(Outgoing(text="请描述位置", to=m.sender_id))
    assert env.puppet.sent == [("wangwu", "请描述位置", None)]


async def test_own_messages_are_ignored(env):
    await env.puppet.inject_message(from_id="bot-wxid", room_id=ROOM, text="【任务 #12】3号楼楼道灯坏了")
    await env.t.send(Outgoing(text="hello", room_id="wx:" + ROOM))
    # the bot's own sent message, echoed back by the service
    sent_id = next(k for k, v in env.puppet.messages.items() if v.text == "hello")
    await env.puppet.emit("message", __import__("wechaty_puppet").EventMessagePayload(message_id=sent_id))
    assert env.received == []


async def test_quoted_reply_is_parsed(env):
    text = f"「网格通：【任务 #12】3号楼楼道灯坏了」\n{SEP}\n我来"
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text=text)
    (m,) = env.received
    assert m.quoted_text == "【任务 #12】3号楼楼道灯坏了" and m.text == "我来"
    # quoting and @-mentioning the bot at once
    text = f"「网格通：【任务 #13】漏水」\n{SEP}\n@网格通{AT}接单"
    await env.puppet.inject_message(from_id="zhangsan", room_id=ROOM, text=text, mention_ids=["bot-wxid"])
    assert env.received[1].quoted_text == "【任务 #13】漏水" and env.received[1].text == "接单"


async def test_redelivered_message_id_is_handled_once(env):
    mid = new_id()
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="接", msg_id=mid)
    await env.puppet.emit("message", __import__("wechaty_puppet").EventMessagePayload(message_id=mid))
    assert [m.msg_id for m in env.received] == [mid]


async def test_stickers_red_packets_chat_records_and_mini_programs_come_typed_for_the_bot_to_decide(env):
    """The transport does not decide what to say about what the bot cannot read: each kind arrives
    typed (handlers/attachments.py answers in private chats, stays quiet in groups); contact cards,
    recalls and system notices carry nothing for the bot and are dropped here."""
    from wechaty_puppet import MiniProgramPayload

    for kind in (MessageType.MESSAGE_TYPE_EMOTICON, MessageType.MESSAGE_TYPE_RED_ENVELOPE,
                 MessageType.MESSAGE_TYPE_TRANSFER, MessageType.MESSAGE_TYPE_CHAT_HISTORY):
        await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="[表情]", type=kind)
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="", type=MessageType.MESSAGE_TYPE_MINI_PROGRAM,
                                    url=MiniProgramPayload(title="社区团购"))
    for kind in (MessageType.MESSAGE_TYPE_CONTACT, MessageType.MESSAGE_TYPE_RECALLED,
                 MessageType.MESSAGE_TYPE_UNSPECIFIED):
        await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="x", type=kind)
    got = [(m.text, [(a.kind, a.title) for a in m.attachments]) for m in env.received]
    assert got == [("", [("sticker", None)]), ("", [("money", None)]), ("", [("money", None)]),
                   ("", [("chat_history", None)]), ("", [("mini_program", "社区团购")])]


async def test_image_video_voice_and_file_come_as_attachments_read_through_the_filebox(env):
    import base64

    from wechaty_puppet import FileBox

    from tests.media import AMR, MP4, jpeg

    photo = jpeg()
    sent = {
        MessageType.MESSAGE_TYPE_IMAGE: ("image", FileBox.from_base64(base64.b64encode(photo), name="a.jpg"), photo),
        MessageType.MESSAGE_TYPE_VIDEO: ("video", FileBox.from_buffer(MP4, name="v.mp4"), MP4),
        MessageType.MESSAGE_TYPE_AUDIO: ("voice", FileBox.from_stream(AMR, name="v.amr"), AMR),
        MessageType.MESSAGE_TYPE_ATTACHMENT: ("file", FileBox.from_buffer(b"%PDF-1.4 x", name="r.pdf"), b"%PDF-1.4 x"),
    }
    for kind, (_, box, _) in sent.items():
        await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="", type=kind, file_box=box)
    assert len(env.received) == 4
    for m, (expected_kind, _, data) in zip(env.received, sent.values()):
        (att,) = m.attachments
        assert att.kind == expected_kind and m.text == "" and m.sender_id == "wx:lisi"
        assert await att.read() == data


async def test_location_and_link_cards(env):
    from wechaty_puppet import UrlLinkPayload

    xml = '<msg><location x="31.2304" y="121.4737" scale="16" label="上海市黄浦区幸福里小区东门" poiname="幸福里"/></msg>'
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text=xml, type=MessageType.MESSAGE_TYPE_LOCATION)
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="幸福里小区东门",
                                    type=MessageType.MESSAGE_TYPE_LOCATION)
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="", type=MessageType.MESSAGE_TYPE_URL,
                                    url=UrlLinkPayload(url="https://example.org/a", title="停水通知"))
    pin, text_only, card = (m.attachments[0] for m in env.received)
    assert (pin.kind, pin.latitude, pin.longitude, pin.title) == ("location", 31.2304, 121.4737, "幸福里")
    assert pin.address == "上海市黄浦区幸福里小区东门"
    assert (text_only.kind, text_only.latitude, text_only.address) == ("location", None, "幸福里小区东门")
    assert (card.kind, card.url, card.title) == ("link", "https://example.org/a", "停水通知")


async def test_room_join_reaches_callback(env):
    await env.puppet.inject_room_join(ROOM, {"zhaoliu": "赵六"}, inviter_id="zhangsan")
    await env.puppet.inject_room_join(ROOM, {"bot-wxid": "网格通"}, inviter_id="lisi")
    assert env.joins[0] == RoomJoin("wx:" + ROOM, "幸福里3号楼", (("wx:zhaoliu", "赵六"),), "wx:zhangsan", False)
    assert env.joins[1].bot_joined and env.joins[1].members == ()


async def test_handler_error_does_not_stop_the_stream(env):
    calls = []

    async def flaky(m):
        calls.append(m.text)
        if m.text == "boom":
            raise RuntimeError("handler bug")

    env.t._on_message = flaky
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="boom")
    await env.puppet.inject_message(from_id="lisi", room_id=ROOM, text="ok")
    assert calls == ["boom", "ok"] and env.t.health()["handler_errors"] == 1


async def test_send_errors(env):
    with pytest.raises(SendError) as ei:
        await env.t.send(Outgoing(text="x", room_id="wecom:CHAT"))
    assert not ei.value.retryable
    await env.t.stop()
    with pytest.raises(SendError) as ei:
        await env.t.send(Outgoing(text="x", room_id="wx:" + ROOM))
    assert ei.value.retryable
