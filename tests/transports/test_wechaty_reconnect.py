"""Reconnect with backoff and the silence watchdog, on the real python-wechaty."""
import asyncio
import random
import socket
import sys

import pytest
from wechaty_env import require_wechaty  # noqa: E402

require_wechaty()

from bot.transports import wechaty_compat  # noqa: E402

wechaty_compat.import_wechaty()

from wechaty_memory_puppet import MemoryPuppet  # noqa: E402

from bot.transports.wechaty_adapter import WechatyTransport  # noqa: E402


class ManualClock:
    """Time moves only when the test says so; sleepers wake when it passes them."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleepers: list[tuple[float, asyncio.Future]] = []
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        fut = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.t + seconds, fut))
        await fut

    async def settle(self) -> None:
        for _ in range(50):
            await asyncio.sleep(0)

    async def advance(self, seconds: float, step: float = 1.0) -> None:
        end = self.t + seconds
        while self.t < end:
            self.t = min(end, self.t + step)
            for item in list(self.sleepers):
                if item[0] <= self.t + 1e-9:
                    self.sleepers.remove(item)
                    if not item[1].done():
                        item[1].set_result(None)
            await self.settle()


@pytest.fixture(autouse=True)
def clean_caches():
    wechaty_compat.reset_caches()
    yield
    wechaty_compat.reset_caches()


async def noop(m):
    pass


async def test_start_failures_back_off_exponentially_then_connect():
    clock = ManualClock()
    puppet = MemoryPuppet()
    puppet.fail_starts = 3
    t = WechatyTransport(puppet=puppet, clock=clock, jitter=0, backoff_base=2, backoff_max=5,
                         silence_timeout=1000, check_interval=100)
    await t.start(noop)
    await clock.settle()
    assert t.state == "backoff" and puppet.starts == 1
    await clock.advance(2)   # 1st retry after 2 s
    assert puppet.starts == 2
    await clock.advance(4)   # 2nd after 4 s
    assert puppet.starts == 3
    await clock.advance(5)   # 3rd capped at 5 s
    assert puppet.starts == 4
    await t.wait_ready(1)
    assert t.state == "online"
    h = t.health()
    assert h["failures"] == 3 and "gateway unreachable" in h["last_error"] and h["connects"] == 4
    await t.stop()
    assert t.state == "stopped"


async def test_silence_triggers_reconnect_and_heartbeats_prevent_it():
    clock = ManualClock()
    puppet = MemoryPuppet()
    t = WechatyTransport(puppet=puppet, clock=clock, jitter=0, backoff_base=1,
                         silence_timeout=60, check_interval=5)
    await t.start(noop)
    await t.wait_ready(1)
    # heartbeats every 20 s keep the connection for 3 minutes
    for _ in range(9):
        await clock.advance(20)
        await puppet.inject_heartbeat()
    assert puppet.starts == 1 and t.state == "online"
    # then the service goes quiet: reconnect after 60 s of silence, 1 s backoff
    await clock.advance(61)
    await clock.advance(2)
    assert puppet.starts == 2
    await t.wait_ready(1)
    assert t.health()["failures"] == 1 and "no event" in t.health()["last_error"]
    # the new connection works: messages still arrive, exactly once per listener
    got = []

    async def collect(m):
        got.append(m.text)

    t._on_message = collect
    await puppet.inject_message(from_id="someone", text="hi")
    assert got == ["hi"]
    await t.stop()


async def test_stream_end_reconnects_and_backoff_resets_after_login():
    clock = ManualClock()
    puppet = MemoryPuppet()
    t = WechatyTransport(puppet=puppet, clock=clock, jitter=0, backoff_base=3,
                         silence_timeout=1000, check_interval=100)
    await t.start(noop)
    await t.wait_ready(1)
    puppet.drop_connection()
    await clock.settle()
    assert t.state == "backoff" and clock.slept[-1] == 3  # first delay: base
    await clock.advance(3)
    await t.wait_ready(1)
    assert puppet.starts == 2
    await t.stop()


def test_backoff_jitter_is_seedable():
    a = WechatyTransport(puppet=object(), rng=random.Random(5), jitter=0.2)
    b = WechatyTransport(puppet=object(), rng=random.Random(5), jitter=0.2)
    assert [a.backoff(i) for i in range(6)] == [b.backoff(i) for i in range(6)]
    assert all(0.8 * min(300, 2 * 2**i) <= a.backoff(i) <= 1.2 * min(300, 2 * 2**i) for i in range(10))


def test_needs_puppet_or_service_config():
    with pytest.raises(ValueError):
        WechatyTransport()
    with pytest.raises(ValueError):
        WechatyTransport.from_env({})
    t = WechatyTransport.from_env({"WECHATY_PUPPET_SERVICE_TOKEN": "insecure_abc",
                                   "WECHATY_PUPPET_SERVICE_ENDPOINT": "10.0.0.5:8788"})
    assert (t._token, t._endpoint) == ("insecure_abc", "10.0.0.5:8788")


# --- compat shims ------------------------------------------------------------

def test_shims_applied_only_where_needed():
    import pyee
    import urllib3

    assert hasattr(pyee, "AsyncIOEventEmitter")
    assert urllib3.get_host("https://example.com:8443/x") == ("https", "example.com", 8443)
    assert urllib3.get_host("example.com") == ("http", "example.com", None)
    from wechaty_puppet.schemas.puppet import PuppetOptions

    assert PuppetOptions.__hash__ is not None
    # each shim records itself once, only if it patched something
    assert len(wechaty_compat.APPLIED) == len(set(wechaty_compat.APPLIED))


def test_telnetlib_stand_in(monkeypatch):
    monkeypatch.setitem(sys.modules, "telnetlib", None)  # as on Python 3.13
    monkeypatch.setattr(wechaty_compat, "APPLIED", [])
    wechaty_compat._shim_telnetlib()
    stand_in = sys.modules["telnetlib"]
    assert wechaty_compat.APPLIED == ["telnetlib stand-in"]
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        stand_in.Telnet().open("127.0.0.1", port=port, timeout=2)  # open port: no error
    with pytest.raises(OSError):
        stand_in.Telnet().open("127.0.0.1", port=port, timeout=2)  # closed now
