"""Event-loop lag: how long a ready callback waited because something else held the loop.

A task sleeps ``interval`` seconds over and over; how much later than asked it wakes is the time
the loop was busy with other callbacks (a request building a large answer, a synchronous
database call, a long regex). Each overshoot goes to the ``gridbot_event_loop_lag_seconds``
histogram; ``gridbot_event_loop_lag_max_seconds`` is the largest of the last ``WINDOW`` seconds
(a scraper polling it every few seconds sees every spike). Started with the web server
(bot/web/metrics.py), so every ``gridbot run`` measures itself; the HTTP bench reads both.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque

from prometheus_client import Gauge, Histogram

from bot.metrics import REGISTRY

INTERVAL = 0.01
WINDOW = 10.0
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5)

LAG = Histogram("gridbot_event_loop_lag_seconds", "How late a 10 ms sleep on the event loop woke up",
                buckets=BUCKETS, registry=REGISTRY)
LAG_MAX = Gauge("gridbot_event_loop_lag_max_seconds", "Largest event-loop lag of the last 10 seconds",
                registry=REGISTRY)


class LoopLagProbe:
    def __init__(self, interval: float = INTERVAL, window: float = WINDOW) -> None:
        self.interval, self.window = interval, window
        self.recent: deque[tuple[float, float]] = deque()  # (when, lag), decreasing lags: a max queue
        self._task: asyncio.Task | None = None

    def observe(self, now: float, lag: float) -> None:
        LAG.observe(lag)
        while self.recent and self.recent[-1][1] <= lag:
            self.recent.pop()
        self.recent.append((now, lag))
        while self.recent[0][0] < now - self.window:
            self.recent.popleft()
        LAG_MAX.set(self.recent[0][1])

    async def run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            self.observe(now, max(0.0, now - asked - self.interval))

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="loop-lag-probe")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
