"""District-scale benchmarks (issue 16, item 5): `gridbot load` of the district and a bot's start-up.

    .venv/bin/python -m bench.district_bench load     [--db sqlite|postgres|both] [--runs 3]
    .venv/bin/python -m bench.district_bench startup  [--db sqlite|postgres|both] [--runs 3]

``load``: the district file (``bench.district --file``: 119 communities, 3 estates × 8 buildings ×
6 units each = 20,349 grid nodes, 470 groups, 62,357 people) loaded by a real ``gridbot load``
into a fresh database; wall time, the process's CPU time (user + system, from ``wait4``) and its
peak RSS. ``startup``: the district with a year of tickets (``bench.district.build``) plus the
demo community, then ``gridbot run`` (``TRANSPORT=sim``) is started: seconds from the spawn to
the first 200 from ``/healthz``, the CPU time it used until then (``/proc/PID/stat``), its RSS
then and the highest RSS over the next ``--settle`` seconds (the scheduler's first ticks).
The load average is printed around every run: the machine is shared, so wall times are noisy
and the CPU times are the steadier figure. PostgreSQL: ``--pg-url`` (a database whose
``public`` schema is dropped and recreated per run).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.district import Shape, build, write_file
from bench.http_load import _free_port, bot_env, cpu_seconds, load_community, rss_mb, wait_ready
from bench.measure import _machine

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_URL = os.environ.get("GRIDBOT_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/gridbot_bench_district")
FILE_SHAPE = Shape(buildings=8, units=6)
TARGETS = {"load_s": 30.0, "load_rss_mb": 300.0, "ready_s": 3.0, "rss_mb": 250.0}


async def fresh(backend: str, pg_url: str, tmpdir: str) -> str:
    if backend == "sqlite":
        path = os.path.join(tmpdir, "district.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return f"sqlite+aiosqlite:///{path}"
    import asyncpg

    dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres", timeout=5)
        await admin.execute(f'CREATE DATABASE "{dsn.rsplit("/", 1)[1]}"')
        await admin.close()
        conn = await asyncpg.connect(dsn, timeout=5)
    await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    await conn.close()
    return pg_url


def run_load(url: str, path: str, code: str) -> dict:
    """One ``gridbot load`` under /usr/bin/time: a child forked from this (large) process would
    report this process's peak RSS as its own."""
    env = {**bot_env(url, 0), "PYTHONPATH": code}
    load_before = os.getloadavg()[0]
    times = os.path.join(tempfile.mkdtemp(), "time")
    proc = subprocess.run(["/usr/bin/time", "-o", times, "-f", "%e %U %S %M", sys.executable, "-m", "bot.cli", "load",
                           path], cwd=tempfile.mkdtemp(), env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"gridbot load failed: {proc.stdout} {proc.stderr}")
    wall, user, system, rss_kb = open(times).read().split()[-4:]
    out = proc.stdout.strip()
    return {"wall_s": float(wall), "cpu_s": round(float(user) + float(system), 1), "rss_mb": round(int(rss_kb) / 1024),
            "load_avg": f"{load_before:.1f}-{os.getloadavg()[0]:.1f}", "output": out.splitlines()[-1] if out else ""}


async def run_startup(url: str, settle: float, code: str) -> dict:
    import aiohttp

    port = _free_port()
    load_before = os.getloadavg()[0]
    env = {**bot_env(url, port), "PYTHONPATH": code}
    log = open(os.path.join(tempfile.gettempdir(), "gridbot-district-startup.log"), "ab")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=tempfile.mkdtemp(), env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        async with aiohttp.ClientSession() as s:
            await wait_ready(s, f"http://127.0.0.1:{port}", proc, timeout=120)
            ready = time.perf_counter() - t0
            cpu, rss = cpu_seconds(proc.pid), rss_mb(proc.pid)
            peak, end = rss, time.monotonic() + settle
            while time.monotonic() < end:
                await asyncio.sleep(0.25)
                peak = max(peak, rss_mb(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"ready_s": round(ready, 2), "cpu_to_ready_s": round(cpu, 2), "rss_ready_mb": round(rss),
            "rss_peak_mb": round(peak), "load_avg": f"{load_before:.1f}-{os.getloadavg()[0]:.1f}"}


def _median(runs: list[dict], keys) -> dict:
    return {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}


async def main_async(args) -> int:
    tmpdir = tempfile.mkdtemp(prefix="gridbot-district-")
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"district bench ({args.what}), {args.runs} runs; {_machine()}", flush=True)
    summary = {}
    for backend in backends:
        runs = []
        for k in range(args.runs):
            url = await fresh(backend, args.pg_url, tmpdir)
            if args.what == "load":
                path = os.path.join(tmpdir, "district.yaml")
                if not os.path.exists(path):
                    write_file(path, FILE_SHAPE)
                r = run_load(url, path, args.code)
            else:
                from bot.db.engine import Database
                from bot.db.migrate import upgrade

                await load_community(url)
                db = Database(url)
                try:
                    await upgrade(db.engine)
                    counts = await build(db, Shape())
                finally:
                    await db.dispose()
                r = {**await run_startup(url, args.settle, args.code), "tickets": counts["tickets"]}
            print(f"  {backend} {k + 1}/{args.runs}: {json.dumps(r, ensure_ascii=False)}", flush=True)
            runs.append(r)
        keys = ("wall_s", "cpu_s", "rss_mb") if args.what == "load" else (
            "ready_s", "cpu_to_ready_s", "rss_ready_mb", "rss_peak_mb")
        summary[backend] = _median(runs, keys)
        print(f"{backend} median of {args.runs}: {summary[backend]}", flush=True)
    print(json.dumps({"bench": f"district_{args.what}", "machine": _machine(), "medians": summary},
                     ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.district_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("load", "startup"))
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds watched after ready (start-up)")
    parser.add_argument("--code", default=REPO, help="checkout whose bot runs (to measure an older commit)")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
