"""WeCom names (issue 15, item 5): the directory's name wins; a userid only fills a missing name.

WeCom's robot callback carries only the sender's userid, which the transport passes as
the sender's name. Driven through the real callback (signed and encrypted) into the bot."""
from __future__ import annotations

import json
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.db.models import Person
from bot.services import loader
from bot.transports.wecom_callback import WeComCallback
from bot.transports.wecom_crypto import WeComCrypto
from tests.harness import MEMBERS, SECRETARY, texts

TOKEN, AES_KEY, PATH = "tok123", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "/wecom/callback"
LISI = "wecom:lisi"
WECOM_PEOPLE = {"communities": [{
    "id": "xingfuli", "name": "幸福里社区",
    "people": [{"id": LISI, "name": "李四", "roles": ["member"]}],
}]}


class WeCom:
    """The WeCom platform posting signed, encrypted robot callbacks to the bot."""

    def __init__(self, bot) -> None:
        self.crypto = WeComCrypto(TOKEN, AES_KEY, "")
        self.callback = WeComCallback(self.crypto, bot.runtime.dispatcher.handle, background=False)
        self.nonce = 0

    async def __aenter__(self) -> "WeCom":
        app = web.Application()
        app.add_routes(self.callback.routes(PATH))
        self.client = TestClient(TestServer(app, host="127.0.0.1"))
        await self.client.start_server()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.close()

    async def private(self, userid: str, text: str, msgid: str) -> None:
        self.nonce += 1
        ts, nonce = str(int(time.time())), f"n{self.nonce}"
        payload = {"msgid": msgid, "aibotid": "AIBOT", "chattype": "single", "from": {"userid": userid},
                   "msgtype": "text", "text": {"content": text}}
        enc, sig = self.crypto.encrypt(json.dumps(payload, ensure_ascii=False), nonce, ts)
        response = await self.client.post(PATH, params={"msg_signature": sig, "timestamp": ts, "nonce": nonce},
                                          data=json.dumps({"encrypt": enc}))
        assert response.status == 200


async def name_of(bot, person_id: str) -> str | None:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(Person.name).where(Person.id == person_id))


@pytest.fixture
async def wecom(bot):
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=WECOM_PEOPLE)
    async with WeCom(bot) as platform:
        yield platform


async def test_a_wecom_message_keeps_the_directory_name(bot, wecom):
    await wecom.private("lisi", "我的积分", "w1")
    await wecom.private("lisi", "任务", "w2")
    assert await name_of(bot, LISI) == "李四"
    awarded = texts(await bot.say(SECRETARY, "/加分 @李四 2 帮忙搬东西", None))
    assert "李四" in awarded and "+2" in awarded
    board = texts(await bot.say(SECRETARY, "积分榜", None))
    assert "李四" in board and "lisi" not in board


async def test_a_userid_fills_a_missing_name_only(bot, wecom):
    await wecom.private("wangwu", "你好", "w3")
    assert await name_of(bot, "wecom:wangwu") == "wangwu"  # nobody told us more
    async with bot.runtime.db.transaction() as session:  # the directory learns the real name
        await loader.load(session=session, data={"communities": [{
            "id": "xingfuli", "name": "幸福里社区",
            "people": [{"id": "wecom:wangwu", "name": "王五", "roles": ["resident"]}]}]})
    await wecom.private("wangwu", "你好", "w4")
    assert await name_of(bot, "wecom:wangwu") == "王五"


async def test_an_id_as_name_does_not_rename_through_the_cache_either(bot):
    """The dispatcher's cached fast path and the slow path agree: an id is not a name."""
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=WECOM_PEOPLE)
    await bot.say(LISI, "任务", MEMBERS, name="李四")  # cached under its real name
    await bot.say(LISI, "任务", MEMBERS, name="lisi")
    await bot.say(LISI, "大家好", MEMBERS, name=LISI)
    assert await name_of(bot, LISI) == "李四"
    await bot.say(LISI, "任务", MEMBERS, name="李老四")  # a real display name still counts
    assert await name_of(bot, LISI) == "李老四"
