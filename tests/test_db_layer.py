"""The data path under the services: prepared statements, the writer session, after-commit
hooks. Each test runs on the suite's database (SQLite, or PostgreSQL in the second pass)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.db.engine import after_commit
from bot.db.models import OutboxMessage, Person, Ticket, TicketEvent
from bot.db.prepared import Prepared
from bot.db.upsert import prepared_insert_ignore
from bot.services import tickets
from tests.conftest import BACKEND

_O = OutboxMessage.__table__.c
_OUTBOX_ROW = Prepared(select(_O.text, _O.mentions, _O.created_at, _O.not_before)
                       .where(_O.cause == bindparam("cause")).order_by(_O.id))
_PERSON_NAME = Prepared(select(Person.__table__.c.name).where(Person.__table__.c.id == bindparam("pid")))
_ADD_PERSON = prepared_insert_ignore(Person.__table__)
_RAW_INSERT_PERSON = Prepared(Person.__table__.insert())


async def test_prepared_rows_convert_types_like_sqlalchemy(bot):
    db = bot.runtime.db
    when = datetime(2026, 11, 22, 3, 4, 5, 678000, tzinfo=timezone.utc)
    async with db.transaction() as session:
        session.add(OutboxMessage(room_id="room-east", conversation="room-east", text="你好", mentions=["a", "b"],
                                  cause="t:types", created_at=when))
        # The ORM row is still pending: the prepared read flushes it first, as autoflush would.
        prepared = (await _OUTBOX_ROW.run(session, {"cause": "t:types"})).first()
        plain = (await session.execute(_OUTBOX_ROW.statement, {"cause": "t:types"})).first()
    assert prepared.text == plain.text == "你好"
    assert prepared.mentions == plain.mentions == ["a", "b"]
    assert prepared.created_at == plain.created_at == when
    assert prepared.created_at.tzinfo is not None
    assert prepared.not_before is None


async def test_insert_if_absent_reports_whether_it_inserted(bot):
    async with bot.runtime.db.transaction() as session:
        first = await _ADD_PERSON.run(session, {"id": "p-new", "name": "新人", "created_at": datetime.now(timezone.utc)})
        second = await _ADD_PERSON.run(session, {"id": "p-new", "name": "别名", "created_at": datetime.now(timezone.utc)})
        name = (await _PERSON_NAME.run(session, {"pid": "p-new"})).scalar()
    assert first.first() is not None and second.first() is None
    assert name == "新人"


async def test_a_failed_prepared_statement_raises_sqlalchemys_error_and_rolls_back(bot):
    db = bot.runtime.db
    with pytest.raises(IntegrityError) as caught:
        async with db.transaction() as session:
            await _ADD_PERSON.run(session, {"id": "p-x", "name": "甲", "created_at": datetime.now(timezone.utc)})
            await _RAW_INSERT_PERSON.run(session, {"id": "p-x", "name": "乙", "created_at": datetime.now(timezone.utc)})
    assert isinstance(caught.value, DBAPIError)
    async with db.transaction() as session:  # the next transaction works and saw nothing of it
        assert (await _PERSON_NAME.run(session, {"pid": "p-x"})).scalar() is None


async def test_transactions_share_nothing_and_hooks_run_only_after_commit(bot):
    db = bot.runtime.db
    ran: list[str] = []
    async with db.transaction() as session:
        ticket = await tickets.create(session=session, community_id="xingfuli", reporter_id="res-zhao",
                                      text="路灯坏了", category="repair", urgency="normal", room_id="room-east",
                                      grid_id=None, building=None, unit=None, room_no=None)
        loaded = await session.get(Ticket, ticket.id)
        after_commit(session, lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]
    async with db.transaction() as session:
        assert loaded not in session  # what the last transaction loaded is gone
        assert not session.info.get("gridbot_on_commit")
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            after_commit(session, lambda: ran.append("failed"))
            raise RuntimeError("boom")
    assert ran == ["committed"]
    async with db.transaction() as session:  # a fresh start after the failure
        events = (await session.execute(select(TicketEvent.action).where(TicketEvent.ticket_id == ticket.id))).all()
    assert [e.action for e in events] == ["create"]


async def test_a_writer_session_is_reused_until_a_failure(bot):
    db = bot.runtime.db
    async with db.transaction() as first:
        pass
    async with db.transaction() as second:
        pass
    assert first is second
    with pytest.raises(ValueError):
        async with db.transaction():
            raise ValueError
    async with db.transaction() as third:
        pass
    assert third is not second


async def test_prepared_values_go_through_the_types_even_when_none(bot):
    # JSON turns None into the JSON text null, as SQLAlchemy does; the column is NOT NULL.
    insert = Prepared(OutboxMessage.__table__.insert())
    async with bot.runtime.db.transaction() as session:
        await insert.run(session, {"room_id": "room-east", "to_person": None, "conversation": "room-east",
                                   "text": "x", "mentions": None, "cause": "t:none", "status": "pending",
                                   "attempts": 0, "parts_sent": 0, "account_id": "default", "created_at": datetime.now(timezone.utc)})
        row = (await _OUTBOX_ROW.run(session, {"cause": "t:none"})).first()
    assert row.text == "x" and row.mentions is None


@pytest.mark.skipif(BACKEND != "sqlite", reason="the driver path is SQLite's")
async def test_a_prepared_insert_must_name_columns_with_defaults(bot):
    from bot.db.models_members import Activity

    insert = Prepared(Activity.__table__.insert())
    async with bot.runtime.db.transaction() as session:
        with pytest.raises(ValueError, match="signed_up"):
            await insert.run(session, {"community_id": "xingfuli", "number": 99, "title": "t", "place": "p",
                                       "starts_at": datetime.now(timezone.utc), "quota": 1, "points": 0})


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's writer keeps its connection")
async def test_sqlite_writer_holds_one_connection_and_gives_it_back_after_a_failure(bot):
    db = bot.runtime.db
    pool = db.engine.sync_engine.pool
    async with db.transaction():
        pass
    held = pool.checkedout()
    for _ in range(5):
        async with db.transaction() as session:
            await _PERSON_NAME.run(session, {"pid": "sec-wang"})
    assert pool.checkedout() == held  # the same connection every time, none leaked
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await _PERSON_NAME.run(session, {"pid": "sec-wang"})
            raise RuntimeError
    assert pool.checkedout() == held - 1  # closed with its session
    await db.dispose()
    assert pool.checkedout() == 0
