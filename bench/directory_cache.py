"""What a newcomer's first message costs the directory cache, by how many people it holds
(issue 16, item 6), and how much memory the cache keeps.

    python -m bench.directory_cache [--people 0,12000,62000] [--max-people 20000]

A newcomer's registration drops their entries (``forget_person``) and caches them again
(``put_actor``); both used to walk every cached key. Printed: the median cost of that pair
over 2,000 newcomers at each size, its ratio to the empty cache, and the traced memory of
the cache after 62,000 distinct speakers with the configured bound.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc

from bot.db.directory_cache import DEFAULT_MAX_PEOPLE, ActorInfo, DirectoryCache, PersonRef

NEWCOMERS = 2_000


def _actor(i: int) -> ActorInfo:
    return ActorInfo(PersonRef(f"wx-{i}", f"居民{i}"), f"c{i % 119}", frozenset({"resident"}))


def _filled(people: int, max_people: int) -> DirectoryCache:
    cache = DirectoryCache(max_people=max_people)
    for i in range(people):
        cache.put_actor(f"wx-{i}", f"c{i % 119}", _actor(i))
    return cache


def newcomer_cost_us(people: int, max_people: int) -> float:
    cache = _filled(people, max_people)
    costs = []
    for n in range(NEWCOMERS):
        i = 10_000_000 + n
        t0 = time.perf_counter()
        cache.forget_person(f"wx-{i}")
        cache.put_actor(f"wx-{i}", "c1", _actor(i))
        costs.append(time.perf_counter() - t0)
    return statistics.median(costs) * 1e6


def cache_memory_mb(people: int, max_people: int) -> float:
    tracemalloc.start()
    cache = _filled(people, max_people)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del cache
    return size / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.directory_cache")
    parser.add_argument("--people", default="0,12000,62000")
    parser.add_argument("--max-people", type=int, default=DEFAULT_MAX_PEOPLE)
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.people.split(",")]
    runs = {size: statistics.median(newcomer_cost_us(size, max(args.max_people, size)) for _ in range(3))
            for size in sizes}
    base = runs[sizes[0]] or 1e-9
    for size, cost in runs.items():
        print(f"{size:>7} people cached: newcomer {cost:6.2f} µs (median of 3 × {NEWCOMERS}), {cost / base:.2f}× empty")
    bounded = cache_memory_mb(62_000, args.max_people)
    unbounded = cache_memory_mb(62_000, 62_000)
    print(f"62,000 speakers: cache holds {bounded:.1f} MB with max {args.max_people:,} people "
          f"({unbounded:.1f} MB unbounded)")
    print(json.dumps({"bench": "directory_cache", "newcomer_us": runs, "memory_mb_bounded": round(bounded, 1),
                      "memory_mb_unbounded": round(unbounded, 1), "max_people": args.max_people}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
