"""WeCom 智能机器人 callbacks of each kind (image, mixed, voice, file, location) through the whole
bot: the encrypted download is fetched from a local stand-in for WeCom's file server and
decrypted, and each lands on the right ticket (issue 12, item 1)."""
from __future__ import annotations

import json
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.db.models import Room
from bot.db.models_files import Attachment
from bot.transports.wecom_callback import WeComCallback, to_incoming
from bot.transports.wecom_crypto import DecodeError, WeComCrypto
from tests.harness import EAST
from tests.media import jpeg

TOKEN, AES_KEY, PATH = "tok123", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "/wecom/callback"
PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
async def wecom(bot):
    crypto = WeComCrypto(TOKEN, AES_KEY, "")
    photo = jpeg(120, 90)
    files = {"/photo": crypto.encrypt_file(photo), "/doc": crypto.encrypt_file(PDF), "/junk": b"x" * 33}
    file_app = web.Application()

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=files["/" + request.match_info["name"]])
    file_app.router.add_get("/{name}", serve)
    file_server = TestServer(file_app, host="127.0.0.1")
    await file_server.start_server()
    async with bot.runtime.db.transaction() as session:
        east = await session.get(Room, EAST)
        session.add(Room(id="wecom:CHAT1", community_id=east.community_id, grid_id=east.grid_id, kind="grid",
                         name="东区企业微信群"))
    callback = WeComCallback(crypto, bot.runtime.dispatcher.handle, background=False, bot_names=("网格通",))
    app = web.Application()
    app.add_routes(callback.routes(PATH))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    seq = iter(range(1, 1000))

    async def post(msgtype: str, body: dict, sender: str = "zhaoayi") -> None:
        n = next(seq)
        msg = {"msgid": f"w{n}", "aibotid": "AIBOT", "chatid": "CHAT1", "chattype": "group",
               "from": {"userid": sender}, "response_url": "http://127.0.0.1:9/reply", "msgtype": msgtype, **body}
        ts, nonce = str(int(time.time())), f"n{n}"
        enc, sig = crypto.encrypt(json.dumps(msg, ensure_ascii=False), nonce, ts)
        r = await client.post(PATH, params={"msg_signature": sig, "timestamp": ts, "nonce": nonce},
                              data=json.dumps({"encrypt": enc}))
        assert r.status == 200

    post.url = lambda name: str(file_server.make_url("/" + name))  # type: ignore[attr-defined]
    yield post
    await client.close()
    await file_server.close()


async def rows(bot) -> list[Attachment]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(Attachment).order_by(Attachment.id)))


async def test_each_kind_lands_on_the_residents_ticket(bot, wecom):
    await wecom("text", {"text": {"content": "@网格通 1号楼2单元楼道灯坏了好几天了"}})
    await wecom("image", {"image": {"url": wecom.url("photo")}})
    await wecom("file", {"file": {"url": wecom.url("doc")}})
    await wecom("location", {"location": {"latitude": 31.2304, "longitude": 121.4737, "name": "幸福里",
                                          "address": "1号楼"}})
    (ticket,) = await bot.tickets()
    kept = await rows(bot)
    assert [(r.kind, r.mime, r.ticket_id) for r in kept] == [
        ("image", "image/jpeg", ticket.id), ("file", "application/pdf", ticket.id), ("location", None, ticket.id)]
    assert "幸福里 1号楼" in (await bot.ticket(ticket.number)).text


async def test_mixed_text_and_image_opens_one_ticket_with_the_photo(bot, wecom):
    await wecom("mixed", {"mixed": {"msg_item": [
        {"msgtype": "text", "text": {"content": "@网格通 5号楼楼道里堆满了杂物"}},
        {"msgtype": "image", "image": {"url": wecom.url("photo")}}]}})
    (ticket,) = await bot.tickets()
    assert [(r.kind, r.ticket_id) for r in await rows(bot)] == [("image", ticket.id)]


async def test_voice_is_read_through_its_transcript(bot, wecom):
    await wecom("voice", {"voice": {"content": "三号楼的电梯坏了，老人下不了楼"}})
    (ticket,) = await bot.tickets()
    (row,) = await rows(bot)
    assert ticket.category == "repair"
    assert (row.kind, row.ticket_id, row.storage_key) == ("voice", ticket.id, None)
    assert row.transcript.startswith("三号楼")


async def test_a_voice_without_a_transcript_asks_for_words_and_keeps_nothing(bot, wecom):
    await wecom("voice", {"voice": {"content": ""}})
    assert await rows(bot) == [] and await bot.tickets() == []
    assert [o.reply_key for o in await bot.outbox()] == ["voice_no_text"]


async def test_a_download_that_does_not_decrypt_is_refused_and_nothing_kept(bot, wecom):
    await wecom("image", {"image": {"url": wecom.url("junk")}})
    assert await rows(bot) == [] and await bot.tickets() == []
    out = await bot.outbox()
    assert [o.reply_key for o in out] == ["file_download_failed"]


def test_mapping_without_a_fetcher_and_ignored_kinds():
    base = {"msgid": "x", "chattype": "single", "from": {"userid": "u"}}
    m = to_incoming({**base, "msgtype": "image", "image": {"url": "https://example.invalid/a"}})
    assert m.text == "" and m.attachments[0].kind == "image" and m.attachments[0].fetch is None
    # a sticker and a type GridBot does not know come typed: the bot decides (test_attachments_odd_input)
    assert [a.kind for a in to_incoming({**base, "msgtype": "emotion", "emotion": {}}).attachments] == ["sticker"]
    assert [(a.kind, a.title) for a in to_incoming({**base, "msgtype": "card", "card": {}}).attachments] == [
        ("unknown", "card")]
    assert to_incoming({**base, "msgtype": "event", "event": {"eventtype": "enter_chat"}}) is None
    bad = to_incoming({**base, "msgtype": "location", "location": {"latitude": "north", "longitude": 1}})
    assert bad.attachments[0].latitude != bad.attachments[0].latitude  # NaN: refused by the bot


def test_file_crypto_round_trip_and_bad_padding():
    crypto = WeComCrypto(TOKEN, AES_KEY, "")
    assert crypto.decrypt_file(crypto.encrypt_file(b"hello")) == b"hello"
    with pytest.raises(DecodeError):
        crypto.decrypt_file(b"x" * 32)
