"""bot/loop_lag.py: a callback that holds the event loop shows in /metrics as loop lag (issue 16, item 6)."""
from __future__ import annotations

import asyncio
import time

from aiohttp.test_utils import TestClient, TestServer

from bot.loop_lag import LoopLagProbe
from bot.web.app import create_app
from tests.test_metrics import scrape, value


async def test_a_blocked_loop_shows_as_lag_in_metrics(bot):
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        before = await scrape(client)
        await asyncio.sleep(0.05)
        time.sleep(0.12)  # a request that holds the loop for 120 ms
        await asyncio.sleep(0.05)
        after = await scrape(client)
    assert value(after, "gridbot_event_loop_lag_max_seconds") >= 0.1
    count, within = "gridbot_event_loop_lag_seconds_count", "gridbot_event_loop_lag_seconds_bucket"
    total = value(after, count) - value(before, count)
    on_time = value(after, within, le="0.1") - value(before, within, le="0.1")
    assert total >= 5 and total - on_time >= 1  # at least one wake-up came more than 100 ms late


def test_the_max_covers_the_window_only():
    probe = LoopLagProbe(window=10.0)
    probe.observe(100.0, 0.2)
    probe.observe(101.0, 0.01)
    from bot.loop_lag import LAG_MAX

    assert LAG_MAX._value.get() == 0.2
    probe.observe(109.0, 0.03)
    assert LAG_MAX._value.get() == 0.2
    probe.observe(111.0, 0.005)  # the 200 ms spike is older than 10 s now
    assert LAG_MAX._value.get() == 0.03
