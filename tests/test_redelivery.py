"""Redelivery (issue 15, item 10): a message is handled once per platform + sender + id,
ids must not be empty, and a redelivery returns exactly the first answer."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.db.models import OutboxMessage, PointsEntry, ProcessedMessage
from bot.messages import IncomingMessage, dedup_key
from bot.web.app import create_app
from tests.harness import MEMBER_LI, RES_SUN, RES_ZHAO, SECRETARY, texts
from tests.schedule_helpers import local, private_to

LAMP = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"


def as_sent(replies) -> list[tuple]:
    return [(r.room, r.to, r.text, r.mentions) for r in replies]


async def test_someone_elses_msg_id_is_their_own_new_message(bot):
    private = await bot.say(SECRETARY, "我的积分", None, msg_id="m-shared")
    reused = await bot.say(RES_ZHAO, LAMP, msg_id="m-shared")
    assert "#1" in texts(reused) and len(await bot.tickets()) == 1  # handled, not a duplicate
    assert not any(r.to == SECRETARY for r in reused)  # and nobody else's private reply
    assert as_sent(await bot.say(SECRETARY, "我的积分", None, msg_id="m-shared")) == as_sent(private)


async def test_two_staff_members_reusing_an_id_both_get_their_points_posted(bot):
    """The manual adjustment's idempotency key is built on the message key."""
    await bot.say(SECRETARY, "/加分 @李师傅 2 帮忙", None, msg_id="same")
    await bot.say("gw-zhou", "/加分 @李师傅 3 帮忙", None, msg_id="same")
    async with bot.runtime.db.sessions() as session:
        amounts = list(await session.scalars(select(PointsEntry.amount).order_by(PointsEntry.id)))
    assert amounts == [2, 3]


def test_keys_never_collide_and_stay_bounded():
    pairs = [("a:b", "c"), ("a", "b:c"), ("a%3Ab", "c"), ("#x", "y"), ("a", "x" * 300), ("a" * 128, "b" * 300),
             ("a" * 128, "c" * 300), ("b", "z")]
    keys = [dedup_key("wecom", sender, msg) for sender, msg in pairs]
    assert len(set(keys)) == len(keys)
    assert all(len(k) <= 160 for k in keys)
    assert dedup_key("wecom", "wecom:lisi", "m1") == "wecom:wecom%3Alisi:m1"  # readable when short
    for empty in ("", "   "):
        with pytest.raises(ValueError):
            dedup_key("sim", "x", empty)


async def test_a_redelivered_night_demand_returns_its_answer_not_the_held_offers(bot, monkeypatch):
    bot.runtime.settings.quiet_hours = "22:00-07:00"
    from bot.clock import to_local, utcnow

    night = local(to_local(utcnow()).date(), 23, 0)
    monkeypatch.setattr("bot.clock.utcnow", lambda: night)
    first = await bot.say(RES_ZHAO, LAMP, msg_id="night-1")
    assert "已登记为诉求 #1" in texts(first) and all(r.room is not None for r in first)
    held = private_to(await bot.outbox(), MEMBER_LI)
    assert len(held) == 1 and held[0].not_before is not None  # the offer waits for the morning
    again = await bot.say(RES_ZHAO, LAMP, msg_id="night-1")
    assert as_sent(again) == as_sent(first)
    assert len(await bot.tickets()) == 1 and len(private_to(await bot.outbox(), MEMBER_LI)) == 1


async def test_a_redelivered_refusal_returns_the_refusal(bot):
    first = await bot.say(RES_SUN, "/加分 @李师傅 2 帮忙", msg_id="r-1")
    assert "仅限" in texts(first)
    assert as_sent(await bot.say(RES_SUN, "/加分 @李师傅 2 帮忙", msg_id="r-1")) == as_sent(first)


async def test_the_dispatcher_refuses_a_message_without_an_id(bot):
    msg = IncomingMessage(platform="test", msg_id="", sender_id=RES_ZHAO, sender_name="赵阿姨", text=LAMP,
                          room_id="room-east")
    with pytest.raises(ValueError):
        await bot.runtime.dispatcher.handle(msg)
    assert await bot.tickets() == []


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        yield client


@pytest.mark.parametrize("msg_id", ["", "  "])
async def test_the_simulator_refuses_an_empty_msg_id(client, msg_id):
    body = {"room": "room-east", "sender": RES_ZHAO, "text": LAMP, "msg_id": msg_id}
    resp = await client.post("/api/sim/messages", json=body)
    assert resp.status == 400 and "msg_id" in (await resp.json())["error"]
    resp = await client.post("/api/sim/messages", json={**body, "sender": RES_SUN})
    assert resp.status == 400
    ok = await client.post("/api/sim/messages", json={k: v for k, v in body.items() if k != "msg_id"})
    assert ok.status == 200 and "#1" in str(await ok.json())


async def test_the_simulator_keys_by_sender(client):
    first = await client.post("/api/sim/messages", json={"room": None, "sender": SECRETARY, "text": "我的积分",
                                                         "msg_id": "s-1"})
    other = await client.post("/api/sim/messages", json={"room": "room-east", "sender": RES_ZHAO, "text": LAMP,
                                                         "msg_id": "s-1"})
    replies = (await other.json())["replies"]
    assert first.status == other.status == 200
    assert replies and all(r["to"] != SECRETARY for r in replies) and "#1" in str(replies)


async def count(bot, model) -> int:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_one_processed_row_per_message(bot):
    await bot.say(RES_ZHAO, LAMP, msg_id="once")
    await bot.say(RES_ZHAO, LAMP, msg_id="once")
    assert await count(bot, ProcessedMessage) == 1 and await count(bot, OutboxMessage) > 0


async def test_held_offers_travel_as_outgoing_with_not_before_and_the_dispatcher_writes_them(bot, monkeypatch):
    """Issue 10 item 3: the handler returns held messages as Outgoing(not_before=…); nothing
    in the handler writes to the outbox itself."""
    from bot.services import outbox as outbox_service

    calls = []
    real = outbox_service.enqueue

    async def spy(**kwargs):
        import inspect

        writer = inspect.stack()[1].function
        calls.append((kwargs["cause"], [m.not_before for m in kwargs["messages"]], writer))
        return await real(**kwargs)

    monkeypatch.setattr(outbox_service, "enqueue", spy)
    bot.runtime.settings.quiet_hours = "00:00-23:59"
    await bot.say("res-zhao", "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", "room-east", msg_id="night-1")
    causes = [c for c, _, _ in calls]
    assert len(calls) == 2 and causes[0].startswith("later:") and not causes[1].startswith("later:")
    assert all(nb is not None for nb in calls[0][1]) and all(nb is None for nb in calls[1][1])
    assert {writer for _, _, writer in calls} == {"_write"}  # the dispatcher, not a handler
