"""The outbox sender: order per room, rate limits, retries, splitting, not_before, broadcast reports."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.clock import utcnow
from bot.db.models import Broadcast, OutboxMessage
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import outbox
from bot.transports.base import SendError
from bot.transports.ratelimit import FakeClock
from tests.harness import EAST, MEMBERS, SECRETARY, WEST
from tests.transports.fake_platform import T0, WECHATY_LIMITS, FakePlatform, check_limits, wall_of


def make_sender(bot, platform: FakePlatform, **kw) -> OutboxSender:
    kw.setdefault("rng", random.Random(7))
    return OutboxSender(bot.runtime.db, platform, clock=platform.clock, wall=wall_of(platform.clock), **kw)


async def put(bot, *messages: Outgoing, not_before=None) -> list[OutboxMessage]:
    async with bot.runtime.db.transaction() as session:
        return await outbox.enqueue(session=session, messages=messages, cause="test", not_before=not_before)


async def rows(bot) -> list[OutboxMessage]:
    return await bot.outbox()


def room_msgs(room: str, n: int, tag: str = "") -> list[Outgoing]:
    return [Outgoing(text=f"{room}{tag}-{i}", room_id=room) for i in range(n)]


async def test_replies_reach_the_transport_in_order_and_are_marked_sent(bot):
    await bot.open_ticket()
    queued = [r.text for r in await rows(bot)]
    platform = FakePlatform(FakeClock())
    assert await make_sender(bot, platform).drain() == len(queued)
    assert platform.texts() == queued
    assert {r.status for r in await rows(bot)} == {"sent"}
    assert all(r.sent_at is not None and r.claimed_by is None for r in await rows(bot))
    assert await make_sender(bot, platform).drain() == 0  # nothing twice


async def test_limits_are_never_exceeded(bot):
    clock = FakeClock()
    platform = FakePlatform(clock, limits=WECHATY_LIMITS)
    messages = [m for i in range(12) for m in room_msgs(f"r{i}", 5)]
    random.Random(1).shuffle(messages)
    await put(bot, *messages)
    sender = make_sender(bot, platform)
    assert await sender.drain() == 60
    check_limits(platform.log, WECHATY_LIMITS)
    for i in range(12):  # order within each room
        assert platform.texts(f"r{i}") == [m.text for m in messages if m.room_id == f"r{i}"]
    # the sender prefers staying in a room (3 s) to switching (3–5 s)
    switches = sum(1 for a, b in zip(platform.log, platform.log[1:]) if a[1].room_id != b[1].room_id)
    assert switches < 30


async def test_a_retry_blocks_its_room_only(bot):
    clock = FakeClock()
    failures = {"east-0": 1}

    def fail(message, key):
        if failures.get(message.text):
            failures[message.text] -= 1
            return SendError("network down", retryable=True)

    platform = FakePlatform(clock, fail=fail)
    await put(bot, *room_msgs("east", 3), *room_msgs("west", 3))
    sender = make_sender(bot, platform, backoff_base=10)
    await sender.drain()
    assert platform.texts() == ["west-0", "west-1", "west-2"]
    (first,) = [r for r in await rows(bot) if r.text == "east-0"]
    assert first.status == "pending" and first.attempts == 1 and "network down" in first.last_error
    assert first.next_attempt_at > T0 + timedelta(seconds=8)
    clock.advance(12)
    await sender.drain()
    assert platform.texts("east") == ["east-0", "east-1", "east-2"]
    assert sender.health()["retried"] == 1 and sender.health()["sent"] == 6


async def test_permanent_failure_after_max_attempts_unblocks_the_room(bot, caplog):
    clock = FakeClock()
    platform = FakePlatform(clock, fail=lambda m, k: SendError("boom") if m.text == "east-0" else None)
    await put(bot, *room_msgs("east", 2))
    sender = make_sender(bot, platform, max_attempts=3, backoff_base=1, backoff_max=4)
    for _ in range(4):
        await sender.drain()
        clock.advance(10)
    first, second = await rows(bot)
    assert first.status == "failed" and first.attempts == 3
    assert second.status == "sent" and platform.texts() == ["east-1"]
    assert "failed for good" in caplog.text


async def test_a_permanent_error_fails_at_once(bot):
    platform = FakePlatform(FakeClock(), fail=lambda m, k: SendError("not a member", retryable=False))
    await put(bot, Outgoing(text="x", room_id="gone"))
    await make_sender(bot, platform).drain()
    (row,) = await rows(bot)
    assert row.status == "failed" and row.attempts == 1


async def test_long_text_is_split_and_resumes_at_the_failed_piece(bot):
    clock = FakeClock()
    seen = []

    def fail(message, key):
        seen.append(key)
        if key.endswith(":1") and seen.count(key) == 1:
            return SendError("flaky")

    platform = FakePlatform(clock, max_chars=10, fail=fail)
    text = "\n".join(["第一段内容写在这里", "第二段内容写在这里", "第三段内容写在这里"])
    await put(bot, Outgoing(text=text, room_id="east", to="p1", mentions=("p1",)))
    sender = make_sender(bot, platform, backoff_base=1)
    await sender.drain()
    assert platform.texts() == ["第一段内容写在这里"]
    clock.advance(5)
    await sender.drain()
    assert platform.texts() == text.split("\n")
    first, *rest = [m for _, m, _ in platform.log]
    assert first.mentions == ("p1",) and first.to == "p1"
    assert all(m.mentions == () and m.to is None for m in rest)
    (row,) = await rows(bot)
    assert row.status == "sent" and row.parts_sent == 3


async def test_not_before_waits_and_does_not_block_the_room(bot):
    clock = FakeClock()
    platform = FakePlatform(clock)
    await put(bot, Outgoing(text="早上好", room_id="east"), not_before=T0 + timedelta(hours=1))
    await put(bot, Outgoing(text="收到", room_id="east"))
    sender = make_sender(bot, platform)
    await sender.drain()
    assert platform.texts() == ["收到"]
    clock.advance(3600)
    sender.wake()
    await sender.drain()
    assert platform.texts() == ["收到", "早上好"]


async def test_broadcast_is_spread_and_reported_to_the_secretary(bot):
    await bot.say(SECRETARY, "/广播 全体 明天上午9点停水", None)
    await bot.say(SECRETARY, "确认", None)
    clock = FakeClock()
    platform = FakePlatform(clock, limits=WECHATY_LIMITS,
                            fail=lambda m, k: SendError("removed", retryable=False) if m.room_id == WEST else None)
    await make_sender(bot, platform).drain()
    check_limits(platform.log, WECHATY_LIMITS)
    notices = [m for _, m, _ in platform.log if "【通知】" in m.text]
    assert {m.room_id for m in notices} == {EAST, MEMBERS}
    report = platform.log[-1][1]
    assert report.to == SECRETARY and report.room_id is None
    assert "【发送报告】广播已送达 2/3 个群" in report.text and "西区" in report.text
    async with bot.runtime.db.sessions() as session:
        (b,) = (await session.scalars(select(Broadcast))).all()
    assert (b.status, b.sent_count, b.failed_count) == ("done", 2, 1)


async def test_replies_go_before_a_waiting_broadcast(bot):
    clock = FakeClock()
    platform = FakePlatform(clock, limits=WECHATY_LIMITS)
    async with bot.runtime.db.transaction() as session:
        b = await outbox.open_broadcast(session=session, requested_by=SECRETARY, report_room=None, total=5)
        await outbox.enqueue(session=session, cause="b",
                             messages=[outbox.broadcast_message(b, f"r{i}", "通知") for i in range(5)])
    await put(bot, Outgoing(text="收到，已登记", room_id="r9", to="p"))
    await make_sender(bot, platform).drain()
    assert platform.log[0][1].text == "收到，已登记"
    assert "5/5" in platform.log[-1][1].text


async def test_health_reports_the_backlog(bot):
    await put(bot, *room_msgs("east", 2))
    await put(bot, Outgoing(text="later", room_id="west"), not_before=T0 + timedelta(days=3650))
    # The oldest due message has waited 90 s; the one held for later is older still but not due,
    # so it must not count as waiting.
    async with bot.runtime.db.transaction() as session:
        for text, waited in (("east-0", 90), ("east-1", 30), ("later", 5000)):
            await session.execute(update(OutboxMessage).where(OutboxMessage.text == text)
                                  .values(created_at=utcnow() - timedelta(seconds=waited)))
    health = await bot.runtime.health()
    assert health["ok"] is True and health["outbox_backlog"] == 3
    assert health["outbox"]["pending"] == 3 and health["outbox"]["failed"] == 0
    assert 90 <= health["outbox"]["oldest_pending_age_seconds"] < 100
    assert health["transport"] == {"transport": "fake"}


@pytest.mark.parametrize("policy", ["resend", "fail"])
def test_sender_rejects_unknown_policy(policy):
    OutboxSender(None, FakePlatform(FakeClock()), on_restart=policy)
    with pytest.raises(ValueError):
        OutboxSender(None, FakePlatform(FakeClock()), on_restart="maybe")
