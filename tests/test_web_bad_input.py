"""Bad input at the HTTP edge gets a 4xx with a clear Chinese message, on both databases, and stores
nothing (issue 15, finding 6): the table of what the outside attack sent."""
from __future__ import annotations

import json
import re
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.config import Settings
from bot.db.models import Person, ProcessedMessage, Room
from bot.runtime import Runtime
from bot.transports.wecom_crypto import WeComCrypto
from bot.web.app import create_app
from tests.harness import EAST, RES_ZHAO

CJK = re.compile(r"[\u4e00-\u9fff]")
DEEP = "[" * 100_000 + "]" * 100_000  # far beyond Python's recursion limit (json.loads: RecursionError)
DEEPISH = "[" * 10_000 + "]" * 10_000  # the same, within the WeCom callback's 64 KB body limit
OK = {"room": EAST, "sender": RES_ZHAO, "name": "赵阿姨", "text": "3号楼电梯坏了"}

GETS = [
    ("/api/tickets/99999999999999999999", "诉求编号"),
    ("/api/tickets/2147483648", "诉求编号"),  # one past PostgreSQL INTEGER
    ("/api/tickets/0", "诉求编号"),
    ("/api/tickets/-1", "诉求编号"),
    ("/api/tickets/１２", "诉求编号"),  # full-width digits: int() takes them, the database may not
    ("/api/tickets/1?community=%00", "控制字符"),
    ("/api/tickets/1?community=" + "c" * 65, "过长"),
    ("/api/sim/outbox?after=9223372036854775808", "after"),
    ("/api/sim/outbox?after=2147483648", "after"),
    ("/api/sim/outbox?after=-1", "after"),
    ("/api/sim/outbox?after=x", "after"),
    ("/api/sim/outbox?as=%00", "控制字符"),
    ("/api/sim/outbox?as=" + "p" * 129, "过长"),
    ("/api/communities/xingfuli/ledger.xlsx?year=0000", "year"),
    ("/api/communities/xingfuli/ledger.xlsx?year=9999", "year"),
    ("/api/communities/xingfuli/ledger.xlsx?year=２０２６", "year"),
    ("/api/communities/%00/ledger.xlsx", "控制字符"),
    ("/api/reports/xingfuli/0000-01.xlsx", "月份"),
    ("/api/reports/xingfuli/9999-12.xlsx", "月份"),
    ("/api/reports/xingfuli/2026-13.xlsx", "月份"),
    ("/api/reports/" + "c" * 65 + "/2026-01.xlsx", "过长"),
    ("/api/reports/street/xinhua/2026-13.xlsx", "月份"),
    ("/api/reports/street/" + "s" * 65 + "/2026-01.xlsx", "过长"),
    ("/api/reports/unit/fgw/2026-00.xlsx", "月份"),
    ("/api/reports/unit/%00/2026-01.xlsx", "控制字符"),
    ("/api/people/%00/points", "控制字符"),
    ("/api/people/" + "p" * 129 + "/points", "过长"),
    ("/api/people/a%00b/statement.xlsx", "控制字符"),
]


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1")) as client:
        yield client


async def stored(bot) -> tuple[int, int]:
    async with bot.runtime.db.sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        processed = await session.scalar(select(func.count()).select_from(ProcessedMessage))
    return people, processed


@pytest.mark.parametrize("path, fragment", GETS)
async def test_bad_paths_and_queries(client, path, fragment):
    resp = await client.get(path)
    assert resp.status == 400, (resp.status, await resp.text())
    error = (await resp.json())["error"]
    assert CJK.search(error) and fragment in error, error


BODIES = [
    (DEEP, "嵌套过深"),
    ('{"a":' * 20_000 + "1" + "}" * 20_000, "嵌套过深"),
    ('{"room": "room-east", "sender": "res-zhao", "text": ' + "[" * 40 + "]" * 40 + "}", "嵌套过深"),
    (json.dumps({**OK, "sender": "\u0000"}), "控制字符"),
    (json.dumps({**OK, "sender": "res\u0000zhao"}), "控制字符"),
    (json.dumps({**OK, "msg_id": "\u0000"}), "控制字符"),
    (json.dumps({**OK, "msg_id": "m" * 300}), "msg_id 过长"),
    (json.dumps({**OK, "sender": "s" * 129}), "过长"),
    (json.dumps({**OK, "sender": "s" * 10_000}), "过长"),
    (json.dumps({**OK, "room": "r" * 129}), "room 过长"),
    (json.dumps({**OK, "room": "room\u0000east"}), "控制字符"),
    (json.dumps({**OK, "name": "n" * 65}), "name 过长"),
    (json.dumps({**OK, "name": 5}), "name 应为字符串"),
    (json.dumps({**OK, "text": "电梯\u0000坏了"}), "控制字符"),
    (json.dumps({**OK, "text": "\ud800电梯坏了"}), "Unicode"),
    (json.dumps({**OK, "sender": "\udfff"}), "Unicode"),
    (json.dumps({**OK, "text": "x" * 20_001}), "过长"),
    (json.dumps({**OK, "msg_id": {"a": 1}}), "msg_id 应为字符串"),
    (json.dumps({**OK, "msg_id": True}), "msg_id 应为字符串"),
    (b'{"room": "room-east", "sender": "res-zhao", "text": "\xff\xfe"}', "JSON"),
]


@pytest.mark.parametrize("body, fragment", BODIES, ids=range(len(BODIES)))
async def test_bad_message_bodies_store_nothing(bot, client, body, fragment):
    before = await stored(bot)
    resp = await client.post("/api/sim/messages", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 400, (resp.status, await resp.text())
    error = (await resp.json())["error"]
    assert CJK.search(error) and fragment in error, error
    assert await stored(bot) == before


async def test_the_limits_themselves_are_accepted(bot, client):
    """128-character sender, 100-character msg_id, 64-character name: stored as sent, on both databases."""
    body = {**OK, "sender": "s" * 128, "name": "名" * 64, "msg_id": "m" * 100, "room": None, "text": "帮助"}
    resp = await client.post("/api/sim/messages", json=body)
    assert resp.status == 200, await resp.text()
    assert "系统出了点问题" not in json.dumps(await resp.json(), ensure_ascii=False)
    async with bot.runtime.db.sessions() as session:
        assert await session.get(Person, "s" * 128) is not None


async def test_unknown_routes_and_methods_answer_in_chinese(client, bot):
    from bot.web.app import _max_body

    for resp, status in ((await client.get("/api/nothing"), 404), (await client.put("/api/sim/messages", json={}), 405),
                         (await client.get("/api/sim/messages"), 405)):
        assert resp.status == status
        assert CJK.search((await resp.json())["error"])
    # The simulator takes photos up to the largest file limit (base64); past that, 413.
    big = await client.post("/api/sim/messages", data=b"{" + b" " * _max_body(bot.runtime.settings) + b"}",
                            headers={"Content-Type": "application/json"})
    assert big.status == 413 and CJK.search((await big.json())["error"])


# --- The WeCom callback: the same bounds, through the whole bot ------------------------------------

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


@pytest.fixture
async def wecom(bot, database_url):
    async with bot.runtime.db.transaction() as session:
        east = await session.get(Room, EAST)
        session.add(Room(id="wecom:CHAT1", community_id=east.community_id, grid_id=east.grid_id,
                         kind="grid", name="东区企微群"))
    settings = Settings(_env_file=None, database_url=database_url, transport="wecom", api_token="t",
                        wecom_token="tok", wecom_encoding_aes_key=AES_KEY, wecom_bot_names="网格通")
    runtime = Runtime(settings)
    await runtime.transport.start(runtime.dispatcher.handle)
    runtime.transport.callback.background = False  # answer after handling, so the test sees the outcome
    crypto = WeComCrypto("tok", AES_KEY)
    nonces = iter(range(10**6))
    try:
        async with TestClient(TestServer(create_app(runtime), host="127.0.0.1")) as client:
            async def post(plain: str | None = None, *, raw: str | None = None):
                ts, nonce = str(int(time.time())), f"n{next(nonces)}"
                if raw is not None:
                    return await client.post("/wecom/callback", data=raw,
                                             params={"msg_signature": "0" * 40, "timestamp": ts, "nonce": nonce})
                enc, sig = crypto.encrypt(plain, nonce, ts)
                return await client.post("/wecom/callback", data=json.dumps({"encrypt": enc}),
                                         params={"msg_signature": sig, "timestamp": ts, "nonce": nonce})
            yield post
    finally:
        await runtime.transport.stop()
        await runtime.db.dispose()


def wecom_msg(**overrides) -> str:
    msg = {"msgid": "w1", "chatid": "CHAT1", "chattype": "group", "from": {"userid": "zhangsan"},
           "response_url": "http://example.invalid/reply", "msgtype": "text", "text": {"content": "@网格通 帮助"}}
    msg.update(overrides)
    return json.dumps(msg, ensure_ascii=False)


@pytest.mark.parametrize("plain", [
    wecom_msg(msgid="m" * 300),
    wecom_msg(msgid="a\u0000b"),
    wecom_msg(**{"from": {"userid": "u" * 129}}),
    wecom_msg(**{"from": {"userid": "li\u0000si"}}),
    wecom_msg(chatid="c" * 200),
    wecom_msg(text={"content": "@网格通 电梯\u0000坏了"}),
    wecom_msg(msgtype="mixed", mixed=DEEPISH),
    DEEPISH,
    '{"a":' * 5_000 + "1" + "}" * 5_000,
], ids=["long-msgid", "nul-msgid", "long-userid", "nul-userid", "long-chatid", "nul-text", "deep-mixed",
        "deep-list", "deep-object"])
async def test_wecom_callback_bounds(bot, wecom, plain):
    before = await stored(bot)
    resp = await wecom(plain)
    assert resp.status == 400, (resp.status, await resp.text())
    assert await stored(bot) == before


async def test_wecom_callback_deep_unsigned_body_is_400(wecom):
    resp = await wecom(raw='{"encrypt":' * 5_000 + '"x"' + "}" * 5_000)
    assert resp.status == 400
    resp = await wecom(raw=DEEPISH)
    assert resp.status == 400


async def test_wecom_callback_still_takes_a_good_message(bot, wecom):
    resp = await wecom(wecom_msg(msgid="m" * 100, **{"from": {"userid": "u" * 122}}))
    assert resp.status == 200
    async with bot.runtime.db.sessions() as session:
        assert await session.get(Person, "wecom:" + "u" * 122) is not None
