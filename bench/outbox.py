"""Outbox benchmark: a notice to 500 rooms under the platform limits, and raw drain throughput.

    .venv/bin/python -m bench.outbox [--rooms 500] [--rows 3000] [--pg URL | --no-pg]

1. Limits. A broadcast to ``--rooms`` rooms goes through the real ``OutboxSender``
   and a fake transport on a ``FakeClock`` (database work costs no fake time, so
   the figure is the schedule the sender chose). "Allowed" is the earliest time
   the limits permit for the same sequence of sends, replayed with the pauses the
   sender actually drew; "achieved" is when the last send happened. Every
   timestamp is then checked against every limit.
2. Throughput. ``--rows`` rows over ``--rooms`` rooms drained with no limits, in
   wall-clock rows per second, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import deque

from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import outbox
from bot.transports.base import NO_LIMITS, SendLimits, Transport
from bot.transports.ratelimit import FakeClock

WECHATY = SendLimits(per_account=40, window=60.0, conversation_gap=3.0, switch_pause=(3.0, 5.0))
WINDOW_ONLY = SendLimits(per_account=40, window=60.0, conversation_gap=3.0)
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/gridbot_bench_outbox"


class RecordingRandom(random.Random):
    """Remembers the switch pauses the sender draws, so "allowed" replays the same ones."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.drawn: list[float] = []

    def uniform(self, a: float, b: float) -> float:
        value = super().uniform(a, b)
        self.drawn.append(value)
        return value


class BenchTransport(Transport):
    name = "bench"

    def __init__(self, clock: FakeClock, limits: SendLimits) -> None:
        self.clock, self.limits = clock, limits
        self.log: list[tuple[float, str]] = []  # (time, conversation)

    async def start(self, on_message) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        self.log.append((self.clock.now(), message.room_id or f"to:{message.to}"))

    def health(self) -> dict:
        return {"transport": self.name}


def allowed_time(convs: list[str], limits: SendLimits, pauses: list[float]) -> float:
    """Earliest finish for this send sequence under ``limits`` (switch pauses as drawn)."""
    t, times, last, pause_iter = 0.0, deque(), {}, iter(pauses)
    for i, conv in enumerate(convs):
        earliest = t if i else 0.0
        if i and limits.switch_pause and conv != convs[i - 1]:
            earliest = max(earliest, t + next(pause_iter))
        if limits.conversation_gap and conv in last:
            earliest = max(earliest, last[conv] + limits.conversation_gap)
        if limits.per_account and len(times) >= limits.per_account:
            earliest = max(earliest, times[-limits.per_account] + limits.window)
        t = earliest
        times.append(t)
        last[conv] = t
    return t


def violations(log: list[tuple[float, str]], limits: SendLimits) -> list[str]:
    bad, eps, last = [], 1e-9, {}
    times = [t for t, _ in log]
    for i, (t, conv) in enumerate(log):
        n = limits.per_account
        if n and i >= n and t - times[i - n] < limits.window - eps:
            bad.append(f"#{i}: {n + 1} sends within {limits.window:.0f}s")
        if limits.conversation_gap and conv in last and t - last[conv] < limits.conversation_gap - eps:
            bad.append(f"#{i}: two sends to {conv} {t - last[conv]:.2f}s apart")
        if limits.switch_pause and i and log[i - 1][1] != conv and t - times[i - 1] < limits.switch_pause[0] - eps:
            bad.append(f"#{i}: switched conversation after {t - times[i - 1]:.2f}s")
        last[conv] = t
    return bad


async def fresh_db(url: str) -> Database:
    db = Database(url)
    if not db.sqlite:
        from sqlalchemy import text

        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db.engine)
    return db


async def ensure_pg_database(url: str) -> None:
    import asyncpg

    base, name = url.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)
    conn = await asyncpg.connect(base + "/postgres", timeout=5)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def limits_run(url: str, rooms: int, limits: SendLimits, label: str) -> bool:
    db = await fresh_db(url)
    try:
        async with db.transaction() as session:
            b = await outbox.open_broadcast(session=session, requested_by="secretary", report_room=None, total=rooms)
            await outbox.enqueue(session=session, cause="bench", messages=[
                outbox.broadcast_message(b, f"room-{i:04d}", "【通知】明天上午9点停水，请提前储水") for i in range(rooms)])
        clock, rng = FakeClock(), RecordingRandom(2025)
        transport = BenchTransport(clock, limits)
        sender = OutboxSender(db, transport, clock=clock, rng=rng)
        started = time.perf_counter()
        await sender.drain()
        real = time.perf_counter() - started
    finally:
        await db.dispose()
    convs = [c for _, c in transport.log]
    pauses = [p for p in rng.drawn]  # switch pauses; the backoff draws none here (no failures)
    allowed = allowed_time(convs, limits, pauses)
    achieved = transport.log[-1][0] if transport.log else 0.0
    bad = violations(transport.log, limits)
    ratio = allowed / achieved if achieved else 1.0
    print(f"  {label}: {len(convs)} sends ({rooms} notices + report) — allowed {allowed:,.1f}s "
          f"({allowed / 60:.1f} min), achieved {achieved:,.1f}s, ratio {ratio:.1%}, "
          f"limit violations {len(bad)}; real time {real:.1f}s")
    for line in bad[:5]:
        print("    ", line)
    return ratio >= 0.95 and not bad and len(convs) == rooms + 1


async def throughput(url: str, rows: int, rooms: int) -> float:
    db = await fresh_db(url)
    try:
        async with db.transaction() as session:
            await outbox.enqueue(session=session, cause="bench", messages=[
                Outgoing(text=f"消息 {i}", room_id=f"room-{i % rooms:04d}") for i in range(rows)])
        transport = BenchTransport(FakeClock(), NO_LIMITS)
        sender = OutboxSender(db, transport, clock=transport.clock)
        started = time.perf_counter()
        done = await sender.drain()
        elapsed = time.perf_counter() - started
    finally:
        await db.dispose()
    assert done == rows == len(transport.log), (done, rows, len(transport.log))
    return rows / elapsed


async def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rooms", type=int, default=500)
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--pg", default=os.environ.get("GRIDBOT_BENCH_PG_URL", PG_DEFAULT))
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="gridbot-bench-")
    sqlite = f"sqlite+aiosqlite:///{tmp}/outbox.db"

    print(f"Notice to {args.rooms} rooms (fake clock, SQLite):")
    ok = await limits_run(sqlite, args.rooms, WECHATY, "wechaty limits (40/min, 3 s per room, 3–5 s switch)")
    ok &= await limits_run(sqlite, args.rooms, WINDOW_ONLY, "account window only (40/min, 3 s per room)")
    print(f"Drain throughput, limits off ({args.rows} rows over {args.rooms} rooms):")
    print(f"  SQLite:     {await throughput(sqlite, args.rows, args.rooms):,.0f} rows/s")
    if not args.no_pg:
        try:
            await ensure_pg_database(args.pg)
            print(f"  PostgreSQL: {await throughput(args.pg, args.rows, args.rooms):,.0f} rows/s")
        except (OSError, ImportError) as exc:
            print(f"  PostgreSQL: skipped ({exc!r})")
    print("PASS" if ok else "FAIL: below 95% of the allowed rate, or a limit was exceeded")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
