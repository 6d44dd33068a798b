"""An account logs out over real gRPC, its messages move or wait, the staff are told, it returns
(issue 16, item 3).

One process (a ``Runtime`` with ``ACCOUNTS=wx-a,wx-b``, as ``gridbot run`` builds it) drives two
accounts, each through its own local puppet-service gateway. Account A is preferred in the
shared group and alone in its own group. Four messages go to each; A's gateway logs A out
(``POST /logout``): the transport reports it, the account is recorded logged out, the shared
group's waiting messages move to B, A's own group waits, and the secretary is told through B.
A's gateway is then restarted (its mock logs A in again): A resumes its group, in order.
Every message reaches its group exactly once.
"""
from __future__ import annotations

import asyncio
import threading
import time

import pytest
from wechaty_env import require_wechaty

require_wechaty()

from sqlalchemy import select  # noqa: E402
from wechaty_gateway import TOKEN, Gateway, GatewayUnavailable, install, required  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.db.models import OutboxMessage, Person, PersonRole, Room  # noqa: E402
from bot.db.models_accounts import LOGGED_OUT, ONLINE, Account  # noqa: E402
from bot.messages import Outgoing  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.services import accounts, outbox  # noqa: E402
from bot.transports.wechaty_compat import reset_caches  # noqa: E402
from tests.conftest import BACKEND, _truncate_all  # noqa: E402

SHARED, ONLY_A = "shared@chatroom", "a-own@chatroom"


def world(bot: str, rooms: list[str]) -> dict:
    return {"bot": {"id": bot, "name": f"网格通{bot[-1]}"}, "contacts": [{"id": "sec", "name": "王书记"}],
            "rooms": [{"id": r, "topic": r, "members": ["sec"]} for r in rooms]}


@pytest.fixture
def gateways():
    try:
        directory = install()
        gws = {"wx-a": Gateway(directory, world("bot-a", [SHARED, ONLY_A])),
               "wx-b": Gateway(directory, world("bot-b", [SHARED]))}
        threads = [threading.Thread(target=g.start) for g in gws.values()]  # both at once
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


async def until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_a_logout_moves_what_it_can_holds_the_rest_alerts_and_resumes_in_order(
        database_url, gateways, monkeypatch):
    reset_caches()
    for name, gw in gateways.items():
        creds = name.upper().replace("-", "_")
        monkeypatch.setenv(f"{creds}_ENDPOINT", gw.endpoint)
        monkeypatch.setenv(f"{creds}_TOKEN", TOKEN)
    settings = Settings(_env_file=None, database_url=database_url, transport="wechaty", accounts="wx-a,wx-b",
                        scheduler_enabled=False, account_check_seconds=0.2, wechaty_per_minute=0,
                        wechaty_room_gap_seconds=0, wechaty_switch_pause_min=0.3, wechaty_switch_pause_max=0.3,
                        outbox_backoff_seconds=0.2, outbox_backoff_max_seconds=1.0, outbox_max_attempts=60)
    runtime = Runtime(settings)
    for t in runtime.transports.values():  # reconnect sooner than the default backoff
        t.backoff_base, t.backoff_max = 0.2, 1.0
    if BACKEND == "postgres":
        await _truncate_all(runtime.db)
    await runtime.load_demo_if_empty()
    async with runtime.db.transaction() as session:
        for room in (SHARED, ONLY_A):
            session.add(Room(id="wx:" + room, community_id="xingfuli", kind="grid", name=room))
        session.add(Person(id="wx:sec", name="王书记"))
        await session.flush()
        session.add(PersonRole(person_id="wx:sec", community_id="xingfuli", role="secretary"))
        await accounts.place(session=session, room_id="wx:" + SHARED, account_id="wx-a", preferred=True)
        await accounts.place(session=session, room_id="wx:" + ONLY_A, account_id="wx-a", preferred=True)
        await accounts.place(session=session, room_id="wx:" + SHARED, account_id="wx-b")
    await runtime.start(serve_http=False)
    a_before: list[dict] = []
    try:
        for t in runtime.transports.values():
            await t.wait_ready(20)
        async with runtime.db.transaction() as session:
            await outbox.enqueue(session=session, cause="t", messages=[
                Outgoing(text=f"{room} 第{i}条", room_id="wx:" + room) for i in range(4) for room in (SHARED, ONLY_A)])
        runtime.wake()
        await until(lambda: asyncio.to_thread(lambda: len(gateways["wx-a"].sent()) >= 1), 15, "A's first send")
        await asyncio.to_thread(gateways["wx-a"].call, "POST", "/logout", {})

        async def state(name: str) -> str:
            async with runtime.db.sessions() as session:
                return (await session.get(Account, name)).state
        await until(lambda: _eq(state("wx-a"), LOGGED_OUT), 15, "A recorded logged out")

        async def b_has_shared() -> bool:
            got = await asyncio.to_thread(gateways["wx-b"].sent)
            return sum(1 for s in got if s["conversation"] == SHARED) + sum(
                1 for s in gateways["wx-a"].sent() if s["conversation"] == SHARED) >= 4
        await until(b_has_shared, 15, "the shared group's messages through B")

        async def told() -> bool:  # the secretary is told, privately, through B
            got = await asyncio.to_thread(gateways["wx-b"].sent)
            return any(s["conversation"] == "sec" and "退出登录" in s["text"] for s in got)
        await until(told, 15, "the alert through B")
        async with runtime.db.sessions() as session:
            waiting = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent",
                                                                      OutboxMessage.room_id.is_not(None))))
        assert waiting and {(r.room_id, r.account_id) for r in waiting} == {("wx:" + ONLY_A, "wx-a")}

        a_before = await asyncio.to_thread(gateways["wx-a"].sent)
        await asyncio.to_thread(gateways["wx-a"].restart)  # a new login (the mock logs in at start)
        await until(lambda: _eq(state("wx-a"), ONLINE), 30, "A back online")

        async def a_done() -> bool:
            got = await asyncio.to_thread(gateways["wx-a"].sent)
            return sum(1 for s in a_before + got if s["conversation"] == ONLY_A) >= 4
        await until(a_done, 15, "A's own group resumed")
        await asyncio.sleep(0.5)
        a_after = await asyncio.to_thread(gateways["wx-a"].sent)
    finally:
        await runtime.stop()
        reset_caches()
    b_sent = gateways["wx-b"].sent()
    for room, sends in ((SHARED, [s for s in a_before + b_sent if s["conversation"] == SHARED]),
                        (ONLY_A, [s for s in a_before + a_after if s["conversation"] == ONLY_A])):
        assert [s["text"] for s in sends] == [f"{room} 第{i}条" for i in range(4)], (room, sends)
    assert not [s for s in b_sent if s["conversation"] == ONLY_A]  # B is not in A's own group


async def _eq(value, expected) -> bool:
    return (await value) == expected
