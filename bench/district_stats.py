"""The district's /统计 and monthly report at district size (issue 13 roll-up; issue 16 asks ≤ 2 s).

    .venv/bin/python -m bench.district_stats                                  # SQLite, a temporary file
    .venv/bin/python -m bench.district_stats --pg postgresql+asyncpg://postgres@127.0.0.1:5432/h13

bench/district.py's district (119 communities, 470 groups, 12,000 members, 50,000 residents, a
year of 30,000 tickets) gets the levels above it: one district with a district officer, 7 streets
of ~17 communities with a street officer and 7 departments each, ~15% of the tickets handed to a
department (a deadline of 3 days; most finished, some late, some still open), ratings on most
verified and closed tickets, a claim for every claimed ticket and 2 points for every verified one.
Then, medians of ``--runs`` (3) after one warm-up:

- ``/统计 本月 区``: the district officer's message through ``Runtime.dispatcher.handle`` (roles,
  parsing, the aggregate SQL, the reply text, the outbox row), this month so far;
- the monthly report: figures for last month (a whole month, ~2,500 tickets) and the .xlsx bytes;
- ``/统计 上月 街道`` (one street, the same aggregates) and the street's monthly .xlsx (which also
  lists every ticket of the month), and with ``--compare`` the district's figures the way a
  community's are computed (bot.services.stats.figures for each of the 119 communities: every
  ticket as an ORM row, per-community queries) — what the district would cost without the aggregates;
- ``--no-index``: the same with ``ix_ticket_created`` dropped first (what the index is worth).
A PostgreSQL URL's public schema is dropped and recreated.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, text, update

from bench.district import Shape, build
from bot import clock
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.models import Claim, Community, Person, PointsEntry, Ticket
from bot.db.models_streets import Department, DepartmentTask, District, DistrictOfficer, Street, StreetOfficer
from bot.messages import IncomingMessage
from bot.runtime import Runtime
from bot.services import district_reports, district_stats, rollup, stats, street_reports, streets

STREETS = 7
DEPARTMENTS = ("城管", "住建", "供水", "供电", "燃气", "派出所", "物业公司")
OFFICER = "bench-qu-officer"


async def levels(runtime: Runtime, seed: int) -> dict[str, int]:
    """District, streets, officers, departments, department work and ratings over the generated district."""
    rng = random.Random(seed)
    now = clock.utcnow()
    async with runtime.db.transaction() as session:
        ids = list(await session.scalars(select(Community.id).where(Community.id.like("d%")).order_by(Community.id)))
        session.add(District(id="bench-qu", name="测试区"))
        session.add(Person(id=OFFICER, name="区网格中心"))
        await session.flush()
        session.add(DistrictOfficer(district_id="bench-qu", person_id=OFFICER))
        deps: dict[str, list[str]] = {}
        for s in range(STREETS):
            sid = f"bench-s{s}"
            session.add(Street(id=sid, name=f"第{s + 1}街道", district_id="bench-qu"))
            session.add(Person(id=f"{sid}-officer", name=f"街道干部{s + 1}"))
            await session.flush()
            session.add(StreetOfficer(street_id=sid, person_id=f"{sid}-officer"))
            for d, name in enumerate(DEPARTMENTS):
                session.add(Person(id=f"{sid}-dep{d}", name=f"{name}联系人{s + 1}"))
                await session.flush()
                session.add(Department(id=f"{sid}-dep{d}", street_id=sid, name=name, contact_id=f"{sid}-dep{d}"))
                deps.setdefault(sid, []).append(f"{sid}-dep{d}")
        await session.flush()
        street_of = {cid: f"bench-s{i * STREETS // len(ids)}" for i, cid in enumerate(ids)}
        for sid in deps:
            await session.execute(update(Community).where(Community.id.in_(
                [c for c, s in street_of.items() if s == sid])).values(street_id=sid))
        await streets.expand_roles(session=session)
        tickets = (await session.execute(select(Ticket.id, Ticket.community_id, Ticket.status, Ticket.created_at,
                                                Ticket.done_at, Ticket.claimer_id, Ticket.claimed_at,
                                                Ticket.verified_at).where(Ticket.community_id.in_(ids)).order_by(Ticket.id))).all()
        tasks, rated, claims, points = [], [], [], []
        for tid, cid, status, created, done_at, claimer, claimed_at, verified_at in tickets:
            if claimer:  # the members' work behind the tickets: claims and the points of verified ones
                claims.append({"ticket_id": tid, "person_id": claimer, "claimed_at": claimed_at or created,
                               "ended_at": done_at, "outcome": "done" if done_at else "active"})
            if claimer and verified_at:
                points.append({"person_id": claimer, "community_id": cid, "amount": 2, "rule": "repair",
                               "reason": "bench", "ticket_id": tid, "actor_id": None,
                               "idempotency_key": f"bench:{tid}", "created_at": verified_at})
            if status in ("verified", "closed") and rng.random() < 0.7:
                rated.append({"tid": tid, "r": rng.choice((3, 4, 4, 5, 5, 5))})
            if rng.random() >= 0.15 or status == "cancelled":
                continue
            deadline = created + timedelta(days=3)
            finished = done_at or (None if status in ("open", "claimed") else created + timedelta(days=rng.uniform(1, 5)))
            tasks.append({"ticket_id": tid, "department_id": rng.choice(deps[street_of[cid]]), "kind": "transfer",
                          "status": "done" if finished else "accepted", "deadline_at": deadline,
                          "created_at": created, "accepted_at": created + timedelta(hours=2), "done_at": finished,
                          "note": None, "report_by": None, "created_by": None, "replied_at": None, "reply": None,
                          "reported_at": None, "reminded_at": None, "alerted_at": None})
        for model, rows in ((DepartmentTask, tasks), (Claim, claims), (PointsEntry, points)):
            for start in range(0, len(rows), 5000):
                await session.execute(insert(model), rows[start:start + 5000])
        if rated:
            await session.execute(update(Ticket.__table__).where(Ticket.__table__.c.id == bindparam("tid"))
                                  .values(rating=bindparam("r")), rated)
    runtime.db.cache.clear()
    return {"streets": STREETS, "departments": STREETS * len(DEPARTMENTS), "department_tasks": len(tasks),
            "claims": len(claims), "points_entries": len(points),
            "rated": len(rated), "now": int(now.timestamp())}


async def _timed(runs: int, work) -> tuple[float, float]:
    await work()  # warm-up: caches, prepared statements, the planner
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), max(seconds)


async def run(url: str, runs: int, seed: int, scale: float, compare: bool = False, no_index: bool = False) -> dict:
    settings = Settings(_env_file=None, database_url=url, transport="sim", scheduler_enabled=False)
    runtime = Runtime(settings)
    if url.startswith("postgresql"):
        async with runtime.db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(runtime.db.engine)
    started = time.perf_counter()
    counts = await build(runtime.db, Shape().scaled(scale))
    counts.update(await levels(runtime, seed))
    if url.startswith("postgresql"):
        async with runtime.db.engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
    counts["build_seconds"] = round(time.perf_counter() - started, 1)
    if no_index:
        async with runtime.db.engine.begin() as conn:
            await conn.execute(text("DROP INDEX ix_ticket_created"))
    now = clock.utcnow()
    first = clock.to_local(now).date().replace(day=1)
    prev = (first - timedelta(days=1)).replace(day=1)
    month = stats.month_span(prev.year, prev.month)
    serial = iter(range(10**9))

    async def say(words: str, sender: str) -> None:
        msg = IncomingMessage(platform="bench", msg_id=f"b{next(serial)}", sender_id=sender, sender_name=sender,
                              text=words, room_id=None)
        rows = await runtime.dispatcher.handle(msg)
        assert rows and rows[0].reply_key == "stats_summary", [r.text for r in rows]

    async def district_report() -> None:
        async with runtime.db.sessions() as session:
            district = await session.get(District, "bench-qu")
            df = await district_stats.district_figures(session=session, district=district, start=month[0],
                                                       end=month[1], now=now)
        assert df.total.created > 0 and df.departments
        district_reports.workbook(df, title="bench")

    async def street_report() -> None:
        async with runtime.db.sessions() as session:
            street = await session.get(Street, "bench-s0")
            sf = await rollup.street_figures(session=session, street=street, start=month[0], end=month[1], now=now)
        street_reports.workbook(sf, title="bench", now=now)

    figures = {
        "district /统计 本月 区": await _timed(runs, lambda: say("/统计 本月 区", OFFICER)),
        "district /统计 上月 区": await _timed(runs, lambda: say("/统计 上月 区", OFFICER)),
        "district monthly report (上月, xlsx)": await _timed(runs, district_report),
        "street /统计 上月 街道": await _timed(runs, lambda: say("/统计 上月 街道", "bench-s0-officer")),
        "street monthly report (上月, xlsx)": await _timed(runs, street_report),
    }

    async def community_by_community() -> None:
        async with runtime.db.sessions() as session:
            for cid in await session.scalars(select(Community.id).where(Community.street_id.is_not(None))):
                await stats.figures(session=session, community_id=cid, start=month[0], end=month[1], now=now)

    if compare:
        figures["district ticket by ticket (119 × stats.figures, 上月)"] = await _timed(runs, community_by_community)
    await runtime.db.dispose()
    return {"counts": counts, "figures": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the district (default 1)")
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL (its public schema is dropped)")
    parser.add_argument("--compare", action="store_true", help="also time the district community by community")
    parser.add_argument("--no-index", action="store_true", help="drop ix_ticket_created first")
    args = parser.parse_args()
    url = args.pg or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='district-stats-')}/bench.db"
    result = asyncio.run(run(url, args.runs, args.seed, args.scale, args.compare, args.no_index))
    print("postgresql" if args.pg else "sqlite", "(without ix_ticket_created)" if args.no_index else "",
          result["counts"])
    for name, (med, worst) in result["figures"].items():
        print(f"  {name}: median {med * 1000:.0f} ms (max {worst * 1000:.0f}) of {args.runs}")


if __name__ == "__main__":
    main()
