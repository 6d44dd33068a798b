import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.messages import Outgoing
from bot.transports.base import SendError
from bot.transports.ratelimit import FakeClock
from bot.transports.wecom import (
    MARKDOWN_LIMIT,
    TEXT_LIMIT,
    WeComTransport,
    WeComWebhookSender,
    split_utf8,
)


class Recorder:
    """A local stand-in for qyapi.weixin.qq.com that records each request."""

    def __init__(self):
        self.requests: list[tuple[str, dict, dict]] = []
        self.replies: list[object] = []  # queued: dict (JSON) or int (HTTP status)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append((request.path, dict(request.query), body))
        reply = self.replies.pop(0) if self.replies else {"errcode": 0, "errmsg": "ok"}
        if isinstance(reply, int):
            return web.Response(status=reply, text="boom")
        return web.json_response(reply)


@pytest.fixture
async def server():
    rec = Recorder()
    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", rec.handle)
    app.router.add_post("/reply/{n}", rec.handle)
    srv = TestServer(app, host="127.0.0.1")
    await srv.start_server()
    rec.base = str(srv.make_url("")).rstrip("/")
    yield rec
    await srv.close()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


def make_sender(session, server, clock=None, **kw):
    return WeComWebhookSender(
        session,
        {"wecom:room1": "KEY1", "room2": "KEY2"},
        base_url=server.base,
        clock=clock or FakeClock(0),
        **kw,
    )


def test_split_utf8_respects_limit_and_characters():
    text = "\n".join(f"第{i}行：楼道灯坏了，请网格员处理" for i in range(300))
    pieces = split_utf8(text, TEXT_LIMIT)
    assert len(pieces) > 1
    assert all(len(p.encode()) <= TEXT_LIMIT for p in pieces)
    assert "\n".join(pieces) == text  # cut at line boundaries only
    one_line = "楼" * 1000  # 3000 bytes, no newline
    pieces = split_utf8(one_line, TEXT_LIMIT)
    assert [len(p.encode()) for p in pieces] == [2046, 954]
    assert "".join(pieces) == one_line
    assert split_utf8("", 10) == []
    assert split_utf8("short", 10) == ["short"]


async def test_text_with_mentions_goes_to_the_room_key(server, session):
    sender = make_sender(session, server)
    t = WeComTransport(sender)
    await t.send(Outgoing(text="收到，已派单", room_id="wecom:room1", mentions=("wecom:zhangsan",)))
    path, query, body = server.requests[0]
    assert path == "/cgi-bin/webhook/send" and query == {"key": "KEY1"}
    assert body == {"msgtype": "text", "text": {"content": "收到，已派单", "mentioned_list": ["zhangsan"]}}
    # A key configured without the prefix also matches; ``to`` becomes a mention.
    await t.send(Outgoing(text="hi", room_id="wecom:room2", to="wecom:lisi"))
    assert server.requests[1][1] == {"key": "KEY2"}
    assert server.requests[1][2]["text"]["mentioned_list"] == ["lisi"]
    assert t.health()["sent"] == 2


async def test_long_text_is_split_and_mentions_only_first(server, session):
    sender = make_sender(session, server)
    n = await sender.send_text("KEY1", "通知\n" * 1000, ["u1"])
    assert n == len(server.requests) >= 3
    assert all(len(r[2]["text"]["content"].encode()) <= TEXT_LIMIT for r in server.requests)
    assert "mentioned_list" in server.requests[0][2]["text"]
    assert all("mentioned_list" not in r[2]["text"] for r in server.requests[1:])


async def test_markdown_limit_and_mentions(server, session):
    sender = make_sender(session, server)
    await sender.send_markdown("KEY1", "**任务** #12", ["wecom:u1"])
    assert server.requests[0][2] == {"msgtype": "markdown", "markdown": {"content": "<@u1>\n**任务** #12"}}
    await sender.send_markdown("KEY1", "x" * 5000)
    assert [len(r[2]["markdown"]["content"]) for r in server.requests[1:]] == [MARKDOWN_LIMIT, 904]


async def test_twenty_per_minute_per_robot(server, session):
    clock = FakeClock(0)
    sender = make_sender(session, server, clock)
    for i in range(25):
        await sender.send_text("KEY1", f"m{i}")
    await sender.send_text("KEY2", "other robot")
    times = clock.sleeps
    assert len(server.requests) == 26
    # the 21st send had to wait a full minute; the other robot did not wait
    assert times == [60.0]
    assert sender.limiter.count("KEY1") == 5


async def test_rate_limit_beyond_max_wait_is_retryable(server, session):
    clock = FakeClock(0)
    sender = make_sender(session, server, clock, max_wait=10)
    for i in range(20):
        await sender.send_text("KEY1", f"m{i}")
    with pytest.raises(SendError) as ei:
        await sender.send_text("KEY1", "one too many")
    assert ei.value.retryable
    assert len(server.requests) == 20


async def test_130101_is_retryable_and_blocks_the_robot(server, session):
    clock = FakeClock(0)
    sender = make_sender(session, server, clock)
    server.replies.append({"errcode": 130101, "errmsg": "send too frequently"})
    with pytest.raises(SendError) as ei:
        await sender.send_text("KEY1", "x")
    assert ei.value.retryable
    with pytest.raises(SendError) as ei:  # blocked locally, no request made
        await sender.send_text("KEY1", "y")
    assert ei.value.retryable and len(server.requests) == 1
    clock.advance(601)
    await sender.send_text("KEY1", "z")
    assert len(server.requests) == 2


async def test_other_errcodes(server, session):
    sender = make_sender(session, server)
    server.replies.append({"errcode": 93000, "errmsg": "invalid webhook url"})
    with pytest.raises(SendError) as ei:
        await sender.send_text("KEY1", "x")
    assert not ei.value.retryable
    server.replies.append({"errcode": -1, "errmsg": "system busy"})
    with pytest.raises(SendError) as ei:
        await sender.send_text("KEY1", "x")
    assert ei.value.retryable
    server.replies.append(502)
    with pytest.raises(SendError) as ei:
        await sender.send_text("KEY1", "x")
    assert ei.value.retryable
    server.replies.append(404)
    with pytest.raises(SendError) as ei:
        await sender.send_text("KEY1", "x")
    assert not ei.value.retryable


async def test_network_error_is_retryable(session):
    sender = WeComWebhookSender(session, {"r": "K"}, base_url="http://127.0.0.1:9", clock=FakeClock(0))
    with pytest.raises(SendError) as ei:
        await sender.send_text("K", "x")
    assert ei.value.retryable


async def test_no_route_is_permanent_failure(server, session):
    t = WeComTransport(make_sender(session, server))
    with pytest.raises(SendError) as ei:
        await t.send(Outgoing(text="x", room_id="wecom:unknown"))
    assert not ei.value.retryable
    assert t.health()["failed"] == 1 and not server.requests
