"""Checkpoints run on a background thread, not inside a message's commit (bot.db.checkpoint)."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import time

import pytest

from bot.db.checkpoint import BACKSTOP_PAGES, WalCheckpointer
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's write-ahead log")


async def test_bot_connections_leave_checkpoints_to_the_thread(bot):
    async with bot.runtime.db.engine.connect() as conn:
        value = (await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar()
    assert value == BACKSTOP_PAGES
    checkpointer = bot.runtime.db.checkpointer
    assert checkpointer is not None
    await bot.say("res-zhao", "3号楼2单元的路灯坏了，麻烦修一下")
    # Polling a real condition with a deadline; asyncio.sleep, so the event loop (and the bot)
    # keeps running while the checkpoint thread works.
    deadline = time.monotonic() + 5
    while checkpointer.runs == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert checkpointer.runs > 0


def test_a_checkpoint_moves_the_log_into_the_database(tmp_path):
    path = str(tmp_path / "wal.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x TEXT)")
    for i in range(200):
        writer.execute("INSERT INTO t VALUES (?)", ("x" * 500 + str(i),))
    before = os.path.getsize(path)  # the rows are only in the -wal file so far
    checkpointer = WalCheckpointer(path, interval=0.01)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 5
        while checkpointer.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        checkpointer.stop()
    assert checkpointer.runs >= 2
    # The thread copied the logged pages into the database file, with the writer still open.
    assert os.path.getsize(path) > before + 50_000
    writer.close()


def test_stop_ends_the_thread(tmp_path):
    checkpointer = WalCheckpointer(str(tmp_path / "x.db"), interval=0.01)
    checkpointer.start()
    checkpointer.stop()
    assert checkpointer._thread is None
