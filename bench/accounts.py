"""A notice to a district's groups over many accounts, on a fake clock (issue 16, items 1 and 5).

    .venv/bin/python -m bench.accounts [--rooms 470] [--communities 8] [--pg URL]

The district: ``--communities`` community accounts, each the preferred account of its
community's rooms (470 / 8 ≈ 59), and two street accounts, each present in the rooms of
half the communities: 10 accounts, no room with all of them, none with one alone. The
notice goes to every room in one batch through ``outbox.enqueue`` (binding spreads it over
the accounts present); then one real ``OutboxSender`` per account, each with its own
``FakeClock`` and the wechaty limits (40 a minute, 3 s per room, a 3–5 s pause when the
conversation changes), drains its account's rows, all at once.

"Allowed" is the earliest finish the limits permit: per account, its own sends replayed
with the pauses it drew (``bench.outbox.allowed_time``); the notice is done when the
last account is. "Ideal" is the same for a perfect split (⌈rooms / accounts⌉ each) at the
mean pause. "Achieved" is when the last send happened. Every send is checked against
every limit of its account.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections import Counter

from bench.outbox import WECHATY, BenchTransport, RecordingRandom, allowed_time, fresh_db, violations
from bot.db.engine import Database
from bot.messages import Outgoing
from bot.sender import OutboxSender
from bot.services import accounts, outbox
from bot.transports.base import SendLimits
from bot.transports.ratelimit import FakeClock


def district(rooms: int, communities: int) -> dict[str, list[tuple[str, bool]]]:
    """room id → [(account id, preferred)]: community accounts plus two street accounts."""
    layout: dict[str, list[tuple[str, bool]]] = {}
    for i in range(rooms):
        community = i * communities // rooms
        street = communities + (0 if community < communities / 2 else 1)
        layout[f"room-{i:04d}"] = [(f"acc-{community:02d}", True), (f"acc-{street:02d}", False)]
    return layout


async def setup(db: Database, layout: dict[str, list[tuple[str, bool]]]) -> list[str]:
    names = sorted({a for present in layout.values() for a, _ in present})
    async with db.transaction() as session:
        for name in names:
            await accounts.register(session=session, account_id=name, platform="bench", driven_by=f"bench:{name}")
        for room, present in layout.items():
            for name, preferred in present:
                await accounts.place(session=session, room_id=room, account_id=name, preferred=preferred)
    return names


async def notice(db: Database, rooms: int, communities: int, limits: SendLimits = WECHATY,
                 seed: int = 2026) -> dict:
    layout = district(rooms, communities)
    names = await setup(db, layout)
    async with db.transaction() as session:
        await outbox.enqueue(session=session, cause="bench:notice", messages=[
            Outgoing(text="【通知】明天上午9点至下午5点停水，请提前储水", room_id=room) for room in layout])
    runs = []
    for k, name in enumerate(names):
        clock, rng = FakeClock(), RecordingRandom(seed + k)
        transport = BenchTransport(clock, limits)
        runs.append((name, transport, rng, OutboxSender(db, transport, clock=clock, rng=rng, account=name)))
    started = time.perf_counter()
    await asyncio.gather(*(sender.drain() for _, _, _, sender in runs))
    real = time.perf_counter() - started
    per_account, bad, allowed, achieved = {}, [], 0.0, 0.0
    sent_rooms: Counter[str] = Counter()
    wrong = 0
    for name, transport, rng, _ in runs:
        convs = [c for _, c in transport.log]
        sent_rooms.update(convs)
        wrong += sum(1 for c in convs if name not in {a for a, _ in layout[c]})
        per_account[name] = len(convs)
        allowed = max(allowed, allowed_time(convs, limits, rng.drawn))
        achieved = max(achieved, transport.log[-1][0] if transport.log else 0.0)
        bad += [f"{name} {line}" for line in violations(transport.log, limits)]
    low, high = limits.switch_pause or (0.0, 0.0)
    even = math.ceil(rooms / len(names))
    ideal = allowed_time([f"r{i}" for i in range(even)], limits, [(low + high) / 2] * even)
    return {"rooms": rooms, "accounts": len(names), "per_account": per_account, "allowed": allowed,
            "ideal": ideal, "achieved": achieved, "violations": bad, "real": real,
            "missing": sorted(set(layout) - set(sent_rooms)), "twice": sorted(r for r, n in sent_rooms.items() if n > 1),
            "wrong_account": wrong,
            "preferred_only": max(Counter(a for present in layout.values() for a, p in present if p).values())}


def report(r: dict) -> bool:
    counts = sorted(r["per_account"].values())
    ratio = r["allowed"] / r["achieved"] if r["achieved"] else 1.0
    ideal_ratio = r["ideal"] / r["achieved"] if r["achieved"] else 1.0
    print(f"  {r['rooms']} rooms over {r['accounts']} accounts: rows per account {counts[0]}–{counts[-1]} "
          f"(preferred account only: up to {r['preferred_only']})")
    print(f"  allowed {r['allowed']:.1f}s, ideal split {r['ideal']:.1f}s, achieved {r['achieved']:.1f}s "
          f"({r['achieved'] / 60:.1f} min): {ratio:.1%} of allowed, {ideal_ratio:.1%} of ideal")
    print(f"  limit violations {len(r['violations'])}, rooms missed {len(r['missing'])}, sent twice "
          f"{len(r['twice'])}, by an account not in the room {r['wrong_account']}; real time {r['real']:.1f}s")
    for line in r["violations"][:5]:
        print("    ", line)
    return (ratio >= 0.95 and ideal_ratio >= 0.95 and not r["violations"] and not r["missing"]
            and not r["twice"] and not r["wrong_account"])


async def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rooms", type=int, default=470)
    ap.add_argument("--communities", type=int, default=8)
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL to run on as well (its schema is replaced)")
    args = ap.parse_args(argv)
    urls = [("SQLite", f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='gridbot-bench-')}/accounts.db")]
    if args.pg:
        urls.append(("PostgreSQL", args.pg))
    ok = True
    for label, url in urls:
        db = await fresh_db(url)
        try:
            print(f"Notice over accounts, wechaty limits, fake clock ({label}):")
            ok &= report(await notice(db, args.rooms, args.communities))
        finally:
            await db.dispose()
    print("PASS" if ok else "FAIL: below 95% of the allowed time, or a limit exceeded, or a room missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
