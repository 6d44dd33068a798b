"""Without rate limits the sender takes runs of rows per conversation (issue 15, item 10).

Under load the simulator's replies pile up in three busy rooms; sending one head per
conversation per round (a claim and a mark per row) left the sender minutes behind.
"""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import OutboxMessage
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import outbox
from bot.transports.base import SendError
from bot.transports.ratelimit import FakeClock
from tests.transports.fake_platform import FakePlatform, wall_of


async def fill(db, plan: dict[str, int]) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {room: [] for room in plan}
    async with db.transaction() as session:
        for i in range(max(plan.values())):
            for room, n in plan.items():
                if i < n:
                    text = f"{room} #{i}"
                    await outbox.enqueue(session=session, cause="t", messages=[Outgoing(text=text, room_id=room)])
                    expected[room].append(text)
    return expected


async def statuses(db) -> dict[str, int]:
    async with db.sessions() as session:
        out: dict[str, int] = {}
        for status in await session.scalars(select(OutboxMessage.status)):
            out[status] = out.get(status, 0) + 1
        return out


async def test_a_busy_room_goes_out_in_one_round_not_one_row_per_round(bot):
    db = bot.runtime.db
    expected = await fill(db, {"room-a": 150, "room-b": 40, "room-c": 10})
    clock = FakeClock()
    platform = FakePlatform(clock)
    sender = OutboxSender(db, platform, clock=clock, wall=wall_of(clock), batch=200)
    assert await sender.run_once() == 200  # one claim, one mark
    assert await statuses(db) == {"sent": 200}
    for room, texts in expected.items():
        assert platform.texts(room) == texts  # in order per room


async def test_a_failing_row_gives_back_the_rest_of_its_room_and_no_other(bot):
    db = bot.runtime.db
    expected = await fill(db, {"room-a": 5, "room-b": 5})
    clock = FakeClock()
    platform = FakePlatform(clock, fail=lambda m, k: SendError("busy") if m.text == "room-a #2" else None)
    sender = OutboxSender(db, platform, clock=clock, wall=wall_of(clock), backoff_base=30)
    await sender.run_once()
    assert platform.texts("room-a") == expected["room-a"][:2]  # nothing after the failed row
    assert platform.texts("room-b") == expected["room-b"]
    async with db.sessions() as session:
        room_a = list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.room_id == "room-a").order_by(OutboxMessage.id)))
    assert [r.status for r in room_a] == ["sent", "sent", "pending", "pending", "pending"]
    assert room_a[2].next_attempt_at is not None and room_a[3].claimed_by is None
    assert await sender.run_once() == 0  # room-a waits for its retry, in order
    clock.advance(60)
    platform.fail = None
    await sender.drain()
    assert platform.texts("room-a") == expected["room-a"]
