"""A sender killed with SIGKILL mid-send stalls nothing (issue 15, item 7).

Real processes: ``tests/procs/stuck_sender.py`` claims rows and hangs in its
transport; the test kills it with ``kill -9`` and checks how soon its rows are
delivered by a sender in this process: at once when the same deployment restarts
(its owner id is stable), and on PostgreSQL at once by any other sender (the dead
holder's advisory lock is gone), while a live holder's rows are left alone and
never hold up another conversation. The lease (120 s) is never waited out.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import pytest
from sqlalchemy import select

from bot.db.models import OutboxMessage
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import outbox
from bot.transports.base import Transport
from tests.conftest import BACKEND

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="several live processes share PostgreSQL only")


class Recording(Transport):
    name = "recording"

    def __init__(self) -> None:
        self.log: list[Outgoing] = []

    async def start(self, on_message) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        self.log.append(message)

    def health(self) -> dict:
        return {"transport": self.name}


async def queue(db, room: str, n: int) -> list[str]:
    texts = [f"{room} 第{i}条" for i in range(1, n + 1)]
    async with db.transaction() as session:
        await outbox.enqueue(session=session, cause="t", messages=[Outgoing(text=t, room_id=room) for t in texts])
    return texts


async def rows(db) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def spawn_stuck(url: str, owner: str) -> asyncio.subprocess.Process:
    """The child process, once it is inside its first send (its rows are 'sending')."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.procs.stuck_sender", url, owner, cwd=REPO,
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": REPO})
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        assert line, "the child sender exited"
        if line.startswith("SENDING"):
            return proc


async def kill9(proc: asyncio.subprocess.Process) -> float:
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    return time.monotonic()


async def until(predicate, timeout: float) -> float:
    start = time.monotonic()
    while not await predicate():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.05)
    return time.monotonic() - start


def texts_to(log: list[Outgoing], room: str) -> list[str]:
    return [m.text for m in log if m.room_id == room]


async def test_a_restarted_bot_takes_back_its_own_rows_at_once(bot, database_url):
    db = bot.runtime.db
    a, b = await queue(db, "room-a", 3), await queue(db, "room-b", 3)
    child = await spawn_stuck(database_url, "host-1:sim:8080")
    held = [r for r in await rows(db) if r.status == "sending"]
    assert held and {r.claimed_by for r in held} == {"host-1:sim:8080"}
    await kill9(child)

    transport = Recording()
    restarted = OutboxSender(db, transport, owner="host-1:sim:8080", poll_seconds=0.05)  # lease: 120 s
    started = time.monotonic()
    restarted.start()
    try:
        async def all_sent():
            return {r.status for r in await rows(db)} == {"sent"}
        took = await until(all_sent, 10)
    finally:
        await restarted.stop()
    assert took < 5, f"{took:.1f} s"
    assert texts_to(transport.log, "room-a") == a and texts_to(transport.log, "room-b") == b
    assert restarted.health()["recovered"] == len(held)
    assert time.monotonic() - started < 10


@postgres_only
async def test_a_dead_sender_is_noticed_at_once_and_a_live_one_is_left_alone(bot, database_url):
    db = bot.runtime.db
    a = await queue(db, "room-a", 4)
    child = await spawn_stuck(database_url, "host-1:sim:8080")  # holds room-a's rows, alive
    b = await queue(db, "room-b", 4)
    transport = Recording()
    other = OutboxSender(db, transport, owner="host-2:sim:8080", poll_seconds=0.05, recover_seconds=0.2)
    other.start()
    try:
        async def b_sent():
            return texts_to(transport.log, "room-b") == b
        assert await until(b_sent, 10) < 5  # a held conversation holds up nobody else
        await asyncio.sleep(1.0)  # several recovery passes: a live holder keeps its rows
        assert texts_to(transport.log, "room-a") == []
        assert {r.claimed_by for r in await rows(db) if r.room_id == "room-a" and r.status == "sending"} \
            == {"host-1:sim:8080"}

        killed_at = await kill9(child)

        async def a_sent():
            return texts_to(transport.log, "room-a") == a
        await until(a_sent, 20)
        assert time.monotonic() - killed_at < 5  # not the 120 s lease
    finally:
        if child.returncode is None:
            await kill9(child)
        await other.stop()
    assert {r.status for r in await rows(db)} == {"sent"}


@postgres_only
async def test_two_live_processes_with_one_owner_id_never_share_rows(bot, database_url):
    db = bot.runtime.db
    a = await queue(db, "room-a", 3)
    child = await spawn_stuck(database_url, "host-1:sim:8080")
    b = await queue(db, "room-b", 3)
    transport = Recording()
    twin = OutboxSender(db, transport, owner="host-1:sim:8080", poll_seconds=0.05)  # misconfigured twin
    twin.start()
    try:
        async def b_sent():
            return texts_to(transport.log, "room-b") == b
        await until(b_sent, 20)
        assert twin.owner != "host-1:sim:8080"  # it took a fresh id rather than the live one's rows
        assert texts_to(transport.log, "room-a") == []
        await kill9(child)

        async def a_sent():
            return texts_to(transport.log, "room-a") == a
        await until(a_sent, 10)
    finally:
        if child.returncode is None:
            await kill9(child)
        await twin.stop()


async def test_a_live_senders_own_row_left_by_a_failed_mark_is_taken_back_after_the_lease(bot):
    """With a stable owner id nobody else recovers a live sender's rows, so the sender itself
    takes back a row its failed mark left in 'sending' once the lease has passed."""
    from datetime import timedelta

    from sqlalchemy import update

    from bot.clock import utcnow

    db = bot.runtime.db
    await queue(db, "room-a", 2)
    transport = Recording()
    sender = OutboxSender(db, transport, owner="host-1:sim:8080", lease_seconds=120)
    first = (await rows(db))[0]
    async with db.transaction() as session:  # as if the mark after a send had failed
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == first.id).values(
            status="sending", claimed_by="host-1:sim:8080", claimed_at=utcnow() - timedelta(seconds=60)))
    assert await sender.recover() == 0  # within the lease: it may still be in flight
    async with db.transaction() as session:
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == first.id).values(
            claimed_at=utcnow() - timedelta(seconds=121)))
    assert await sender.recover() == 1
    await sender.drain()
    assert texts_to(transport.log, "room-a") == ["room-a 第1条", "room-a 第2条"]
