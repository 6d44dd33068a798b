"""Several ``gridbot run`` processes on one PostgreSQL take the same mixed traffic (issue 16, item 5:
the scaling bench ``python -m bench.http_load --db postgres --processes 1,2,4``).

Two real processes (simulator transport, each on its own port) share one fresh database; clients
alternate between them. Every request is answered without an error, the whole loop happens
(tickets opened and merged, claimed, completed, verified), both processes served traffic, and the
outbox drains."""
from __future__ import annotations

import argparse
import re

import pytest

from tests.conftest import BACKEND

if BACKEND != "postgres":
    pytest.skip("several processes share PostgreSQL only", allow_module_level=True)

from bench import http_load  # noqa: E402

pytestmark = pytest.mark.needs_db


async def test_two_processes_share_the_traffic_and_the_database(monkeypatch):
    monkeypatch.setattr(http_load, "PG_DB", "gridbot_test_processes")
    served: list[int] = []
    real_load = http_load.load

    async def counting_load(bases, *args, **kwargs):
        result = await real_load(bases, *args, **kwargs)
        for base in bases:  # each process's own count of answered messages, from its /metrics
            import aiohttp

            async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as r:
                text = await r.text()
            served.append(sum(float(v) for v in re.findall(r'^gridbot_messages_handled_total\{[^}]*\} (\S+)$', text, re.M)))
        return result

    monkeypatch.setattr(http_load, "load", counting_load)
    args = argparse.Namespace(clients=4, seconds=6.0, warmup=2.0, max_requests=100_000, seed=11, district=0.0)
    r = await http_load.run_one("postgres", args, processes=2)
    assert r["processes"] == 2 and r["errors"] == {}, r["errors"]
    outcomes = r["outcomes"]
    assert "internal_error" not in outcomes
    for key in ("demand_ticket_opened", "claimed", "completed", "verified"):
        assert outcomes.get(key, 0) > 0, (key, outcomes)
    assert len(served) == 2 and all(n > 0 for n in served), served
    assert r["drained_after_s"] is not None and r["due_rows_at_stop"] >= 0
