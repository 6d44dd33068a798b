"""Send-rate limiters with an injectable clock.

Pure bookkeeping: each limiter answers "how long must I wait before sending
to this key?" (``delay``) and is told when a send happened (``record``).
``acquire`` combines the two using the clock's ``sleep``, so tests pass a
``FakeClock`` whose sleep just advances time.

Defaults come from shared/notes: ≤ 40 messages a minute per wechaty account,
≥ 3 s between messages to one room, a random 3–5 s pause when switching
conversation, 20 a minute per WeCom group robot.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from typing import TYPE_CHECKING, Hashable, Protocol

if TYPE_CHECKING:
    from bot.transports.base import SendLimits


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class MonotonicClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock for tests: ``sleep`` advances time instantly and is recorded."""

    def __init__(self, start: float = 0.0) -> None:
        self.t = float(start)
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.t += seconds


class _Acquire:
    """``acquire``: wait on the limiter's clock until its ``delay`` says go, then ``record``."""

    async def acquire(self, key: Hashable) -> float:
        waited = 0.0
        while (d := self.delay(key)) > 0:
            await self.clock.sleep(d)
            waited += d
        self.record(key)
        return waited


class SlidingWindowLimiter(_Acquire):
    """At most ``limit`` sends per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0, clock: Clock | None = None) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit = limit
        self.window = window
        self.clock = clock or MonotonicClock()
        self._sent: dict[Hashable, deque[float]] = {}

    def _trim(self, key: Hashable, now: float) -> deque[float]:
        q = self._sent.get(key)
        if q is None:
            q = self._sent[key] = deque()
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def delay(self, key: Hashable) -> float:
        now = self.clock.now()
        q = self._trim(key, now)
        if len(q) < self.limit:
            return 0.0
        # The oldest send that must leave the window before one more fits.
        return max(0.0, q[len(q) - self.limit] + self.window - now)

    def record(self, key: Hashable) -> None:
        now = self.clock.now()
        self._trim(key, now).append(now)

    def count(self, key: Hashable) -> int:
        return len(self._trim(key, self.clock.now()))


class MinGapLimiter(_Acquire):
    """At least ``gap`` seconds between two sends to the same key."""

    def __init__(self, gap: float = 3.0, clock: Clock | None = None) -> None:
        self.gap = gap
        self.clock = clock or MonotonicClock()
        self._last: dict[Hashable, float] = {}

    def delay(self, key: Hashable) -> float:
        last = self._last.get(key)
        if last is None:
            return 0.0
        return max(0.0, last + self.gap - self.clock.now())

    def record(self, key: Hashable) -> None:
        self._last[key] = self.clock.now()


class SwitchPause(_Acquire):
    """A random pause (``low``–``high`` s) when the conversation changes.

    Counted from the previous send: if that long has already passed, no pause.
    Seed ``rng`` for reproducible tests. One instance per account.
    """

    def __init__(
        self,
        low: float = 3.0,
        high: float = 5.0,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if low < 0 or high < low:
            raise ValueError("need 0 ≤ low ≤ high")
        self.low = low
        self.high = high
        self.clock = clock or MonotonicClock()
        self.rng = rng or random.Random()
        self._last_key: Hashable | None = None
        self._last_at: float | None = None
        self._pending: float | None = None  # the pause drawn for the next switch

    def delay(self, key: Hashable) -> float:
        if self._last_key is None or key == self._last_key or self._last_at is None:
            return 0.0
        if self._pending is None:
            self._pending = self.rng.uniform(self.low, self.high)
        return max(0.0, self._last_at + self._pending - self.clock.now())

    def record(self, key: Hashable) -> None:
        self._last_key = key
        self._last_at = self.clock.now()
        self._pending = None


class CompositeLimiter:
    """Several limiters, each with a function picking its key from the send.

    ``acquire(**parts)`` waits until every limiter allows the send, then
    records it in all of them. Example::

        CompositeLimiter(clock, [
            (SlidingWindowLimiter(40, 60, clock), lambda account, room: account),
            (MinGapLimiter(3, clock), lambda account, room: room),
        ])
    """

    def __init__(self, clock: Clock, parts: list[tuple[object, object]]) -> None:
        self.clock = clock
        self.parts = parts

    def delay(self, **kw) -> float:
        return max((lim.delay(keyf(**kw)) for lim, keyf in self.parts), default=0.0)

    async def acquire(self, **kw) -> float:
        waited = 0.0
        while (d := self.delay(**kw)) > 0:
            await self.clock.sleep(d)
            waited += d
        for lim, keyf in self.parts:
            lim.record(keyf(**kw))
        return waited


class Throttle:
    """Every limit of ``SendLimits`` for one account, answering for (conversation, rate key)."""

    def __init__(self, limits: "SendLimits", clock: Clock, rng: random.Random | None = None) -> None:
        self.limits, self.clock = limits, clock
        self.account = SlidingWindowLimiter(limits.per_account, limits.window, clock) if limits.per_account else None
        self.gap = MinGapLimiter(limits.conversation_gap, clock) if limits.conversation_gap else None
        low_high = limits.switch_pause
        self.switch = SwitchPause(low_high[0], low_high[1], clock, rng) if low_high else None
        self.per_key = SlidingWindowLimiter(limits.per_key, limits.window, clock) if limits.per_key else None

    def delay(self, conversation: str, key: Hashable | None) -> float:
        d = 0.0
        if self.account:
            d = max(d, self.account.delay("account"))
        if self.gap:
            d = max(d, self.gap.delay(conversation))
        if self.switch:
            d = max(d, self.switch.delay(conversation))
        if self.per_key and key is not None:
            d = max(d, self.per_key.delay(key))
        return d

    def record(self, conversation: str, key: Hashable | None) -> None:
        for lim, k in ((self.account, "account"), (self.gap, conversation), (self.switch, conversation)):
            if lim:
                lim.record(k)
        if self.per_key and key is not None:
            self.per_key.record(key)

    async def wait(self, conversation: str, key: Hashable | None) -> None:
        while (d := self.delay(conversation, key)) > 0:
            await self.clock.sleep(d)
