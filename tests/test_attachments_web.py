"""The simulator API takes attachments; the read API lists them with signed, expiring links
served by /files/ (issue 12, items 1 and 5)."""
from __future__ import annotations

import base64
import io
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.web.app import create_app
from tests.harness import EAST, RES_SUN, RES_ZHAO
from tests.media import AMR, jpeg, zip_bytes


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1")) as client:
        yield client


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def post(client, sender: str, text: str = "", attachments=None, room=EAST) -> dict:
    resp = await client.post("/api/sim/messages", json={"sender": sender, "room": room, "text": text,
                                                        "attachments": attachments or []})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_photo_through_the_simulator_is_on_the_ticket_with_a_signed_link(client, bot):
    body = await post(client, RES_ZHAO, "1号楼2单元楼道灯坏了好几天了",
                      [{"kind": "image", "name": "light.jpg", "data": b64(jpeg())}])
    assert "#1" in body["replies"][0]["text"]
    ticket = await (await client.get("/api/tickets/1")).json()
    (att,) = ticket["attachments"]
    assert (att["kind"], att["role"], len(att["sha256"])) == ("image", "report", 64) and att["bytes"] > 0
    url = att["url"].split("8080", 1)[-1] if "8080" in att["url"] else att["url"]
    path = url[url.index("/files/"):]
    resp = await client.get(path)
    assert resp.status == 200 and resp.headers["Content-Type"] == "image/jpeg"
    assert (await resp.read()).startswith(b"\xff\xd8")
    # The signature covers the path and the expiry: anything changed, or expired, is refused.
    for bad in (path.replace("sig=", "sig=0"), path.replace("exp=", "exp=1"), path.split("?")[0]):
        assert (await client.get(bad)).status == 403
    expired = path.split("?")[0]
    from bot.signing import expiring_path, file_key

    old = expiring_path(file_key(bot.runtime.settings), expired, int(time.time()) - 1)
    assert (await client.get(old)).status == 403


async def test_location_and_voice_through_the_simulator(client, bot):
    await post(client, RES_SUN, "小区消防通道被车堵了")
    body = await post(client, RES_SUN, "", [{"kind": "location", "latitude": 31.23, "longitude": 121.47,
                                             "address": "幸福里东门"}])
    assert "幸福里东门" in body["replies"][0]["text"]
    body = await post(client, RES_SUN, "", [{"kind": "voice", "data": b64(AMR), "transcript": "你们快来看看吧"}])
    ticket = await (await client.get("/api/tickets/1")).json()
    assert [a["kind"] for a in ticket["attachments"]][:2] == ["location", "voice"]


@pytest.mark.parametrize("attachments", [
    "photo", [{"kind": "sticker", "data": ""}], [{"kind": "image", "data": "%%%not base64"}],
    [{"kind": "location", "latitude": "north", "longitude": 1}], [{"kind": "image"}] * 10,
])
async def test_badly_shaped_attachments_are_a_chinese_400(client, attachments):
    resp = await client.post("/api/sim/messages", json={"sender": RES_SUN, "room": EAST, "text": "",
                                                        "attachments": attachments})
    assert resp.status == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in (await resp.json())["error"])


async def test_a_zip_named_jpg_through_the_simulator_is_refused_in_chat(client, bot):
    body = await post(client, RES_SUN, "", [{"kind": "image", "name": "photo.jpg", "data": b64(zip_bytes())}])
    assert "不是图片" in body["replies"][0]["text"]
    ticket = await client.get("/api/tickets/1")
    assert ticket.status == 404


async def test_the_simulator_feed_shows_the_photos_the_bot_sent(client, bot):
    number = await bot.open_ticket()
    await bot.say(RES_ZHAO, "", EAST, attachments=(__import__("tests.media").media.photo(),))
    await bot.say("mem-li", f"接单 {number}", "room-members")
    await bot.say("mem-li", f"完成 {number}", "room-members")
    await bot.runtime.sender.drain()  # the feed shows what was delivered
    feed = await (await client.get("/api/sim/outbox?after=0&as=sec-wang")).json()
    images = [m for m in feed["messages"] if m.get("image")]
    assert images and "/files/" in images[0]["image"]["url"]


async def test_monthly_export_has_links_to_the_photos(client, bot):
    from bot.clock import to_local, utcnow

    await post(client, RES_ZHAO, "1号楼2单元楼道灯坏了好几天了", [{"kind": "image", "data": b64(jpeg())}])
    now = to_local(utcnow())
    resp = await client.get(f"/api/reports/xingfuli/{now:%Y-%m}.xlsx")
    assert resp.status == 200
    sheet = load_workbook(io.BytesIO(await resp.read())).worksheets[2]
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[-1] == "照片和附件" and "/files/" in row[-1] and "sig=" in row[-1]
