"""HTTP load bench: concurrent clients posting to a real bot process on the simulator (issue 15, item 10).

    .venv/bin/python -m bench.http_load [--db sqlite|postgres|both] [--clients 16] [--seconds 60]
                                        [--warmup 10] [--max-requests 200000] [--runs 1]

A real ``gridbot run`` process (``TRANSPORT=sim``, loopback only, a free port) is started on a
fresh database holding the demo community plus the bench's extra members. ``--clients``
closed-loop clients post the pipeline bench's mix (``bench.mix``: chatter, demands,
claims, completions, verifications; ticket numbers bound from the bot's replies) to
``POST /api/sim/messages`` with ``Content-Type: application/json`` and Host 127.0.0.1.
Stops after ``--seconds`` (after ``--warmup`` unmeasured seconds) or ``--max-requests``.

Figures: requests/s, p50/p99/max latency of the measured requests, the age of the
oldest due outbox row (pending or sending, ``not_before`` passed), sampled once a
second straight from the database (max and p99 of the samples, and at the end), how
long the backlog takes to drain once the clients stop, and the bot process's RSS
(VmRSS, sampled each second after warm-up: first, last, min-max spread and the
least-squares slope in MB/min). With ``--runs 3`` the medians are printed too.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

from bench import mix
from bench.measure import _machine, _pct
from bench.mix import COMMUNITY, EXTRA_MEMBERS, State, script

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_ADMIN_DSN = os.environ.get("GRIDBOT_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
PG_DB = os.environ.get("GRIDBOT_BENCH_HTTP_DB", "gridbot_bench_http")  # dropped and created per run
TARGETS = {"sqlite": {"p99_ms": 100.0}, "postgres": {"p99_ms": 150.0},
           "oldest_due_s": 5.0, "rss_spread_mb": 10.0}


# --------------------------------------------------------------------------- the bot process

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def fresh_database(backend: str, tmpdir: str) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmpdir}/bench.db"
    import asyncpg

    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_DB}"')
    finally:
        await admin.close()
    return base.replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{PG_DB}"


async def load_community(url: str) -> None:
    """The demo community and the bench's extra members, as ``gridbot run`` would find them."""
    from importlib import resources

    import yaml

    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services import loader

    db = Database(url)
    try:
        await upgrade(db.engine)
        demo = yaml.safe_load(resources.files("bot").joinpath("demo/demo.yaml").read_text(encoding="utf-8"))
        extra = [{"id": f"bench-mem-{k:02d}", "name": f"志愿者{k:02d}", "roles": ["member"]}
                 for k in range(1, EXTRA_MEMBERS + 1)]
        async with db.transaction() as session:
            await loader.load(session=session, data=demo)
        async with db.transaction() as session:
            await loader.load(session=session, data={"communities": [
                {"id": COMMUNITY, "name": "幸福里社区", "people": extra}]})
    finally:
        await db.dispose()


async def add_district(url: str, scale: float) -> None:
    """The generated district (bench/district.py: 119 communities, 62,000 people, a year of
    tickets at scale 1) beside the demo community the clients talk to."""
    from bench.district import Shape, build
    from bot.db.engine import Database

    db = Database(url)
    try:
        await build(db, Shape().scaled(scale))
    finally:
        await db.dispose()


def bot_env(url: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBOT_", "DATABASE_", "HTTP_", "API_"))}
    env.update(PYTHONPATH=REPO, DATABASE_URL=url, TRANSPORT="sim", HTTP_HOST="127.0.0.1", HTTP_PORT=str(port),
               LOAD_DEMO="false", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1", **extra)
    return env


def start_bot(url: str, port: int, log_path: str, **extra: str) -> subprocess.Popen:
    """``gridbot run`` in its own directory (so no .env is read), this checkout's code."""
    cwd = tempfile.mkdtemp(prefix="gridbot-http-")
    log = open(log_path, "ab")
    # GRIDBOT_BENCH_PROFILE=FILE runs the bot under cProfile (stats written when it stops).
    profile = os.environ.get("GRIDBOT_BENCH_PROFILE")
    prefix = ["-m", "cProfile", "-o", os.path.abspath(profile)] if profile else []
    return subprocess.Popen([sys.executable, *prefix, "-m", "bot.cli", "run"], cwd=cwd,
                            env=bot_env(url, port, **extra), stdout=log, stderr=subprocess.STDOUT)


async def wait_ready(session, base: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bot exited with {proc.returncode} before answering")
        try:
            async with session.get(f"{base}/healthz") as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not answer /healthz in time")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (the machine is shared: wall rates are noisy)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- the outbox, from outside

class OutboxProbe:
    """The oldest due, undelivered outbox row's age, read straight from the database."""

    SQL = ("SELECT min(CASE WHEN not_before IS NOT NULL AND not_before > created_at THEN not_before "
           "ELSE created_at END), count(*) FROM outboxmessage WHERE status IN ('pending', 'sending') "
           "AND (not_before IS NULL OR not_before <= {now})")

    def __init__(self, url: str) -> None:
        self.url, self.conn = url, None

    async def open(self) -> None:
        if self.url.startswith("sqlite"):
            import sqlite3

            self.conn = sqlite3.connect(self.url.split("///", 1)[1], isolation_level=None)
        else:
            import asyncpg

            self.conn = await asyncpg.connect(self.url.replace("postgresql+asyncpg://", "postgresql://"))

    async def close(self) -> None:
        if self.conn is not None:
            r = self.conn.close()
            if asyncio.iscoroutine(r):
                await r

    async def oldest_due(self) -> tuple[float, int]:
        now = datetime.now(timezone.utc)
        if self.url.startswith("sqlite"):
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            oldest, n = self.conn.execute(self.SQL.format(now="?"), (stamp,)).fetchone()
            oldest = datetime.fromisoformat(oldest).replace(tzinfo=timezone.utc) if oldest else None
        else:
            oldest, n = await self.conn.fetchrow(self.SQL.format(now="$1"), now)
            if oldest is not None and oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=timezone.utc)
        return ((now - oldest).total_seconds() if oldest else 0.0), int(n)


# --------------------------------------------------------------------------- the load

def endless_script(seed: int):
    """The pipeline mix, 10,000 slots at a time, each chunk with its own seed."""
    for chunk in itertools.count():
        yield from script(10_000, seed + 7919 * chunk)


def _display_name(person_id: str) -> str:
    from bench.pipeline import _display_name as name

    return name(person_id)


async def load(bases: list[str], clients: int, seconds: float, warmup: float, max_requests: int, seed: int,
               pids: list[int], probe: OutboxProbe) -> dict:
    """Client k posts to ``bases[k % len(bases)]`` (one bot process each, on one database); RSS is
    the first process's, CPU the sum over all of them."""
    import aiohttp

    state, slots, sent = State(), endless_script(seed), itertools.count()
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}  # where the tail comes from: latency per kind of message
    errors: dict[str, int] = {}
    t_start = time.monotonic()
    t_measure = t_start + warmup
    t_end = t_measure + seconds
    conn = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(connector=conn) as http:
        async def client(base: str) -> None:
            headers = {"Content-Type": "application/json", "Host": base.split("//", 1)[1]}
            for slot in slots:
                i = next(sent)
                now = time.monotonic()
                if now >= t_end or i >= max_requests:
                    return
                kind, sender, text, number = state.bind(slot)
                body = {"room": slot.room, "sender": sender, "name": _display_name(sender), "text": text,
                        "msg_id": f"http-{i}"}
                t0 = time.monotonic()
                try:
                    async with http.post(f"{base}/api/sim/messages", data=json.dumps(body, ensure_ascii=False)
                                         .encode(), headers=headers) as r:
                        payload = await r.json(content_type=None)
                        status = r.status
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                took = time.monotonic() - t0
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1
                    continue
                if t0 >= t_measure and t0 + took <= t_end:
                    latencies.append(took)
                    by_kind.setdefault(kind, []).append(took)
                state.update(kind, sender, number, [m["text"] for m in payload.get("replies", [])])

        samples: list[tuple[float, float, float, int]] = []  # (t since measuring, rss MB, oldest due s, due rows)
        cpu: list[tuple[float, float, int]] = []  # (t, the bot's CPU seconds, requests measured so far)

        async def sampler() -> None:
            while time.monotonic() < t_end:
                await asyncio.sleep(1.0)
                t = time.monotonic()
                age, n = await probe.oldest_due()
                if t >= t_measure:
                    samples.append((t - t_measure, rss_mb(pids[0]), age, n))
                    cpu.append((t, sum(cpu_seconds(pid) for pid in pids), len(latencies)))

        lags: list[dict] = []  # /metrics scrapes of the loop lag, from the window's start

        async def lag_sampler() -> None:
            while time.monotonic() < t_end:
                await asyncio.sleep(2.0)
                if time.monotonic() >= t_measure:
                    got = await loop_lag(bases[0])
                    if got is None:
                        return
                    lags.append(got)

        sampling = asyncio.create_task(sampler())
        lagging = asyncio.create_task(lag_sampler())
        await asyncio.gather(*(client(bases[k % len(bases)]) for k in range(clients)))
        stopped = time.monotonic()
        await sampling
        await lagging
        age_at_stop, due_at_stop = await probe.oldest_due()
        drained_after = None
        while time.monotonic() - stopped < 120:
            age, n = await probe.oldest_due()
            if n == 0:
                drained_after = time.monotonic() - stopped
                break
            await asyncio.sleep(0.2)
    measured = min(stopped, t_end) - t_measure
    latencies.sort()
    rss = [s[1] for s in samples]
    ages = sorted(s[2] for s in samples)
    return {
        "requests": len(latencies), "measured_s": round(measured, 1),
        "req_per_s": round(len(latencies) / measured, 1) if measured > 0 else 0.0,
        "p50_ms": round(_pct(latencies, 0.50) * 1000, 1), "p99_ms": round(_pct(latencies, 0.99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        "oldest_due_max_s": round(ages[-1], 2) if ages else 0.0,
        "oldest_due_p99_s": round(_pct(ages, 0.99), 2) if ages else 0.0,
        "oldest_due_at_stop_s": round(age_at_stop, 2), "due_rows_at_stop": due_at_stop,
        "drained_after_s": round(drained_after, 2) if drained_after is not None else None,
        "rss_first_mb": round(rss[0], 1) if rss else 0.0, "rss_last_mb": round(rss[-1], 1) if rss else 0.0,
        "rss_spread_mb": round(max(rss) - min(rss), 1) if rss else 0.0,
        "rss_slope_mb_per_min": round(_slope([s[0] / 60 for s in samples], rss), 2) if len(rss) > 2 else 0.0,
        "errors": errors, "outcomes": dict(sorted(state.outcomes.items())),
        **_lag_figures(lags),
        **({"cpu_s": round(cpu[-1][1] - cpu[0][1], 1), "cpu_share": round((cpu[-1][1] - cpu[0][1]) / (cpu[-1][0] - cpu[0][0]), 2),
            "cpu_ms_per_req": round((cpu[-1][1] - cpu[0][1]) * 1000 / max(1, cpu[-1][2] - cpu[0][2]), 2)}
           if len(cpu) > 1 else {}),
        "p99_ms_by_kind": {k: round(_pct(sorted(v), 0.99) * 1000, 1) for k, v in sorted(by_kind.items())},
    }


LAG_NAMES = ("lag", "busy")  # bot/loop_lag.py: the wake-up overshoot, and the part of it spent on our CPU


async def loop_lag(base: str) -> dict[str, tuple[float, dict[float, float]]] | None:
    """The bot's own event-loop lag (bot/loop_lag.py) from /metrics: for ``lag`` and ``busy``, the
    max of the last 10 s and the histogram's cumulative bucket counts; None when not exported.
    Its own connection: the clients' pool is busy."""
    import aiohttp
    from prometheus_client.parser import text_string_to_metric_families

    async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as r:
        if r.status != 200:
            print(f"    /metrics answered {r.status}", file=sys.stderr)
            return None
        text = await r.text()
    found: dict[str, tuple[float, dict[float, float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            for name in LAG_NAMES:
                if sample.name == f"gridbot_event_loop_{name}_max_seconds":
                    found[name] = (sample.value, found.get(name, (0.0, {}))[1])
                elif sample.name == f"gridbot_event_loop_{name}_seconds_bucket":
                    found.setdefault(name, (0.0, {}))[1][float(sample.labels["le"])] = sample.value
    return found if len(found) == len(LAG_NAMES) else None


def _lag_figures(samples: list[dict]) -> dict:
    """Loop lag over the measured window, from the first and last scrape and the maxima between:
    the largest 10-s max seen, the p99 (as the upper bound of its histogram bucket) and how many
    10 ms probe sleeps woke more than 50 ms late; for the wall overshoot and the busy part."""
    if len(samples) < 2:
        return {}
    figures = {}
    for name in LAG_NAMES:
        start, end = samples[0][name][1], samples[-1][name][1]
        delta = {le: end[le] - start.get(le, 0.0) for le in sorted(end)}
        total = delta.get(float("inf"), 0.0)
        p99 = next((le for le, n in delta.items() if total and n >= 0.99 * total), float("inf"))
        figures.update({f"loop_{name}_max_ms": round(max(s[name][0] for s in samples[1:]) * 1000, 1),
                        f"loop_{name}_p99_ms_le": round(p99 * 1000, 1),
                        f"loop_{name}_over_50ms": int(total - delta.get(0.05, 0.0))})
    figures["loop_probes"] = int(samples[-1]["lag"][1][float("inf")] - samples[0]["lag"][1][float("inf")])
    return figures


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


async def run_one(backend: str, args, processes: int = 1) -> dict:
    import aiohttp

    mix.learn_reply_texts()
    tmpdir = tempfile.mkdtemp(prefix="gridbot-http-db-")
    url = await fresh_database(backend, tmpdir)
    await load_community(url)
    if args.district:
        await add_district(url, args.district)
    procs, bases = [], []
    probe = OutboxProbe(url)
    try:
        for k in range(processes):  # one after the other: the first applies nothing new, the rest check
            port = _free_port()
            log_path = os.path.join(tempfile.gettempdir(), f"gridbot-http-load-{backend}-{k}.log")
            open(log_path, "w").close()
            procs.append(start_bot(url, port, log_path))
            bases.append(f"http://127.0.0.1:{port}")
            async with aiohttp.ClientSession() as s:
                await wait_ready(s, bases[-1], procs[-1])
        await probe.open()
        result = await load(bases, args.clients, args.seconds, args.warmup, args.max_requests, args.seed,
                            [p.pid for p in procs], probe)
    finally:
        await probe.close()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {"db": backend, "clients": args.clients, "processes": processes, **result,
            "log": os.path.join(tempfile.gettempdir(), f"gridbot-http-load-{backend}-0.log")}


def _check(r: dict) -> list[str]:
    fails = []
    if r["p99_ms"] > TARGETS[r["db"]]["p99_ms"]:
        fails.append(f"p99 {r['p99_ms']} ms > {TARGETS[r['db']]['p99_ms']}")
    if r["oldest_due_max_s"] > TARGETS["oldest_due_s"]:
        fails.append(f"oldest due {r['oldest_due_max_s']} s > {TARGETS['oldest_due_s']}")
    if r["rss_spread_mb"] > 2 * TARGETS["rss_spread_mb"]:
        fails.append(f"RSS spread {r['rss_spread_mb']} MB > ±{TARGETS['rss_spread_mb']}")
    if r["errors"] or r["outcomes"].get("internal_error"):
        fails.append(f"errors {r['errors']} internal {r['outcomes'].get('internal_error', 0)}")
    return fails


COLUMNS = ("db", "req_per_s", "p50_ms", "p99_ms", "max_ms", "oldest_due_max_s", "due_rows_at_stop",
           "drained_after_s", "rss_first_mb", "rss_last_mb", "rss_spread_mb", "rss_slope_mb_per_min",
           "loop_lag_max_ms", "loop_lag_p99_ms_le", "loop_busy_max_ms", "loop_busy_p99_ms_le", "loop_busy_over_50ms",
           "cpu_share", "cpu_ms_per_req")


def print_table(rows: list[dict]) -> None:
    print(" | ".join(COLUMNS))
    for r in rows:
        print(" | ".join(str(r.get(c, "")) for c in COLUMNS))


async def _load_only(args) -> int:
    mix.learn_reply_texts()

    class NoProbe:
        async def oldest_due(self) -> tuple[float, int]:
            return 0.0, 0

    r = await load([args.load_only.rstrip("/")], args.clients, args.seconds, args.warmup, args.max_requests,
                   args.seed, [os.getpid()], NoProbe())
    print(json.dumps(r, ensure_ascii=False))
    return 0


def _pg_ready(quiet: bool = False) -> bool:
    from bench.pipeline import pg_answers

    ok = asyncio.run(pg_answers(PG_ADMIN_DSN))
    if not ok and not quiet:
        print(f"PostgreSQL does not answer at {PG_ADMIN_DSN}", file=sys.stderr)
    return ok


SCALING_COLUMNS = ("processes", "req_per_s", "scaling", "p50_ms", "p99_ms", "cpu_ms_per_req", "cpu_share",
                   "oldest_due_max_s", "drained_after_s")


async def _scaling(args, counts: list[int]) -> int:
    """Throughput with 1, 2, 4 ... bot processes on one PostgreSQL (issue 16, item 5): each
    configuration ``--runs`` times, the order rotated per round so a busy spell of the shared
    machine does not land on one configuration only; medians and the ratio to the first."""
    print(f"GridBot HTTP load over several processes on PostgreSQL: {args.clients} clients, "
          f"{args.warmup:g} s warm-up + {args.seconds:g} s, processes {counts}, {args.runs} round(s); "
          f"{_machine()}", flush=True)
    runs: dict[int, list[dict]] = {n: [] for n in counts}
    for k in range(args.runs):
        for n in counts[k % len(counts):] + counts[:k % len(counts)]:
            print(f"  round {k + 1}/{args.runs}: {n} process(es) ...", flush=True)
            r = await run_one("postgres", args, n)
            print("   ", json.dumps(r, ensure_ascii=False), flush=True)
            runs[n].append(r)
    rows = []
    for n in counts:
        med = {"processes": n}
        for c in SCALING_COLUMNS[1:]:
            values = [r[c] for r in runs[n] if r.get(c) is not None]
            med[c] = round(statistics.median(values), 2) if values else None
        rows.append(med)
    for row in rows:
        row["scaling"] = round(row["req_per_s"] / rows[0]["req_per_s"], 2) if rows[0]["req_per_s"] else None
    print()
    print(" | ".join(SCALING_COLUMNS))
    for row in rows:
        print(" | ".join(str(row.get(c, "")) for c in SCALING_COLUMNS))
    print(json.dumps({"bench": "http_load_scaling", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "machine": _machine(), "clients": args.clients, "seconds": args.seconds, "rows": rows,
                      "runs": {n: [{c: r.get(c) for c in SCALING_COLUMNS if c != "scaling"} for r in rs]
                               for n, rs in runs.items()}}, ensure_ascii=False))
    errors = sum(sum(r["errors"].values()) + r["outcomes"].get("internal_error", 0) for rs in runs.values() for r in rs)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds (600 for the soak)")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds first")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=1, help="runs per database; medians printed when > 1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--district", type=float, default=0.0,
                        help="also load the generated district at this scale (1 = 119 communities)")
    parser.add_argument("--processes", default="1", metavar="N[,N...]",
                        help="bot processes sharing the database (PostgreSQL), e.g. 1,2,4 for the scaling run")
    parser.add_argument("--load-only", metavar="URL", help="only post to a bot already running there (profiling)")
    args = parser.parse_args(argv)
    if args.load_only:
        return asyncio.run(_load_only(args))
    counts = [int(n) for n in args.processes.split(",") if n.strip()]
    if any(n > 1 for n in counts) and args.db != "postgres":
        parser.error("several processes share a PostgreSQL database: use --db postgres")
    if len(counts) > 1 or counts[0] > 1:
        return asyncio.run(_scaling(args, counts)) if _pg_ready() else 2
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in backends and not _pg_ready(quiet=args.db == "both"):
        if args.db == "postgres":
            return 2
        backends.remove("postgres")
        print(f"(PostgreSQL does not answer at {PG_ADMIN_DSN}: SQLite only)")
    print(f"GridBot HTTP load: {args.clients} clients, {args.warmup:g} s warm-up + {args.seconds:g} s, "
          f"at most {args.max_requests} requests; {_machine()}", flush=True)
    results, failed = [], False
    for backend in backends:
        runs = []
        for k in range(args.runs):
            print(f"  running {backend} ({k + 1}/{args.runs}) ...", flush=True)
            r = asyncio.run(run_one(backend, args))
            print("   ", json.dumps(r, ensure_ascii=False), flush=True)
            runs.append(r)
        if args.runs > 1:
            med = {"db": backend, "median_of": args.runs}
            for c in COLUMNS[1:]:
                values = [r[c] for r in runs if r.get(c) is not None]
                med[c] = round(statistics.median(values), 2) if values else None
            med["errors"] = {k: v for r in runs for k, v in r["errors"].items()}
            med["outcomes"] = runs[0]["outcomes"]
            results.append(med)
        else:
            results.extend(runs)
    print()
    print_table(results)
    for r in results:
        fails = _check(r)
        failed |= bool(fails)
        print(f"issue-15 targets ({r['db']}: p99 <= {TARGETS[r['db']]['p99_ms']:g} ms, oldest due <= "
              f"{TARGETS['oldest_due_s']:g} s, RSS within ±{TARGETS['rss_spread_mb']:g} MB): "
              + ("PASS" if not fails else "FAIL: " + "; ".join(fails)))
    print(json.dumps({"bench": "http_load", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "machine": _machine(), "clients": args.clients, "seconds": args.seconds,
                      "results": results}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
