"""The transport contract (bot/transports/base.py) and the simulator as a transport like the others."""
from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer

from bot.clock import utcnow
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import outbox
from bot.transports.base import NO_LIMITS, OutgoingFile, Transport
from bot.transports.simulator import SimulatorTransport
from bot.web.app import create_app
from tests.harness import EAST, RES_ZHAO, SECRETARY


class Minimal(Transport):
    """Only what a transport must write: a name, start and send."""

    name = "minimal"

    def __init__(self) -> None:
        self.got: list[tuple[str, str | None]] = []

    async def start(self, on_message) -> None:
        self.on_message = on_message

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        self.got.append((message.text, idempotency_key))


async def test_a_transport_declaring_only_send_gets_the_defaults(bot):
    transport = Minimal()
    assert transport.limits is NO_LIMITS and transport.split_text("x" * 5000) == ["x" * 5000]
    assert transport.rate_key(Outgoing(text="a", room_id=EAST)) is None
    assert transport.web_routes() == [] and transport.health() == {"transport": "minimal"}
    assert transport.on_room_join is None and not transport.can_send_files
    await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的")
    sender = OutboxSender(bot.runtime.db, transport)
    assert await sender.drain() >= 1
    assert transport.got and all(key and key.startswith("outbox:") for _, key in transport.got)


async def test_a_file_on_a_platform_without_files_goes_as_text_with_a_note():
    transport = Minimal()
    message = Outgoing(text="【验收提醒】#3 已完成", room_id=EAST)
    await transport.send_file(message, OutgoingFile("after.jpg", b"\xff\xd8", "image/jpeg"), "k1")
    await transport.send_file(message, OutgoingFile("清单.pdf", b"%PDF", "application/pdf"))
    (image_text, key), (file_text, _) = transport.got
    assert image_text.startswith("【验收提醒】#3 已完成\n") and "附图「after.jpg」" in image_text and key == "k1"
    assert "附件「清单.pdf」" in file_text


async def test_the_simulator_page_takes_messages_through_the_transport(bot):
    seen = []
    handler = bot.runtime.transport.on_message

    async def spy(message):
        seen.append(message)
        return await handler(message)

    bot.runtime.transport.on_message = spy
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        resp = await client.post("/api/sim/messages", json={"room": EAST, "sender": RES_ZHAO, "text": "3号楼电梯坏了"})
        assert resp.status == 200 and (await resp.json())["replies"]
    assert [(m.platform, m.sender_id, m.text) for m in seen] == [("sim", RES_ZHAO, "3号楼电梯坏了")]


async def feed(client, after: int = 0, viewer: str | None = SECRETARY) -> dict:
    query = f"?after={after}" + (f"&as={viewer}" if viewer else "")
    return await (await client.get("/api/sim/outbox" + query)).json()


async def test_the_simulator_feed_shows_what_was_delivered_not_what_was_queued(bot):
    runtime = bot.runtime
    morning = utcnow() + timedelta(hours=8)
    async with runtime.db.transaction() as session:  # a night-time notice held for quiet hours
        await outbox.enqueue(session=session, cause="test", messages=[
            Outgoing(text="早上好，今日待办 2 件", room_id=EAST, not_before=morning)])
    async with TestClient(TestServer(create_app(runtime))) as client:
        await client.post("/api/sim/messages", json={"room": EAST, "sender": RES_ZHAO,
                                                     "text": "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"})
        assert (await feed(client))["messages"] == []  # queued, not yet delivered
        await runtime.sender.drain()
        first = (await feed(client))["messages"]
        assert first and not any("早上好" in m["text"] for m in first)
        runtime.sender.wall = lambda: morning + timedelta(minutes=1)
        await runtime.sender.drain()
        later = (await feed(client, after=first[-1]["seq"]))["messages"]
        assert [m["text"] for m in later] == ["早上好，今日待办 2 件"]
        boot = (await feed(client))["boot"]

    # After a restart the page reads the history again (seeded from the rows marked sent).
    restarted = SimulatorTransport()
    restarted.started_at = morning + timedelta(minutes=2)  # the clock the sender used
    await restarted.start(runtime.dispatcher.handle)
    runtime.transport = restarted
    async with TestClient(TestServer(create_app(runtime))) as client:
        again = await feed(client)
    assert again["boot"] != boot
    assert [m["text"] for m in again["messages"]] == [m["text"] for m in first + later]
