"""Runtime.stop: a part that never returns cannot keep the process (or a test's teardown) from ending.

Seen once in CI (stop 28): a wechaty gRPC test's teardown waited in Runtime.stop for more than ten minutes."""
import asyncio
import time

from bot import runtime


async def test_a_part_that_never_stops_is_left_behind_after_the_bound(caplog):
    async def stuck() -> None:
        try:  # swallows the first cancellation, as a misbehaving library can (the loop's own teardown ends it)
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await asyncio.sleep(3600)

    started = time.monotonic()
    await runtime._bounded("transport default", stuck(), seconds=0.2)
    assert time.monotonic() - started < 2
    assert "stopping the transport default took longer than" in caplog.text


async def test_a_part_that_fails_is_logged_and_the_stop_goes_on(caplog):
    async def broken() -> None:
        raise RuntimeError("gRPC channel already closed")

    await runtime._bounded("transport default", broken(), seconds=1)
    assert "stopping the transport default failed" in caplog.text


async def test_a_part_that_stops_in_time_says_nothing(caplog):
    await runtime._bounded("scheduler", asyncio.sleep(0.01), seconds=1)
    assert caplog.text == ""
