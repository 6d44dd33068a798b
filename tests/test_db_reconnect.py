"""PostgreSQL connections the server closes under the bot (a restart, an idle timeout, a
killed backend): the next message is handled on a fresh connection, not answered with an
apology, and nothing is half-written. The pool checks a connection without a round trip
(bot.db.engine.postgres_engine), so these tests are what shows the check works."""
from __future__ import annotations

import asyncio
import logging

import asyncpg
import pytest

from bot.db import engine as engine_module
from tests.conftest import BACKEND, PG_URL
from tests.harness import EAST, RES_SUN, RES_ZHAO, keys

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="server-side disconnects: PostgreSQL only")


async def _terminate_other_backends() -> int:
    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    finally:
        await conn.close()


async def _two_tickets_after_a_kill(bot, *, settle: bool) -> list:
    first = await bot.say(RES_ZHAO, "3号楼2单元楼道灯坏了好几天了", EAST)
    assert "ticket_opened" in keys(first) or any("#1" in r.text for r in first)
    assert await _terminate_other_backends() >= 1
    if settle:
        await asyncio.sleep(0.2)  # the loop reads the closed sockets: the pool sees them closed
    second = await bot.say(RES_SUN, "5号楼门口下水道堵了 一股味", EAST)
    assert "err_internal" not in keys(second), second
    return await bot.tickets()


async def test_a_connection_the_server_closed_is_replaced_before_use(bot, caplog):
    caplog.set_level(logging.WARNING, logger="bot.dispatch")
    tickets = await _two_tickets_after_a_kill(bot, settle=True)
    assert [t.number for t in tickets] == [1, 2]
    # The pool's check caught it: no statement failed and nothing had to be handled twice.
    assert "lost its database connection" not in caplog.text


async def test_a_connection_lost_in_a_transaction_is_retried(bot, caplog, monkeypatch):
    # A loss the pool cannot see yet: the statement fails, the transaction is rolled back
    # whole and the message is handled again on a fresh connection.
    monkeypatch.setattr(engine_module, "_server_closed", lambda dbapi_connection: False)
    caplog.set_level(logging.WARNING, logger="bot.dispatch")
    tickets = await _two_tickets_after_a_kill(bot, settle=True)
    assert [t.number for t in tickets] == [1, 2] and tickets[1].reporter_id == RES_SUN
    assert "lost its database connection" in caplog.text
