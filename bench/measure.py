"""What the pipeline bench measures besides the replay itself: the bare INSERT+COMMIT
rate on the same database, statements per message, percentiles and the machine."""
from __future__ import annotations

import asyncio
import os
import platform
import time
from datetime import datetime, timezone


def _pct(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[k]


BARE_ROUNDS = 3


async def bare_insert_rate(db, n: int, concurrency: int) -> dict[str, float]:
    """INSERT one row + COMMIT, one transaction each, through the same Database."""
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert

    meta = MetaData()
    scratch = Table("bench_scratch", meta, Column("id", Integer, primary_key=True),
                    Column("key", String(255), nullable=False), Column("at", DateTime(timezone=True)))
    async with db.engine.begin() as conn:
        await conn.run_sync(meta.drop_all)
        await conn.run_sync(meta.create_all)
    stmt = insert(scratch)
    lock = asyncio.Lock() if db.sqlite else None  # the same one-writer discipline as Database

    async def engine_one(i: int) -> None:
        row = {"key": f"bare:e:{i}", "at": datetime.now(timezone.utc)}
        if lock is None:
            async with db.engine.begin() as conn:
                await conn.execute(stmt, row)
        else:
            async with lock:
                async with db.engine.begin() as conn:
                    await conn.execute(stmt, row)

    async def session_one(i: int) -> None:
        async with db.transaction() as session:
            await session.execute(stmt, {"key": f"bare:s:{i}", "at": datetime.now(timezone.utc)})

    async def loop(one) -> float:
        for i in range(min(200, n)):  # warm the pool and the statement cache
            await one(-1 - i)
        rates = []
        for _ in range(BARE_ROUNDS):  # a one-second loop is at the mercy of the machine: median of three
            counter = iter(range(n))

            async def worker(numbers=counter) -> None:  # the workers share one iterator
                for i in numbers:
                    await one(i)

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            rates.append(n / (time.perf_counter() - t0))
        return sorted(rates)[len(rates) // 2]

    engine_rate = await loop(engine_one)
    session_rate = await loop(session_one)
    async with db.engine.begin() as conn:
        await conn.run_sync(meta.drop_all)
    return {"bare_per_s": engine_rate, "bare_session_per_s": session_rate}


class SqlCounter:
    """Counts statements sent to the driver, per message kind (sequential runs only)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.current = 0
        self.by_kind: dict[str, list[int]] = {}
        self.kinds: dict[str, int] = {}

        if engine.dialect.name == "sqlite":
            # Prepared statements (bot.db.prepared) bypass SQLAlchemy's events on SQLite:
            # count what the driver runs, BEGIN and COMMIT included.
            @event.listens_for(engine.sync_engine, "checkout")
            def _trace(dbapi_conn, *_args):  # pragma: no cover - driver callback
                dbapi_conn.driver_connection.sqlite.set_trace_callback(self._one)
            return

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _count(*_args):  # pragma: no cover - driver callback
            self.current += 1

        @event.listens_for(engine.sync_engine, "commit")
        def _commit(*_args):  # pragma: no cover - driver callback
            self.current += 1

    def _one(self, _sql: str) -> None:
        self.current += 1

    def record(self, kind: str) -> None:
        self.by_kind.setdefault(kind, []).append(self.current)
        self.current = 0

    def summary(self) -> dict[str, float]:
        out = {k: round(sum(v) / len(v), 2) for k, v in sorted(self.by_kind.items())}
        total = [x for v in self.by_kind.values() for x in v]
        out["ALL"] = round(sum(total) / max(1, len(total)), 2)
        return out


def _calibrate() -> float:
    """µs for sum(range(1000)), best of 5: how fast this core is right now (~8-12 µs on an idle
    modern x86 core); a much higher figure means the machine was busy and every rate is lower."""
    import timeit

    return round(min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6, 2)


def _affinity() -> str:
    try:
        return ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return "?"


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
