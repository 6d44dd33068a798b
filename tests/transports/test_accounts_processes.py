"""Two accounts, two ``gridbot run`` processes, one PostgreSQL, a kill -9 mid-broadcast (issue 16, item 2).

Real processes against the real database: each process drives its own account
(``ACCOUNTS=wx-a`` / ``wx-b``) through its own local puppet-service gateway
(tests/gateway/, one event stream each). A notice to 20 groups is queued: 6 groups
have only account A, 6 only B, 8 both, so binding spreads it 10 and 10. Once A has
delivered a few, its process is killed with SIGKILL (frozen first, and killed when
the database shows it holds no row in flight, so the kill lands between two sends,
never inside one: a kill inside a send may repeat that one message, see bot/sender.py);
B goes on with its own rows and never touches A's; a replacement process for A takes
A's remaining rows. Then every group got the
notice exactly once, from the account bound to it, as the gateways and the rows say.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import select

from tests.conftest import BACKEND, _truncate_all

if BACKEND != "postgres":
    pytest.skip("several processes share PostgreSQL only", allow_module_level=True)

from wechaty_env import require_wechaty  # noqa: E402

require_wechaty()

from wechaty_gateway import TOKEN, Gateway, GatewayUnavailable, free_port, install, required  # noqa: E402

from bot.db.engine import Database  # noqa: E402
from bot.db.models import OutboxMessage  # noqa: E402
from bot.messages import Outgoing  # noqa: E402
from bot.services import accounts, outbox  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ONLY_A = [f"a{i}@chatroom" for i in range(6)]
ONLY_B = [f"b{i}@chatroom" for i in range(6)]
SHARED = [f"s{i}@chatroom" for i in range(8)]
PAUSE = 0.3  # seconds between two sends of one account (the switch pause, shortened)


def world(bot: str, rooms: list[str]) -> dict:
    return {"bot": {"id": bot, "name": f"网格通{bot[-1].upper()}"}, "contacts": [{"id": "zhao", "name": "赵阿姨"}],
            "rooms": [{"id": r, "topic": r, "members": ["zhao"]} for r in rooms]}


@pytest.fixture
def gateways():
    try:
        directory = install()
        gws = {"wx-a": Gateway(directory, world("bot-a", ONLY_A + SHARED)),
               "wx-b": Gateway(directory, world("bot-b", ONLY_B + SHARED))}
        threads = [threading.Thread(target=g.start) for g in gws.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for g in gws.values():
            if g.proc is None:
                raise GatewayUnavailable(g.tail())
    except GatewayUnavailable as exc:
        if required():
            pytest.fail(f"the wechaty test gateway is required under CI: {exc}")
        pytest.skip(f"no local wechaty gateway: {exc}")
    try:
        yield gws
    finally:
        for g in gws.values():
            g.stop()


class BotProcess:
    def __init__(self, url: str, account: str, gateway: Gateway) -> None:
        self.url, self.account, self.gateway = url, account, gateway
        self.port = free_port()
        self.log = os.path.join(tempfile.mkdtemp(prefix=f"gridbot-{account}-"), "bot.log")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        creds = self.account.upper().replace("-", "_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBOT_", "DATABASE_", "HTTP_", "API_"))}
        env.update(PYTHONPATH=REPO, DATABASE_URL=self.url, TRANSPORT="wechaty", ACCOUNTS=self.account,
                   **{f"{creds}_ENDPOINT": self.gateway.endpoint, f"{creds}_TOKEN": TOKEN},
                   HTTP_HOST="127.0.0.1", HTTP_PORT=str(self.port), API_TOKEN="t" * 32, LOG_LEVEL="WARNING",
                   PYTHONUNBUFFERED="1", WECHATY_PER_MINUTE="0", WECHATY_ROOM_GAP_SECONDS="0",
                   WECHATY_SWITCH_PAUSE_MIN=str(PAUSE), WECHATY_SWITCH_PAUSE_MAX=str(PAUSE),
                   ACCOUNT_CHECK_SECONDS="0.5", OUTBOX_BACKOFF_SECONDS="0.2", OUTBOX_BACKOFF_MAX_SECONDS="1",
                   WECHATY_LOG="warn", CACHE_DIR=tempfile.mkdtemp(prefix="wechaty-cache-"))
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=tempfile.mkdtemp(),
                                         env=env, stdout=out, stderr=subprocess.STDOUT)

    def online(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.account} exited {self.proc.returncode}:\n{self.tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                health = json.loads(r.read())
        except OSError:
            return False
        return any(a.get("id") == self.account and a["state"] == "online" for a in health["accounts"])

    def tail(self) -> str:
        with open(self.log, errors="replace") as f:
            return f.read()[-3000:]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


def notices(gw: Gateway) -> list[str]:
    return [s["conversation"] for s in gw.sent() if s["text"].startswith("【通知】")]


async def rows_of(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_two_accounts_two_processes_a_kill9_mid_broadcast_every_group_once_by_its_account(
        database_url, gateways):
    started = time.monotonic()
    db = Database(database_url)
    await _truncate_all(db)
    async with db.transaction() as session:
        for room in ONLY_A + SHARED:
            await accounts.place(session=session, room_id="wx:" + room, account_id="wx-a", preferred=room in ONLY_A)
        for room in ONLY_B + SHARED:
            await accounts.place(session=session, room_id="wx:" + room, account_id="wx-b", preferred=room in ONLY_B)
    bots = {name: BotProcess(database_url, name, gw) for name, gw in gateways.items()}
    replacement = BotProcess(database_url, "wx-a", gateways["wx-a"])
    try:
        for b in bots.values():
            b.start()
        for b in bots.values():
            await until(b.online, 60, f"{b.account} online")
        ready = time.monotonic() - started
        async with db.transaction() as session:
            await outbox.enqueue(session=session, cause="broadcast:test", messages=[
                Outgoing(text=f"【通知】{room} 明天上午9点停水", room_id="wx:" + room)
                for room in ONLY_A + ONLY_B + SHARED])
        bound = {r.room_id[3:]: r.account_id for r in await rows_of(db)}
        assert Counter(bound.values()) == {"wx-a": 10, "wx-b": 10}
        assert all(bound[r] == "wx-a" for r in ONLY_A) and all(bound[r] == "wx-b" for r in ONLY_B)

        # kill -9 the process of A once it has sent a few, between two of its sends
        a = bots["wx-a"]
        await until(lambda: len(notices(gateways["wx-a"])) >= 3, 30, "A's first sends")
        while True:
            a.proc.send_signal(signal.SIGSTOP)
            async with db.sessions() as session:
                in_flight = await session.scalar(select(OutboxMessage.id).where(
                    OutboxMessage.account_id == "wx-a", OutboxMessage.status == "sending").limit(1))
            if in_flight is None:
                break
            a.proc.send_signal(signal.SIGCONT)
            await asyncio.sleep(0.05)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait()
        sent_by_a_before = len(notices(gateways["wx-a"]))
        assert sent_by_a_before < 10, "A finished before the kill"
        waiting = [r for r in await rows_of(db) if r.status != "sent" and r.account_id == "wx-a"]
        assert len(waiting) == 10 - sent_by_a_before and {r.status for r in waiting} == {"pending"}
        # a replacement for A (started at once; booting takes seconds) takes A's rows back,
        # while B goes on with its own rows and never touches A's (the gateways say so below)
        replacement.start()
        await until(lambda: len(notices(gateways["wx-b"])) >= 10, 30, "B's sends")
        await until(lambda: len(notices(gateways["wx-a"])) >= 10, 60, "the replacement's sends")
        await asyncio.sleep(2 * PAUSE)
        finished = time.monotonic() - started
    finally:
        everyone = (*bots.values(), replacement)
        for b in everyone:
            if b.proc is not None and b.proc.poll() is None:
                b.proc.terminate()  # all at once; each stops in a second or two
        for b in everyone:
            b.stop()
    got = {name: notices(gw) for name, gw in gateways.items()}
    for name, rooms in got.items():
        assert len(rooms) == len(set(rooms)), f"{name} sent a group twice: {Counter(rooms).most_common(2)}"
        assert sorted(rooms) == sorted(r for r, acc in bound.items() if acc == name), name
    rows = await rows_of(db)
    assert {r.status for r in rows} == {"sent"} and len(rows) == 20
    await db.dispose()
    print(f"\nprocesses: ready {ready:.1f}s, A killed after {sent_by_a_before}/10, all 20 once by their "
          f"account in {finished:.1f}s")
