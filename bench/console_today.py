"""Server time of the console's 今日 page with many tickets (issue 14, item 4).

    .venv/bin/python -m bench.console_today                      # SQLite, 10,000 tickets, 10% in progress
    .venv/bin/python -m bench.console_today --active 1.0          # every ticket in progress (worst case)
    .venv/bin/python -m bench.console_today --pg postgresql+asyncpg://postgres@127.0.0.1:5432/h14
    .venv/bin/python -m bench.console_today --all                 # every console page, not only 今日

The demo community gets N tickets over the last 180 days spread over its six buildings (a share
``--active`` still open/claimed/done, a tenth of those urgent, a third of those past their
deadline; the rest verified or closed). A secretary's session is opened with a real login link;
then ``GET /console/`` is timed ``--runs`` times after one warm-up. The figure is the time the
server spent in the handler chain (middleware to response), read from the ``Server-Timing`` a
bench-only middleware adds, and beside it the round trip on loopback.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import timedelta

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert, text, update

from bot import clock
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.models import Community, Ticket
from bot.runtime import Runtime
from bot.services import console_auth
from bot.web.app import create_app
from bot.web.console.access import COOKIE


@web.middleware
async def server_timing(request: web.Request, handler):
    started = time.perf_counter()
    response = await handler(request)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


async def fill(runtime: Runtime, count: int, active: float, seed: int) -> None:
    rng = random.Random(seed)
    now = clock.utcnow()
    rows = []
    for number in range(1, count + 1):
        created = now - timedelta(minutes=rng.randint(10, 180 * 24 * 60))
        live = rng.random() < active
        status = rng.choice(("open", "open", "claimed", "done")) if live else rng.choice(("verified", "closed"))
        late = live and rng.random() < 1 / 3
        rows.append(dict(community_id="xingfuli", number=number, status=status, category=rng.choice(
            ("repair", "sanitation", "safety", "traffic", "care")), urgency="urgent" if live and rng.random() < .1
            else "normal", text=f"{rng.randint(1, 7)}号楼的问题 {number}", reporter_id="res-zhao",
            building=str(rng.choice((1, 2, 3, 5, 6, 7))), room_id="room-east", created_at=created, updated_at=created,
            deadline_at=(now - timedelta(hours=1)) if late else created + timedelta(days=3),
            claimer_id="mem-li" if status in ("claimed", "done", "verified", "closed") else None,
            claimed_at=created + timedelta(hours=1) if status != "open" else None))
    async with runtime.db.transaction() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(insert(Ticket), rows[start:start + 1000])
        await session.execute(update(Community).where(Community.id == "xingfuli").values(last_ticket_no=count))


PAGES = ("/console/", "/console/tickets", "/console/tickets?overdue=1", "/console/points", "/console/shop",
         "/console/stats", "/console/stats?weeks=52", "/console/people", "/console/activities", "/console/notices",
         "/console/board")


async def run(url: str, count: int, active: float, runs: int, seed: int,
              pages: tuple[str, ...] = ("/console/",)) -> dict:
    """Fill a fresh database, sign a secretary in once, time each page; 今日's figures at the top level."""
    settings = Settings(_env_file=None, database_url=url, transport="sim", scheduler_enabled=False)
    runtime = Runtime(settings)
    if url.startswith("postgresql"):
        async with runtime.db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(runtime.db.engine)
    await runtime.load_demo_if_empty()
    await fill(runtime, count, active, seed)
    async with runtime.db.transaction() as session:
        link = await console_auth.issue_link(session=session, settings=settings, person_id="sec-wang",
                                             now=clock.utcnow())
    app = create_app(runtime)
    app.middlewares.insert(0, server_timing)
    timed: dict[str, dict] = {}
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        login = await client.get(link[link.index("/console"):], allow_redirects=False)
        cookie = {"Cookie": f"{COOKIE}={login.cookies[COOKIE].value}"}
        for page in pages:
            server_ms, round_ms = [], []
            for i in range(runs + 1):
                started = time.perf_counter()
                resp = await client.get(page, headers=cookie)
                await resp.read()
                elapsed = (time.perf_counter() - started) * 1000
                assert resp.status == 200, (page, resp.status)
                if i:  # the first request warms caches and templates
                    server_ms.append(float(resp.headers["Server-Timing"].split("dur=")[1]))
                    round_ms.append(elapsed)
            timed[page] = {"server_median_ms": statistics.median(server_ms), "server_max_ms": max(server_ms),
                           "round_trip_median_ms": statistics.median(round_ms)}
    await runtime.db.dispose()
    return {"tickets": count, "active": active, "runs": runs, "pages": timed, **timed[pages[0]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--active", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL (its public schema is dropped)")
    parser.add_argument("--all", action="store_true", help="time every console page, not only 今日")
    args = parser.parse_args()
    if args.pg:
        url = args.pg
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='console-bench-')}/bench.db"
    db = "postgresql" if args.pg else "sqlite"
    if args.all:
        every = asyncio.run(run(url, args.tickets, args.active, args.runs, args.seed, PAGES))
        print(f"{db}: {args.tickets:,} tickets ({args.active:.0%} in progress), {args.runs} runs, server median (max):")
        for page, r in every["pages"].items():
            print(f"  {page:<28} {r['server_median_ms']:7.1f} ms ({r['server_max_ms']:.1f})")
        return
    result = asyncio.run(run(url, args.tickets, args.active, args.runs, args.seed))
    print(f"{db}: 今日 with {result['tickets']:,} tickets ({result['active']:.0%} in progress), {result['runs']} runs: "
          f"server median {result['server_median_ms']:.1f} ms (max {result['server_max_ms']:.1f}), "
          f"round trip median {result['round_trip_median_ms']:.1f} ms")


if __name__ == "__main__":
    main()
