"""Accounts (issue 16, items 1 and 3): binding at enqueue, senders per account, failure and return.

The demo community's rooms with two accounts: 'acc-a' is preferred in the east group and
alone in the west group, 'acc-b' is also in the east group and alone (preferred) in the
members' group. Senders are real ``OutboxSender``s, one per account, with recording transports.
"""
from __future__ import annotations

from sqlalchemy import select

from bench.accounts import notice, report
from bot.db.models import OutboxMessage
from bot.db.models_accounts import LIMITED, LOGGED_OUT, ONLINE, Account, RoomAccount
from bot.fleet import Watcher, specs
from bot.messages import IncomingMessage, Outgoing
from bot.sender import OutboxSender
from bot.services import accounts, outbox
from bot.transports.base import SendError, SendLimits, Transport
from tests.harness import EAST, GRID_WORKER, MEMBERS, RES_ZHAO, SECRETARY, WEST

A, B = "acc-a", "acc-b"


class Phone(Transport):
    """One account's platform connection: records what it sent; can refuse as "too frequent"."""

    name = "phone"

    def __init__(self, account: str, log: list, limits: SendLimits | None = None) -> None:
        self.account, self.log = account, log
        self.limits = limits or SendLimits()
        self.refuse = False
        self.state = "online"

    async def start(self, on_message) -> None:
        pass

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        if self.refuse:
            raise SendError("发送消息过于频繁", account_state=LIMITED)
        self.log.append((self.account, message.room_id or f"to:{message.to}", message.text))

    def health(self) -> dict:
        return {"transport": self.name, "state": self.state}


async def world(db) -> None:
    async with db.transaction() as session:
        for name in (A, B):
            await accounts.register(session=session, account_id=name, platform="phone", driven_by=f"test:{name}")
        await accounts.place(session=session, room_id=EAST, account_id=A, preferred=True)
        await accounts.place(session=session, room_id=EAST, account_id=B)
        await accounts.place(session=session, room_id=WEST, account_id=A, preferred=True)
        await accounts.place(session=session, room_id=MEMBERS, account_id=B, preferred=True)


async def queue(db, messages: list[Outgoing], cause: str = "t") -> None:
    async with db.transaction() as session:
        await outbox.enqueue(session=session, messages=messages, cause=cause)


async def bound(db) -> list[tuple[str | None, str | None, str, str]]:
    async with db.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(r.room_id, r.to_person, r.text, r.account_id) for r in rows]


def senders(db, log: list) -> dict[str, OutboxSender]:
    return {name: OutboxSender(db, Phone(name, log), account=name, owner=f"test:{name}") for name in (A, B)}


async def test_rows_with_no_account_known_go_to_the_default_account(bot):
    await queue(bot.runtime.db, [Outgoing(text="x", room_id=EAST), Outgoing(text="y", to=SECRETARY)])
    assert [r[3] for r in await bound(bot.runtime.db)] == ["default", "default"]
    rows = await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了")  # the one-account bot as before
    assert rows and {r[3] for r in await bound(bot.runtime.db)} == {"default"}


async def test_binding_prefers_the_account_that_heard_then_the_rooms_preferred(bot):
    db = bot.runtime.db
    await world(db)
    await queue(db, [Outgoing(text="e1", room_id=EAST), Outgoing(text="m1", room_id=MEMBERS),
                     Outgoing(text="p1", to=SECRETARY)])
    token = accounts.CURRENT.set(B)
    try:
        await queue(db, [Outgoing(text="w1", room_id=WEST), Outgoing(text="p2", to=RES_ZHAO)], cause="u")
    finally:
        accounts.CURRENT.reset(token)
    got = {text: account for _, _, text, account in await bound(db)}
    # east: preferred A; members: B alone; the secretary privately: an account in their community;
    # heard through B: the west group has A only, a private reply goes through B
    assert got == {"e1": A, "m1": B, "p1": A, "w1": A, "p2": B}
    # a conversation keeps its account while it has rows waiting (its order holds)
    token = accounts.CURRENT.set(B)
    try:
        await queue(db, [Outgoing(text="e2", room_id=EAST)], cause="v")
    finally:
        accounts.CURRENT.reset(token)
    assert (await bound(db))[-1][3] == A


async def test_a_message_heard_through_an_account_is_answered_by_it_and_its_room_learned(bot):
    db = bot.runtime.db
    await world(db)
    async with db.transaction() as session:
        await accounts.leave(session=session, room_id=EAST, account_id=B)
    msg = IncomingMessage(platform="test", msg_id="acc-1", sender_id=RES_ZHAO, sender_name="赵阿姨",
                          text="1号楼2单元楼道灯坏了好几天了", room_id=EAST)
    rows = await bot.runtime.inbound_for(B)(msg)
    assert rows
    async with db.sessions() as session:
        assert await session.get(RoomAccount, (EAST, B)) is not None  # learned from the platform
    replies = [r for r in await bound(db) if r[0] == EAST]
    assert replies and {r[3] for r in replies} == {B}


async def test_each_sender_sends_only_its_accounts_rows_in_order(bot):
    db = bot.runtime.db
    await world(db)
    await queue(db, [Outgoing(text=f"{room}-{i}", room_id=room) for i in range(3) for room in (EAST, WEST, MEMBERS)])
    log: list = []
    both = senders(db, log)
    await both[B].drain()
    assert [t for _, _, t in log] == [f"{MEMBERS}-{i}" for i in range(3)]
    await both[A].drain()
    assert {(a, room) for a, room, _ in log} == {(B, MEMBERS), (A, EAST), (A, WEST)}
    for room in (EAST, WEST):
        assert [t for _, r, t in log if r == room] == [f"{room}-{i}" for i in range(3)]
    # the batch path (no limits) claims only its account's rows too
    await queue(db, [Outgoing(text=f"again-{room}", room_id=room) for room in (EAST, WEST, MEMBERS)], cause="w")
    before = len(log)
    assert await both[B]._run_batch() == 1
    assert log[before:] == [(B, MEMBERS, f"again-{MEMBERS}")]


async def test_a_broadcast_is_spread_over_the_accounts_present(bot):
    db = bot.runtime.db
    names = [f"acc-{k}" for k in range(3)]
    rooms = [f"room-{i:02d}" for i in range(30)]
    async with db.transaction() as session:
        for name in names:
            await accounts.register(session=session, account_id=name, platform="phone", driven_by="t")
        for room in rooms:
            for name in names:
                await accounts.place(session=session, room_id=room, account_id=name, preferred=name == "acc-0")
    await queue(db, [Outgoing(text="通知", room_id=room) for room in rooms])
    counts = {name: sum(1 for r in await bound(db) if r[3] == name) for name in names}
    assert counts == {name: 10 for name in names}
    await queue(db, [Outgoing(text="单条", room_id="room-99")], cause="one")  # nobody known there
    assert (await bound(db))[-1][3] in names  # an online, driven account


async def test_a_logout_moves_shared_rooms_holds_the_rest_alerts_staff_and_resumes_in_order(bot):
    db = bot.runtime.db
    await world(db)
    await queue(db, [Outgoing(text=f"{room}-{i}", room_id=room) for i in range(3) for room in (EAST, WEST)])
    async with db.transaction() as session:
        assert await accounts.set_state(session=session, account_id=A, state=LOGGED_OUT, reason="test")
        assert not await accounts.set_state(session=session, account_id=A, state=LOGGED_OUT)  # once
    rows = await bound(db)
    assert {r[3] for r in rows if r[0] == EAST} == {B}  # B is in the east group too
    assert {r[3] for r in rows if r[0] == WEST} == {A}  # nobody else in the west group: it waits
    alerts = [r for r in rows if r[1] is not None]
    assert sorted(r[1] for r in alerts) == [GRID_WORKER, SECRETARY] and {r[3] for r in alerts} == {B}
    async with db.sessions() as session:
        said = set(await session.scalars(select(OutboxMessage.reply_key).where(OutboxMessage.to_person.is_not(None))))
    assert said == {"account_down_logged_out"}
    assert all("退出登录" in r[2] and "（3 条）" in r[2] for r in alerts)
    log: list = []
    both = senders(db, log)
    await both[B].drain()
    assert [t for a, r, t in log if r == EAST] == [f"{EAST}-{i}" for i in range(3)]
    assert not [x for x in log if x[1] == WEST]
    async with db.transaction() as session:
        assert await accounts.set_state(session=session, account_id=A, state=ONLINE)
    await both[A].drain()
    assert [(a, t) for a, r, t in log if r == WEST] == [(A, f"{WEST}-{i}") for i in range(3)]
    back = [r for r in await bound(db) if r[1] is not None][2:]
    assert back and all("已恢复" in r[2] for r in back)


async def test_a_send_refused_as_too_frequent_limits_the_account_and_its_rows_move(bot):
    db = bot.runtime.db
    await world(db)
    await queue(db, [Outgoing(text=f"east-{i}", room_id=EAST) for i in range(3)])
    log: list = []
    both = senders(db, log)
    transports = {name: s.transport for name, s in both.items()}
    watcher = Watcher(db, bot.runtime.settings, transports, wake=lambda: None)
    both[A].on_account_state = watcher.reporter(A)
    both[A].paused = watcher.paused(A)
    both[A].transport.refuse = True
    await both[A].run_once()
    assert watcher.states[A] == LIMITED and both[A].paused()
    async with db.sessions() as session:
        assert (await session.get(Account, A)).state == LIMITED
    await watcher.check()  # rows that were in A's hands when it was refused move too
    assert watcher.states[A] == LIMITED  # the spell has not ended
    await both[B].drain()  # the refused row too: its retry moved with the rest, in order
    assert [(a, t) for a, r, t in log if r == EAST] == [(B, f"east-{i}") for i in range(3)]


def test_accounts_setting():
    assert [(s.id, s.credentials) for s in specs("wx-east, wx-west:WEST")] == [("wx-east", "WX_EAST"),
                                                                              ("wx-west", "WEST")]
    for bad in ("default", "wx east", "a,a"):
        try:
            specs(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


async def test_a_notice_to_60_groups_over_6_accounts_on_a_fake_clock(database_url, bot):
    """bench/accounts.py at small scale: spread, within 95% of the limits' time, no limit exceeded."""
    # a fixed 4 s switch pause (production draws 3–5 s) so the ideal split's time is exact at this size
    limits = SendLimits(per_account=40, window=60.0, conversation_gap=3.0, switch_pause=(4.0, 4.0))
    r = await notice(bot.runtime.db, rooms=60, communities=4, limits=limits)
    assert report(r), r
    assert max(r["per_account"].values()) - min(r["per_account"].values()) <= 2


async def test_a_process_driving_two_accounts_answers_through_the_one_that_heard(database_url):
    """``gridbot run`` with ACCOUNTS: a transport and a sender per account, states in /healthz."""
    import asyncio

    from bot.config import Settings
    from bot.runtime import Runtime
    from tests.conftest import BACKEND, _truncate_all

    settings = Settings(_env_file=None, database_url=database_url, transport="sim", accounts=f"{A},{B}",
                        scheduler_enabled=False, account_check_seconds=0.1)
    runtime = Runtime(settings)
    if BACKEND == "postgres":
        await _truncate_all(runtime.db)
    await runtime.load_demo_if_empty()
    await runtime.start(serve_http=False)
    try:
        health = await runtime.health()
        assert [(a["id"], a["state"]) for a in health["accounts"]] == [(A, ONLINE), (B, ONLINE)]
        assert [s["owner"] for s in health["senders"]] == [f"account:{A}", f"account:{B}"]
        msg = IncomingMessage(platform="sim", msg_id="two-1", sender_id=RES_ZHAO, sender_name="赵阿姨",
                              text="1号楼2单元楼道灯坏了好几天了", room_id=EAST)
        await runtime.transports[B].inbound(msg)
        for _ in range(200):
            if runtime.transports[B].sends:
                break
            await asyncio.sleep(0.02)
        assert runtime.transports[B].sends >= 1 and runtime.transports[A].sends == 0
        # A's platform reports a logout: the watcher records it and A's sender pauses
        runtime.transports[A].health = lambda: {"transport": "sim", "state": "logged_out"}
        await runtime.watcher.check()
        assert runtime.senders[A].paused() and not runtime.senders[B].paused()
        assert [a["state"] for a in (await runtime.health())["accounts"]] == [LOGGED_OUT, ONLINE]
    finally:
        await runtime.stop()


async def test_metrics_show_each_accounts_state_and_backlog(bot):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app
    from tests.test_metrics import scrape, value

    db = bot.runtime.db
    await world(db)
    await queue(db, [Outgoing(text=f"w{i}", room_id=WEST) for i in range(3)] + [Outgoing(text="m", room_id=MEMBERS)])
    async with db.transaction() as session:
        await accounts.set_state(session=session, account_id=A, state=LOGGED_OUT)
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        samples = await scrape(client)
    assert value(samples, "gridbot_account_state", account=A, state=LOGGED_OUT) == 1
    assert value(samples, "gridbot_account_state", account=B, state=ONLINE) == 1
    assert value(samples, "gridbot_account_outbox_pending", account=A) == 3
    assert value(samples, "gridbot_account_outbox_pending", account=B) >= 1  # its row, and the alerts
    assert ("gridbot_account_oldest_due_age_seconds", (("account", A),)) in samples


def test_accounts_are_loaded_from_a_file_and_listed(monkeypatch, tmp_path, capsys):
    from bot.cli import main
    from tests.conftest import BACKEND

    if BACKEND == "postgres":  # the CLI's own database; the suite's PostgreSQL pass covers the service
        return
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/gb.db")
    path = tmp_path / "accounts.yaml"
    path.write_text("accounts:\n  - id: wx-east\n    name: 东区网格通\n    rooms: [wx:a@chatroom, wx:b@chatroom]\n"
                    "    preferred: [wx:a@chatroom]\n  - id: wx-west\n    rooms: [wx:b@chatroom]\n", encoding="utf-8")
    assert main(["accounts", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入账号 2 个，所在群 3 处。" in out
    assert "wx-east（wechaty）：online，在 2 个群，其中 1 个为首选" in out
    assert main(["accounts", str(path)]) == 0  # again: nothing doubles
    assert "wx-west（wechaty）：online，在 1 个群，其中 0 个为首选" in capsys.readouterr().out
    path.write_text("accounts:\n  - id: default\n", encoding="utf-8")
    assert main(["accounts", str(path)]) == 2
    assert "第 1 个账号的编号「default」不能用" in capsys.readouterr().err


async def test_migration_0019_binds_existing_rows_to_the_default_account(tmp_path):
    """Rows queued before accounts existed are the 'default' account's, which a process without
    ACCOUNTS drives; the migration also goes down and up again. (SQLite: a file of its own.)"""
    from alembic import command
    from sqlalchemy import text

    from bot.db.engine import make_engine
    from bot.db.migrate import alembic_config, upgrade

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    await upgrade(engine, "0011")
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO outboxmessage (room_id, conversation, text, mentions, status, attempts, "
                                "parts_sent, created_at) VALUES ('r', 'r', 'old', '[]', 'pending', 0, 0, "
                                "CURRENT_TIMESTAMP)"))
    await upgrade(engine)
    async with engine.begin() as conn:
        assert (await conn.execute(text("SELECT account_id FROM outboxmessage"))).all() == [("default",)]
        assert (await conn.execute(text("SELECT id, state FROM account"))).all() == [("default", "online")]
    config = alembic_config()

    def down(sync_conn) -> None:
        config.attributes["connection"] = sync_conn
        command.downgrade(config, "0011")
    async with engine.begin() as conn:
        await conn.run_sync(down)
    await upgrade(engine)
    await engine.dispose()
