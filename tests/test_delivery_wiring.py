"""Wiring of the delivery area: quoted-reply claims, welcomes, platforms from settings, the WeCom callback route."""
from __future__ import annotations

import json
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.db.models import Room
from bot.dispatch import quoted_claim
from bot.messages import IncomingMessage
from bot.runtime import Runtime, make_transport
from bot.transports.platforms import ManagedWeComTransport, parse_robot_keys
from bot.transports.ratelimit import FakeClock
from bot.transports.wechaty_mapping import RoomJoin
from bot.transports.wecom_crypto import WeComCrypto
from bot.web.app import create_app
from tests.harness import EAST, MEMBER_LI, MEMBERS, NAMES, RES_ZHAO

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


@pytest.mark.parametrize("quoted, text, expected", [
    ("【新任务 #12】照明 1号楼楼道灯坏了", "我来", "接单 12"),
    ("【新任务 ＃7】漏水", "接！", "接单 7"),
    ("收到，已登记 #3", "接单", "接单 3"),
    ("【新任务 #12】照明", "我来看看怎么回事", None),
    ("今天天气不错", "我来", None),
    (None, "我来", None),
])
def test_quoted_claim(quoted, text, expected):
    assert quoted_claim(quoted, text) == expected


async def say_quoted(bot, sender, room, text, quoted, msg_id):
    msg = IncomingMessage(platform="test", msg_id=msg_id, sender_id=sender, sender_name=NAMES[sender],
                          text=text, room_id=room, quoted_text=quoted)
    return await bot.runtime.dispatcher.handle(msg)


async def test_a_quoted_reply_to_a_task_broadcast_claims_it(bot):
    number = await bot.open_ticket()
    quoted = f"【新任务 #{number}】设施报修，位置：1号楼2单元\n1号楼2单元楼道灯坏了好几天了"
    replies = await say_quoted(bot, MEMBER_LI, MEMBERS, "我来", quoted, "q1")
    assert (await bot.ticket(number)).claimer_id == MEMBER_LI
    assert any(f"#{number}" in r.text for r in replies)
    # a claim word quoting something that is not a task stays ordinary chat
    await say_quoted(bot, MEMBER_LI, MEMBERS, "我来", "明天谁有空？", "q2")
    assert (await bot.ticket(number)).claimer_id == MEMBER_LI


async def test_room_join_queues_a_welcome(bot):
    await bot.runtime.on_room_join(RoomJoin(EAST, "东区", (("new-1", "小张"), ("new-2", "小李")), RES_ZHAO, False))
    await bot.runtime.on_room_join(RoomJoin(EAST, "东区", (), RES_ZHAO, True))
    await bot.runtime.on_room_join(RoomJoin("unknown-room", "?", (("x", "x"),), None, False))
    rows = await bot.outbox()
    assert [(r.room_id, r.mentions) for r in rows] == [(EAST, ["new-1", "new-2"]), (EAST, [])]
    assert "欢迎 小张、小李" in rows[0].text and "网格通" in rows[1].text and rows[0].status == "pending"


def test_parse_robot_keys():
    assert parse_robot_keys("") == {}
    assert parse_robot_keys("CHAT1=k1, wecom:CHAT2=k2") == {"CHAT1": "k1", "wecom:CHAT2": "k2"}
    assert parse_robot_keys('{"CHAT1": "k1"}') == {"CHAT1": "k1"}
    for bad in ("CHAT1", "=k", '{"a": 1}', "{broken", "[1]"):
        with pytest.raises(ValueError):
            parse_robot_keys(bad)


def test_make_transport_from_settings():
    s = Settings(_env_file=None, transport="wechaty", wechaty_puppet_service_token="insecure_tok",
                 wechaty_per_minute=30, wechaty_max_chars=800)
    t = make_transport(s)
    assert t.name == "wechaty" and t.limits.per_account == 30 and t.limits.switch_pause == (3.0, 5.0)
    assert t.split_text("字" * 1700) == ["字" * 800, "字" * 800, "字" * 100]
    with pytest.raises(ValueError, match="WECHATY_PUPPET_SERVICE_TOKEN"):
        make_transport(Settings(_env_file=None, transport="wechaty"))
    w = make_transport(Settings(_env_file=None, transport="wecom", wecom_robot_keys="CHAT1=k1"))
    assert isinstance(w, ManagedWeComTransport) and w.limits.per_key == 20 and w.web_routes() == []
    for bad in ({}, {"wecom_token": "t"}, {"wecom_token": "t", "wecom_encoding_aes_key": "short"}):
        with pytest.raises(ValueError):
            make_transport(Settings(_env_file=None, transport="wecom", **bad))
    with pytest.raises(ValueError):
        make_transport(Settings(_env_file=None, transport="carrier-pigeon"))


class ReplySink:
    def __init__(self) -> None:
        self.got: list[dict] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.got.append(await request.json())
        return web.json_response({"errcode": 0, "errmsg": "ok"})


async def test_wecom_callback_through_the_whole_bot(bot, database_url):
    """智能机器人 callback at /wecom/callback → dispatcher → outbox → sender → response_url."""
    async with bot.runtime.db.transaction() as session:
        east = await session.get(Room, EAST)
        session.add(Room(id="wecom:CHAT1", community_id=east.community_id, grid_id=east.grid_id,
                         kind="grid", name="东区企微群"))
    settings = Settings(_env_file=None, database_url=database_url, transport="wecom",
                        wecom_token="tok", wecom_encoding_aes_key=AES_KEY, wecom_bot_names="网格通")
    runtime = Runtime(settings, clock=FakeClock())
    sink, crypto = ReplySink(), WeComCrypto("tok", AES_KEY)
    reply_app = web.Application()
    reply_app.router.add_post("/reply", sink.handle)
    try:
        async with TestServer(reply_app, host="127.0.0.1") as srv, \
                TestClient(TestServer(create_app(runtime), host="127.0.0.1")) as client:
            ts = str(int(time.time()))
            echo, sig = crypto.encrypt("echo-1", "n0", ts)
            params = {"msg_signature": sig, "timestamp": ts, "nonce": "n0", "echostr": echo}
            assert (await client.get("/wecom/callback", params=params)).status == 503  # not started
            await runtime.transport.start(runtime.dispatcher.handle)
            assert await (await client.get("/wecom/callback", params=params)).text() == "echo-1"
            msg = {"msgid": "w1", "chatid": "CHAT1", "chattype": "group", "from": {"userid": "zhangsan"},
                   "response_url": str(srv.make_url("/reply")), "msgtype": "text",
                   "text": {"content": "@网格通 1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"}}
            enc, sig = crypto.encrypt(json.dumps(msg, ensure_ascii=False), "n1", ts)
            r = await client.post("/wecom/callback", params={"msg_signature": sig, "timestamp": ts, "nonce": "n1"},
                                  data=json.dumps({"encrypt": enc}))
            assert r.status == 200
            bad = await client.post("/wecom/callback", params={"msg_signature": "0" * 40, "timestamp": ts,
                                                               "nonce": "n2"}, data="{}")
            assert bad.status in (400, 403)
            await runtime.transport.callback.drain()
            await runtime.sender.drain()
            health = await (await client.get("/healthz")).json()
    finally:
        await runtime.transport.stop()
        await runtime.db.dispose()
    assert len(sink.got) == 1
    content = sink.got[0]["markdown"]["content"]
    assert content.startswith("<@zhangsan>\n") and "#1" in content
    assert health["transport"]["transport"] == "wecom"
    # /healthz counts what is really waiting: the reply went out, whatever else is queued (offers
    # to members held for quiet hours, say) is pending in the table and counted exactly.
    rows = await bot.outbox()
    assert [r.status for r in rows if r.room_id == "wecom:CHAT1"] == ["sent"]
    assert health["outbox"]["pending"] == sum(r.status == "pending" for r in rows)
    assert (await bot.ticket(1)).reporter_id == "wecom:zhangsan"
