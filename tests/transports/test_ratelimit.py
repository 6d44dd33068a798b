import random

import pytest

from bot.transports.ratelimit import (
    CompositeLimiter,
    FakeClock,
    MinGapLimiter,
    SlidingWindowLimiter,
    SwitchPause,
)


def test_sliding_window_allows_limit_then_waits_for_oldest():
    clock = FakeClock(100)
    lim = SlidingWindowLimiter(3, 60, clock)
    for _ in range(3):
        assert lim.delay("r") == 0
        lim.record("r")
        clock.advance(10)
    # sends at 100, 110, 120; now 130 -> the 100 one leaves at 160
    assert lim.delay("r") == pytest.approx(30)
    assert lim.delay("other") == 0
    clock.advance(30)
    assert lim.delay("r") == 0


async def test_sliding_window_never_exceeds_limit_in_any_window():
    clock = FakeClock(0)
    lim = SlidingWindowLimiter(20, 60, clock)
    times = []
    for _ in range(100):
        await lim.acquire("robot")
        times.append(clock.now())
    for i, t in enumerate(times):
        in_window = [u for u in times[i:] if u < t + 60]
        assert len(in_window) <= 20
    # ...and it is not needlessly slow: 100 sends need exactly 4 full windows.
    assert times[-1] == pytest.approx(240)


async def test_sliding_window_acquire_uses_clock_sleep():
    clock = FakeClock(0)
    lim = SlidingWindowLimiter(1, 60, clock)
    assert await lim.acquire("k") == 0
    assert await lim.acquire("k") == pytest.approx(60)
    assert clock.sleeps == [pytest.approx(60)]


def test_sliding_window_validates():
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0)


async def test_min_gap_per_key():
    clock = FakeClock(0)
    gap = MinGapLimiter(3.0, clock)
    await gap.acquire("room1")
    assert gap.delay("room1") == pytest.approx(3)
    assert gap.delay("room2") == 0
    clock.advance(1)
    assert gap.delay("room1") == pytest.approx(2)
    waited = await gap.acquire("room1")
    assert waited == pytest.approx(2)
    assert clock.now() == pytest.approx(3)


async def test_switch_pause_only_when_conversation_changes_and_is_seeded():
    def run(seed):
        clock = FakeClock(0)
        return clock, SwitchPause(3, 5, clock, random.Random(seed))

    clock, sp = run(7)
    await sp.acquire("a")
    assert await sp.acquire("a") == 0  # same conversation: no pause
    w1 = await sp.acquire("b")
    assert 3 <= w1 <= 5
    clock2, sp2 = run(7)
    await sp2.acquire("a")
    await sp2.acquire("a")
    assert await sp2.acquire("b") == pytest.approx(w1)  # reproducible


async def test_switch_pause_counts_time_already_passed():
    clock = FakeClock(0)
    sp = SwitchPause(3, 5, clock, random.Random(1))
    await sp.acquire("a")
    clock.advance(10)
    assert await sp.acquire("b") == 0
    clock.advance(1)
    d = sp.delay("c")
    assert 2 <= d <= 4
    # The drawn pause is stable until a send happens.
    assert sp.delay("c") == d


async def test_composite_account_and_room_limits():
    clock = FakeClock(0)
    comp = CompositeLimiter(
        clock,
        [
            (SlidingWindowLimiter(40, 60, clock), lambda account, room: account),
            (MinGapLimiter(3, clock), lambda account, room: room),
            (SwitchPause(3, 5, clock, random.Random(3)), lambda account, room: room),
        ],
    )
    sends = []
    for _ in range(10):
        await comp.acquire(account="bot", room="r1")
        sends.append(("r1", clock.now()))
    for a, b in zip(sends, sends[1:]):
        assert b[1] - a[1] >= 3 - 1e-9
    before = clock.now()
    await comp.acquire(account="bot", room="r2")
    assert 3 <= clock.now() - before <= 5
