"""Kill the sender mid-broadcast, start a new one: every message delivered exactly once, in order per room."""
from __future__ import annotations

import asyncio
import random
import time
from collections import Counter

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import Broadcast
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import outbox
from bot.transports.ratelimit import FakeClock
from tests.harness import SECRETARY
from tests.transports.fake_platform import WECHATY_LIMITS, Crash, FakePlatform, check_limits, wall_of

ROOMS = [f"room-{i:02d}" for i in range(8)]


async def queue_broadcast_and_chatter(bot) -> dict[str, list[str]]:
    """A broadcast to 8 rooms, with replies before and after it in some rooms; the expected order."""
    expected: dict[str, list[str]] = {r: [] for r in ROOMS}
    async with bot.runtime.db.transaction() as session:
        for r in ROOMS[:4]:
            await outbox.enqueue(session=session, cause="t", messages=[Outgoing(text=f"{r} 回复 1", room_id=r)])
            expected[r].append(f"{r} 回复 1")
        b = await outbox.open_broadcast(session=session, requested_by=SECRETARY, report_room=None, total=len(ROOMS))
        await outbox.enqueue(session=session, cause="b",
                             messages=[outbox.broadcast_message(b, r, f"【通知】{r} 停水") for r in ROOMS])
        for r in ROOMS:
            expected[r].append(f"【通知】{r} 停水")
        for r in ROOMS[2:6]:
            await outbox.enqueue(session=session, cause="t", messages=[Outgoing(text=f"{r} 回复 2", room_id=r)])
            expected[r].append(f"{r} 回复 2")
    return expected


def sender(db, platform, **kw) -> OutboxSender:
    return OutboxSender(db, platform, clock=platform.clock, wall=wall_of(platform.clock),
                        rng=random.Random(3), **kw)


def assert_exactly_once_in_order(log, expected: dict[str, list[str]]) -> None:
    texts = [m.text for _, m, _ in log]
    counts = Counter(texts)
    assert all(n == 1 for n in counts.values()), [t for t, n in counts.items() if n > 1]
    for room, wanted in expected.items():
        assert [m.text for _, m, _ in log if m.room_id == room] == wanted
    reports = [t for t in texts if t.startswith("【发送报告】")]
    assert reports == ["【发送报告】广播已送达 8/8 个群。"]


async def restart(bot, clock, platform, **kw) -> OutboxSender:
    clock.advance(600)  # past any lease: PostgreSQL recovers only expired ones
    second = sender(bot.runtime.db, platform, **kw)
    await second.recover(at_start=True)
    await second.drain()
    return second


@pytest.mark.parametrize("crash_after", [1, 6, 11])
async def test_crash_between_send_and_mark_with_an_idempotent_platform(bot, crash_after):
    expected = await queue_broadcast_and_chatter(bot)
    clock, keys, log = FakeClock(), set(), []
    calls = {"n": 0}

    def crash(message, key):
        calls["n"] += 1
        return Crash() if calls["n"] == crash_after else None

    first = FakePlatform(clock, limits=WECHATY_LIMITS, fail=crash, durable_keys=keys, log=log)
    with pytest.raises(Crash):
        await sender(bot.runtime.db, first).drain()
    assert [r.status for r in await bot.outbox()].count("sending") == 1  # the one in doubt
    second = FakePlatform(clock, limits=WECHATY_LIMITS, durable_keys=keys, log=log)
    s2 = await restart(bot, clock, second)
    assert s2.health()["recovered"] == 1
    assert_exactly_once_in_order(log, expected)
    assert {r.status for r in await bot.outbox()} == {"sent"}
    check_limits(log[crash_after:], WECHATY_LIMITS)  # the new process starts its own windows


async def test_stop_mid_broadcast_then_restart(bot):
    """A stop (the task cancelled while it waits for a slot or sends) leaves no row in doubt,
    so even a platform without idempotency gets everything once."""
    expected = await queue_broadcast_and_chatter(bot)
    clock, log = FakeClock(), []
    first = FakePlatform(clock, limits=WECHATY_LIMITS, idempotent=False, log=log)
    s1 = sender(bot.runtime.db, first, poll_seconds=0.01)
    s1.start()
    deadline = time.monotonic() + 10  # a sender that stalls fails the test instead of hanging it
    while len(log) < 7:
        assert time.monotonic() < deadline, f"the sender stalled after {len(log)} messages"
        await asyncio.sleep(0)
    await s1.stop()
    assert "sending" not in {r.status for r in await bot.outbox()}
    assert 7 <= len(log) < 21
    second = FakePlatform(clock, limits=WECHATY_LIMITS, idempotent=False, log=log)
    await restart(bot, clock, second)
    assert_exactly_once_in_order(log, expected)


async def test_crash_in_doubt_without_idempotency_is_reported_not_repeated(bot):
    """on_restart='fail': the one row whose fate is unknown is marked failed and named in the report."""
    await queue_broadcast_and_chatter(bot)
    clock, log = FakeClock(), []
    first = FakePlatform(clock, idempotent=False, log=log,
                         fail=lambda m, k: Crash() if m.text == f"【通知】{ROOMS[5]} 停水" else None)
    with pytest.raises(Crash):
        await sender(bot.runtime.db, first).drain()
    await restart(bot, clock, FakePlatform(clock, idempotent=False, log=log), on_restart="fail")
    texts = Counter(m.text for _, m, _ in log)
    assert max(texts.values()) == 1
    report = next(t for t in texts if t.startswith("【发送报告】"))
    assert "7/8" in report and ROOMS[5] in report
    async with bot.runtime.db.sessions() as session:
        (b,) = (await session.scalars(select(Broadcast))).all()
    assert (b.sent_count, b.failed_count, b.status) == (7, 1, "done")


async def test_two_senders_on_one_database_never_share_a_row(bot, database_url):
    expected = await queue_broadcast_and_chatter(bot)
    async with bot.runtime.db.transaction() as session:  # more rows, so the two really race
        for i in range(40):
            r = ROOMS[i % len(ROOMS)]
            await outbox.enqueue(session=session, cause="t", messages=[Outgoing(text=f"{r} 追加 {i}", room_id=r)])
            expected[r].append(f"{r} 追加 {i}")
    other_db = Database(database_url)
    clock, log = FakeClock(), []
    try:
        a = sender(bot.runtime.db, FakePlatform(clock, idempotent=False, log=log), owner="a", batch=3)
        b = sender(other_db, FakePlatform(clock, idempotent=False, log=log), owner="b", batch=3)
        await asyncio.gather(a.drain(), b.drain())
        for _ in range(3):  # rows that became heads while the other sender held their room
            await asyncio.gather(a.drain(), b.drain())
    finally:
        await other_db.dispose()
    assert_exactly_once_in_order(log, expected)
    assert a.health()["sent"] + b.health()["sent"] == len(log)
    assert a.health()["sent"] and b.health()["sent"]  # both took part
