"""A fake platform for outbox tests: records every send with the (fake) time it happened."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Callable

from bot.messages import Outgoing
from bot.transports.base import NO_LIMITS, SendLimits, Transport, split_text
from bot.transports.ratelimit import FakeClock

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
WECHATY_LIMITS = SendLimits(per_account=40, window=60.0, conversation_gap=3.0, switch_pause=(3.0, 5.0))


def wall_of(clock: FakeClock) -> Callable[[], datetime]:
    """Database time that moves with the fake clock."""
    return lambda: T0 + timedelta(seconds=clock.now())


class Crash(BaseException):
    """A simulated process death: not an Exception, so nothing in the sender catches it."""


class FakePlatform(Transport):
    """``fail``: called with (message, key); return an exception to raise, or None.

    ``durable_keys``: remember idempotency keys across "restarts" (a platform
    that dedupes); otherwise only this instance remembers them.
    """

    name = "fake"

    def __init__(self, clock: FakeClock, *, limits: SendLimits = NO_LIMITS, max_chars: int | None = None,
                 fail=None, idempotent: bool = True, durable_keys: set | None = None,
                 log: list | None = None) -> None:
        self.clock, self.limits, self.max_chars, self.fail = clock, limits, max_chars, fail
        self.accepts_idempotency_key = idempotent
        self.keys = durable_keys if durable_keys is not None else set()
        # what reached the platform; pass one list to several instances for a global order
        self.log: list[tuple[float, Outgoing, str | None]] = log if log is not None else []
        self.calls = 0

    async def start(self, on_message) -> None:
        self.on_message = on_message

    async def stop(self) -> None:
        pass

    def split_text(self, text: str) -> list[str]:
        return split_text(text, self.max_chars) if self.max_chars else [text]

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        self.calls += 1
        await asyncio.sleep(0)  # a real network call yields to other tasks
        if idempotency_key is not None and idempotency_key in self.keys:
            return  # the platform already has it
        error = self.fail(message, idempotency_key) if self.fail else None
        if isinstance(error, Exception):
            raise error
        self.log.append((self.clock.now(), message, idempotency_key))
        if idempotency_key is not None:
            self.keys.add(idempotency_key)
        if isinstance(error, Crash):
            raise error  # delivered, then the process died before marking it

    def health(self) -> dict:
        return {"transport": self.name, "sent": len(self.log)}

    def texts(self, conversation: str | None = None) -> list[str]:
        return [m.text for _, m, _ in self.log if conversation is None or (m.room_id or f"to:{m.to}") == conversation]


def check_limits(log: list[tuple[float, Outgoing, str | None]], limits: SendLimits) -> None:
    """Assert that the send times in ``log`` never broke ``limits``."""
    times = [t for t, _, _ in log]
    convs = [m.room_id or f"to:{m.to}" for _, m, _ in log]
    eps = 1e-9
    if limits.per_account:
        n = limits.per_account
        for i in range(n, len(times)):
            assert times[i] - times[i - n] >= limits.window - eps, f"more than {n} sends in a window at {i}"
    last: dict[str, float] = {}
    for i, (t, c) in enumerate(zip(times, convs)):
        if limits.conversation_gap and c in last:
            assert t - last[c] >= limits.conversation_gap - eps, f"gap broken at {i}"
        if limits.switch_pause and i and convs[i - 1] != c:
            assert t - times[i - 1] >= limits.switch_pause[0] - eps, f"switch pause broken at {i}"
        last[c] = t
