import json
import logging
import time

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.messages import Outgoing
from bot.transports.base import SendError
from bot.transports.wecom import WeComTransport
from bot.transports.wecom_callback import WeComCallback, WeComRobotReplier, make_wecom_callback_routes
from bot.transports.wecom_crypto import ReplayGuard, WeComCrypto

TOKEN = "tok123"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
PATH = "/wecom/callback"


class Env:
    def __init__(self):
        self.received = []
        self.crypto = WeComCrypto(TOKEN, AES_KEY, "")  # 智能机器人: empty receive id
        self.nonce = 0

    async def on_message(self, msg):
        self.received.append(msg)

    def post_args(self, payload, *, ts=None, nonce=None, fmt="json", tamper=False):
        self.nonce += 1
        ts = str(int(time.time())) if ts is None else ts
        nonce = nonce or f"n{self.nonce}"
        plain = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        enc, sig = self.crypto.encrypt(plain, nonce, ts)
        if tamper:
            sig = "0" * 40
        body = json.dumps({"encrypt": enc}) if fmt == "json" else f"<xml><Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
        return {"params": {"msg_signature": sig, "timestamp": ts, "nonce": nonce}, "data": body}


def group_msg(msgid="m1", text="@网格通 3号楼楼道灯坏了", **extra):
    m = {
        "msgid": msgid,
        "aibotid": "AIBOT",
        "chatid": "CHAT1",
        "chattype": "group",
        "from": {"userid": "zhangsan"},
        "response_url": "http://example.invalid/reply",
        "msgtype": "text",
        "text": {"content": text},
    }
    m.update(extra)
    return m


@pytest.fixture
async def env():
    e = Env()
    app = web.Application()
    e.callback = WeComCallback(e.crypto, e.on_message, background=False, bot_names=("网格通",))
    app.add_routes(e.callback.routes(PATH))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    e.client = client
    yield e
    await client.close()


async def test_url_verification(env):
    ts, nonce = str(int(time.time())), "v1"
    echostr, sig = env.crypto.encrypt("8827364512", nonce, ts)
    r = await env.client.get(PATH, params={"msg_signature": sig, "timestamp": ts, "nonce": nonce, "echostr": echostr})
    assert r.status == 200 and await r.text() == "8827364512"
    r = await env.client.get(PATH, params={"msg_signature": "f" * 40, "timestamp": ts, "nonce": "v2", "echostr": echostr})
    assert r.status == 403


async def test_group_mention_becomes_incoming_message(env):
    r = await env.client.post(PATH, **env.post_args(group_msg()))
    assert r.status == 200
    (m,) = env.received
    assert m.platform == "wecom" and m.msg_id == "m1"
    assert m.sender_id == "wecom:zhangsan" and m.room_id == "wecom:CHAT1"
    assert m.text == "3号楼楼道灯坏了" and m.mentions_bot


async def test_private_message_and_xml_body(env):
    msg = group_msg("m2", "我要报修", chattype="single")
    del msg["chatid"]
    r = await env.client.post(PATH, **env.post_args(msg, fmt="xml"))
    assert r.status == 200
    (m,) = env.received
    assert m.room_id is None and m.is_private and m.text == "我要报修" and not m.mentions_bot


async def test_quote_and_mixed(env):
    msg = group_msg("m3", "@网格通 我来", quote={"msgtype": "text", "text": {"content": "【任务 #12】3号楼楼道灯坏了"}})
    await env.client.post(PATH, **env.post_args(msg))
    mixed = group_msg("m4", msgtype="mixed")
    del mixed["text"]
    mixed["mixed"] = {"msg_item": [{"msgtype": "text", "text": {"content": "@网格通 看图"}}, {"msgtype": "image", "image": {"url": "u"}}]}
    await env.client.post(PATH, **env.post_args(mixed))
    assert env.received[0].text == "我来"
    assert env.received[0].quoted_text == "【任务 #12】3号楼楼道灯坏了"
    assert env.received[1].text == "看图"


async def test_events_are_acknowledged_and_ignored(env):
    ev = {"msgid": "e1", "msgtype": "event", "event": {"eventtype": "enter_chat"}, "from": {"userid": "u"}}
    r = await env.client.post(PATH, **env.post_args(ev))
    assert r.status == 200 and env.received == []


async def test_bad_signature_refused_and_logged(env, caplog):
    with caplog.at_level(logging.WARNING):
        r = await env.client.post(PATH, **env.post_args(group_msg(), tamper=True))
    assert r.status == 403 and env.received == []
    assert "refused" in caplog.text


async def test_stale_timestamp_and_replayed_nonce_refused(env):
    r = await env.client.post(PATH, **env.post_args(group_msg(), ts=str(int(time.time()) - 3600)))
    assert r.status == 403
    args = env.post_args(group_msg("m5"))
    assert (await env.client.post(PATH, **args)).status == 200
    assert (await env.client.post(PATH, **args)).status == 403  # replay
    assert len(env.received) == 1


@pytest.mark.parametrize(
    "body",
    ["not json", "[1,2]", '{"encrypt": 5}', "{}", "<xml><Encrypt>", "<xml></xml>",
     '<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>', '{"encrypt": "***"}', "\xff"],
)
async def test_malformed_bodies_are_400(env, body):
    ts = str(int(time.time()))
    params = {"msg_signature": "0" * 40, "timestamp": ts, "nonce": "x" + str(hash(body))}
    r = await env.client.post(PATH, params=params, data=body.encode("utf-8", "surrogateescape") if body != "\xff" else b"\xff")
    assert r.status in (400, 403)
    assert r.status != 500


async def test_valid_signature_over_garbage_is_400_not_500(env):
    ts, nonce = str(int(time.time())), "g1"
    # correctly signed but not base64
    from bot.transports.wecom_crypto import signature

    bad = "%%%notbase64"
    r = await env.client.post(PATH, params={"msg_signature": signature(TOKEN, ts, nonce, bad), "timestamp": ts, "nonce": nonce},
                              data=json.dumps({"encrypt": bad}))
    assert r.status == 400
    for plain in ["not json", "[]", json.dumps({"msgtype": "text", "text": {"content": "x"}}),
                  json.dumps({"msgtype": "mixed", "msgid": "q", "from": {"userid": "u"}, "mixed": "{bad"})]:
        r = await env.client.post(PATH, **env.post_args(plain))
        assert r.status == 400, plain
    r = await env.client.post(PATH, params={"timestamp": ts}, data="{}")
    assert r.status == 400
    assert env.received == []


async def test_handler_exception_does_not_500():
    crypto = WeComCrypto(TOKEN, AES_KEY, "")

    async def boom(msg):
        raise RuntimeError("handler bug")

    app = web.Application()
    app.add_routes(make_wecom_callback_routes(crypto, boom, background=False))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        e = Env()
        r = await client.post(PATH, **e.post_args(group_msg()))
        assert r.status == 200


async def test_background_delivery_and_drain():
    e = Env()
    cb = WeComCallback(e.crypto, e.on_message, guard=ReplayGuard(window=300))
    app = web.Application()
    app.add_routes(cb.routes())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        r = await client.post(PATH, **e.post_args(group_msg()))
        assert r.status == 200
        await cb.drain()
    assert [m.msg_id for m in e.received] == ["m1"]


# --- replies through response_url -------------------------------------------

class ReplySink:
    def __init__(self):
        self.got = []

    async def handle(self, request):
        self.got.append((request.match_info["n"], await request.json()))
        return web.json_response({"errcode": 0, "errmsg": "ok"})


async def test_reply_through_response_url_once_and_expiring():
    sink = ReplySink()
    reply_app = web.Application()
    reply_app.router.add_post("/reply/{n}", sink.handle)
    now = [1000.0]
    async with TestServer(reply_app, host="127.0.0.1") as srv, aiohttp.ClientSession() as session:
        base = str(srv.make_url("/reply/"))
        replier = WeComRobotReplier(session, clock=lambda: now[0])
        e = Env()
        transport = WeComTransport(replier=replier)
        await transport.start(e.on_message)
        cb = WeComCallback(e.crypto, transport.inbound, replier=replier, background=False)
        app = web.Application()
        app.add_routes(cb.routes())
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            await client.post(PATH, **e.post_args(group_msg("a1", response_url=base + "1")))
            await client.post(PATH, **e.post_args(group_msg("a2", response_url=base + "2")))
            private = group_msg("a3", "hi", chattype="single", response_url=base + "3")
            await client.post(PATH, **e.post_args(private))
        assert [m.msg_id for m in e.received] == ["a1", "a2", "a3"]

        await transport.send(Outgoing(text="已登记 #12", room_id="wecom:CHAT1", mentions=("wecom:zhangsan",)))
        assert sink.got == [("1", {"msgtype": "markdown", "markdown": {"content": "<@zhangsan>\n已登记 #12"}})]
        await transport.send(Outgoing(text="private", to="wecom:zhangsan"))
        assert sink.got[-1] == ("3", {"msgtype": "markdown", "markdown": {"content": "private"}})
        now[0] += 3601  # url 2 has expired
        with pytest.raises(SendError) as ei:
            await transport.send(Outgoing(text="late", room_id="wecom:CHAT1"))
        assert not ei.value.retryable
        assert len(sink.got) == 2


async def test_reply_by_msg_id():
    sink = ReplySink()
    reply_app = web.Application()
    reply_app.router.add_post("/reply/{n}", sink.handle)
    async with TestServer(reply_app, host="127.0.0.1") as srv, aiohttp.ClientSession() as session:
        base = str(srv.make_url("/reply/"))
        replier = WeComRobotReplier(session)
        replier.remember("wecom:C", "x1", base + "1")
        replier.remember("wecom:C", "x2", base + "2")
        await replier.reply("wecom:C", "to x2", msg_id="x2")
        assert sink.got[0][0] == "2"
        assert replier.can_reply("wecom:C")
        await replier.reply("wecom:C", "next")
        assert sink.got[1][0] == "1" and not replier.can_reply("wecom:C")
