"""The pipeline benchmark still drives every path (a short SQLite run; figures are bench/'s job)."""
from __future__ import annotations

from bench.pipeline import _check, run_one


async def test_short_bench_run_exercises_the_whole_loop_without_errors():
    result = await run_one("sqlite", messages=600, concurrency=1, seed=7, warmup=60, bare_n=50)
    outcomes = result["outcomes"]
    for key in ("demand_ticket_opened", "demand_ticket_merged", "claimed", "completed", "verified", "chat_silent"):
        assert outcomes.get(key, 0) > 0, key
    assert "internal_error" not in outcomes and "verify_refused" not in outcomes
    assert result["msgs_per_s"] > 0 and result["bare_per_s"] > 0
    assert not any(f.startswith("broken run") for f in _check(result))
