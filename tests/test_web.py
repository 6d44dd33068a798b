"""The simulator JSON API and the read API, over HTTP, as a script would use them."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
from tests.harness import MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        yield client


async def post(client, room, sender, text, **extra):
    resp = await client.post("/api/sim/messages", json={"room": room, "sender": sender, "text": text, **extra})
    assert resp.status == 200, await resp.text()
    return (await resp.json())["replies"]


async def test_scripted_walk_through_the_simulator(client, bot):
    directory = await (await client.get("/api/sim/directory")).json()
    assert directory["communities"] == [{"id": "anping", "name": "安平里社区"}, {"id": "xingfuli", "name": "幸福里社区"}]
    kinds = {r["id"]: r["kind"] for r in directory["rooms"] if r["community"] == "xingfuli"}
    assert kinds == {"room-east": "grid", "room-west": "grid", "room-members": "members"}
    roles = {p["id"]: p["roles"] for p in directory["people"]}
    assert roles["sec-wang"] == ["secretary"] and roles["mem-li"] == ["member"]

    replies = await post(client, "room-east", RES_ZHAO, "1号楼3单元402门口的水管爆了，水流了一地")
    assert replies[0]["room"] == "room-east" and replies[0]["mentions"] == [RES_ZHAO]
    await post(client, MEMBERS, MEMBER_LI, "接单 1")
    await post(client, MEMBERS, MEMBER_LI, "完成 1 已关阀门并更换水管")
    private = await post(client, None, SECRETARY, "/验收 1 通过")
    assert private[0]["room"] is None and private[0]["to"] == SECRETARY

    ticket = await (await client.get("/api/tickets/1?community=xingfuli")).json()
    assert ticket["status"] == "verified" and ticket["claimer"] == MEMBER_LI
    assert ticket["building"] == "1" and ticket["unit"] == "3" and ticket["room_no"] == "402"
    assert ticket["points_awarded"] > 0
    assert ticket["deadline_at"] and ticket["verified_at"] and ticket["claimed_at"]
    assert ticket["dispatch_level"] in (0, 1, 2)
    # An urgent ticket is escalated to every tier at once (issue 5): an "escalate" event, status unchanged.
    assert [e["action"] for e in ticket["events"] if e["action"] != "escalate"] == [
        "create", "claim", "complete", "verify"]
    points = await (await client.get(f"/api/people/{MEMBER_LI}/points")).json()
    assert points["balance"] == ticket["points_awarded"]
    assert points["entries"][0]["reason"] == "完成诉求 #1"

    await bot.runtime.sender.drain()  # the feed shows what was delivered
    outbox = (await (await client.get(f"/api/sim/outbox?after=0&as={SECRETARY}")).json())["messages"]
    seqs = [m["seq"] for m in outbox]
    assert seqs == sorted(seqs) and len(outbox) >= 8
    later = (await (await client.get(f"/api/sim/outbox?after={seqs[-2]}&as={SECRETARY}")).json())["messages"]
    assert [m["seq"] for m in later] == seqs[-1:]


async def test_repeated_msg_id_is_handled_once(client, bot):
    first = await post(client, "room-east", RES_ZHAO, "3号楼电梯坏了", msg_id="abc")
    second = await post(client, "room-east", RES_ZHAO, "3号楼电梯坏了", msg_id="abc")
    assert first == second and len(await bot.tickets()) == 1


async def test_a_quote_in_the_simulator_reaches_the_bot_as_a_platform_quote(client, bot):
    """引用 on the simulator page posts the quoted text beside the reply (IncomingMessage.quoted_text):
    "我们这也是" under a report joins its ticket; "3单元也不亮" under it opens one at 1号楼3单元."""
    await post(client, "room-east", RES_ZHAO, "1号楼2单元楼道灯坏了好几天了")
    merged = await post(client, "room-east", "res-sun", "我们这也是", quoted="1号楼2单元楼道灯坏了好几天了")
    assert "#1" in merged[0]["text"] and len(await bot.tickets()) == 1
    await post(client, "room-east", "res-wu", "3单元的也不亮 麻烦一起看看", quoted="1号楼2单元楼道灯坏了好几天了")
    second = await bot.ticket(2)
    assert second is not None and (second.building, second.unit) == ("1", "3")
    resp = await client.post("/api/sim/messages", json={"room": "room-east", "sender": "res-sun", "text": "+1",
                                                         "quoted": 5})
    assert resp.status == 400 and "quoted" in await resp.text()


@pytest.mark.parametrize("body, message", [
    ("not json", "JSON"),
    ('["a"]', "JSON 对象"),
    ('{"room": "room-east", "text": "hi"}', "sender"),
    ('{"room": "room-east", "sender": "x"}', "text"),
    ('{"room": 5, "sender": "x", "text": "hi"}', "room"),
    ('{"room": "nope", "sender": "x", "text": "hi"}', "未知的群"),
])
async def test_bad_requests_get_clear_errors(client, body, message):
    resp = await client.post("/api/sim/messages", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 400
    assert message in (await resp.json())["error"]


async def test_read_api_errors(client):
    assert (await client.get("/api/tickets/99?community=xingfuli")).status == 404
    assert (await client.get("/api/tickets/abc")).status == 400
    assert (await client.get("/api/people/nobody/points")).status == 404
    assert (await client.get("/api/sim/outbox?after=x")).status == 400


async def test_page_and_health(client):
    page = await client.get("/")
    assert page.status == 200 and "网格通" in await page.text()
    health = await (await client.get("/healthz")).json()
    assert health["ok"] is True and "outbox_backlog" in health


async def test_read_api_needs_the_token_when_one_is_set(bot):
    from bot.signing import signed_path

    bot.runtime.settings.api_token = "s3cret"
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        assert (await client.get("/api/people/mem-li/points")).status == 401
        assert (await client.get("/api/people/mem-li/points",
                                 headers={"Authorization": "Bearer wrong"})).status == 401
        ok = await client.get("/api/people/mem-li/points", headers={"Authorization": "Bearer s3cret"})
        assert ok.status == 200
        # The simulator needs it too (issue 15, finding 1); health stays open; a link the bot signed
        # opens without the header.
        assert (await client.get("/api/sim/directory")).status == 401
        assert (await client.get("/api/sim/directory", headers={"Authorization": "Bearer s3cret"})).status == 200
        assert (await client.get("/healthz")).status == 200
        report = signed_path("s3cret", "/api/reports/xingfuli/2026-10.xlsx")
        assert (await client.get(report)).status == 200
        assert (await client.get(report.replace("xingfuli", "other"))).status == 401
