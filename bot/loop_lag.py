"""Event-loop lag: how long a ready callback waited because something else held the loop.

A task sleeps ``interval`` seconds over and over; how much later than asked it wakes is the time
the loop was busy with other callbacks (a request building a large answer, a synchronous
database call, a long regex) -- or the time the process was not scheduled at all, which on a
shared machine can be most of it. So two figures per wake-up:

* ``gridbot_event_loop_lag_seconds``: the overshoot itself (what a callback felt);
* ``gridbot_event_loop_busy_seconds``: the part of it the loop's own thread spent on the CPU
  (``min(overshoot, thread CPU time during the sleep)``), i.e. the loop blocked by our own code,
  without the time the operating system gave to other processes. Blocking I/O that does not use
  the CPU (a slow disk) shows only in the first.

Each is a histogram plus a ``..._max_seconds`` gauge holding the largest of the last ``WINDOW``
seconds (a scraper polling every few seconds sees every spike). Started with the web server
(bot/web/metrics.py), so every ``gridbot run`` measures itself; bench.http_load reads them.
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
BUSY = Histogram("gridbot_event_loop_busy_seconds",
                 "The part of an event-loop lag the loop's thread spent on the CPU (blocked by our own code)",
                 buckets=BUCKETS, registry=REGISTRY)
BUSY_MAX = Gauge("gridbot_event_loop_busy_max_seconds", "Largest busy event-loop lag of the last 10 seconds",
                 registry=REGISTRY)


class WindowMax:
    """The largest value of the last ``window`` seconds (a monotonic queue: O(1) per value)."""

    def __init__(self, window: float) -> None:
        self.window = window
        self.recent: deque[tuple[float, float]] = deque()  # (when, value), values decreasing

    def add(self, now: float, value: float) -> float:
        while self.recent and self.recent[-1][1] <= value:
            self.recent.pop()
        self.recent.append((now, value))
        while self.recent[0][0] < now - self.window:
            self.recent.popleft()
        return self.recent[0][1]


class LoopLagProbe:
    def __init__(self, interval: float = INTERVAL, window: float = WINDOW) -> None:
        self.interval = interval
        self.lag, self.busy = WindowMax(window), WindowMax(window)
        self._task: asyncio.Task | None = None

    def observe(self, now: float, lag: float, busy: float) -> None:
        LAG.observe(lag)
        BUSY.observe(busy)
        LAG_MAX.set(self.lag.add(now, lag))
        BUSY_MAX.set(self.busy.add(now, busy))

    async def run(self) -> None:
        while True:
            asked, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            lag = max(0.0, now - asked - self.interval)
            self.observe(now, lag, min(lag, time.thread_time() - cpu))

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
