"""Conversation flows: the bot asked something, and the next answer from this person in
this conversation (within a time limit) completes it.

A flow is declared once with what it accepts and what it does with an answer::

    @flow("demand", accepts=answers.yes_no)
    async def confirm_demand(ctx, answer, state): ...

and started by a handler or a job with ``await start(...)``. One flow is open per
person and conversation (a group, or the private chat): starting another replaces it
(``start`` returns the name of the one it replaced). The dispatcher offers a message
to the open flow before any route, but only when some flow could accept the text
(``could_answer`` is pure, so ordinary chatter costs no extra query).

State lives in ``pending_action`` (one row per person and conversation), so flows
survive restarts and work across processes; taking an answer is one
``DELETE … RETURNING``, so of two concurrent answers only one completes the flow.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Protocol

from sqlalchemy import Table, bindparam, delete, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.dml import Insert as PostgresqlInsert
from sqlalchemy.dialects.sqlite.dml import Insert as SqliteInsert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from bot.clock import utcnow
from bot.db.models import PendingAction
from bot.db.prepared import Prepared

if TYPE_CHECKING:
    from bot.dispatch import Context

PRIVATE = "private"


@dataclass(frozen=True)
class State:
    """An open flow as a handler sees it."""

    name: str
    person_id: str
    community_id: str
    conversation: str
    payload: dict[str, Any]
    created_at: datetime


FlowHandler = Callable[["Context", Any, State], Awaitable[None]]


@dataclass(frozen=True)
class Flow:
    name: str
    accepts: Callable[[str], Any]  # the parsed answer, or None when the text is not one
    handler: FlowHandler


FLOWS: dict[str, Flow] = {}


def flow(name: str, *, accepts: Callable[[str], Any]) -> Callable[[FlowHandler], FlowHandler]:
    def decorate(handler: FlowHandler) -> FlowHandler:
        existing = FLOWS.get(name)
        if existing is not None and existing.handler.__qualname__ != handler.__qualname__:
            raise ValueError(f"flow {name!r} declared twice")
        FLOWS[name] = Flow(name, accepts, handler)
        return handler
    return decorate


def conversation_of(room_id: str | None) -> str:
    return room_id or PRIVATE


def could_answer(text: str) -> bool:
    """Pure: would any flow accept this text? (False: no need to look for an open flow.)"""
    return any(f.accepts(text) is not None for f in FLOWS.values())


def _table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model (SQLModel does not declare ``__table__`` for type checkers)."""
    table = inspect(model).local_table
    assert isinstance(table, Table), model
    return table


_TABLE = _table_of(PendingAction)


def _upsert(dialect: str) -> PostgresqlInsert | SqliteInsert:
    stmt = postgresql.insert(_TABLE) if dialect == "postgresql" else sqlite.insert(_TABLE)
    return stmt.on_conflict_do_update(
        index_elements=["person_id", "conversation"],
        set_={k: stmt.excluded[k] for k in ("community_id", "room_id", "kind", "payload", "expires_at",
                                            "created_at")},
    )


_UPSERT = Prepared(_upsert("sqlite"), postgresql=_upsert("postgresql"))
_P = _TABLE.c
_CURRENT = Prepared(select(_P.kind, _P.expires_at).where(
    _P.person_id == bindparam("person_id"), _P.conversation == bindparam("conversation")))
_TAKE = Prepared(delete(_TABLE).where(
    _P.person_id == bindparam("person_id"), _P.conversation == bindparam("conversation"),
    _P.kind == bindparam("kind")).returning(*_P))


class _LiveRow(Protocol):
    """A row of ``_CURRENT``."""

    kind: str
    expires_at: datetime


class _PendingRow(_LiveRow, Protocol):
    """A row of ``_TAKE``: the whole pending_action row."""

    person_id: str
    community_id: str
    conversation: str
    payload: dict[str, Any]
    created_at: datetime


async def _live(session: AsyncSession, person_id: str, conversation: str) -> _LiveRow | None:
    rows: Sequence[_LiveRow] = (await _CURRENT.run(session, {"person_id": person_id,
                                                              "conversation": conversation})).rows
    return rows[0] if rows else None


async def start(
    *, session: AsyncSession, name: str, person_id: str, community_id: str, room_id: str | None,
    payload: dict[str, Any], ttl_seconds: int,
) -> str | None:
    """Open flow ``name`` for the person in this conversation; returns the flow it replaced, if any."""
    if name not in FLOWS:
        from bot.commands import ensure_loaded  # a job may start a flow before any message was handled

        ensure_loaded()
    if name not in FLOWS:
        raise KeyError(f"unknown flow {name!r}")
    conversation = conversation_of(room_id)
    replaced = await current(session=session, person_id=person_id, conversation=conversation)
    now = utcnow()
    await _UPSERT.run(session, dict(
        person_id=person_id, community_id=community_id, room_id=room_id, conversation=conversation, kind=name,
        payload=payload, expires_at=now + timedelta(seconds=ttl_seconds), created_at=now,
    ))
    return replaced if replaced != name else None


async def current(*, session: AsyncSession, person_id: str, conversation: str) -> str | None:
    """The name of the person's live flow in this conversation."""
    row = await _live(session, person_id, conversation)
    if row is None or row.expires_at <= utcnow():
        return None
    return row.kind


async def take(*, session: AsyncSession, name: str, person_id: str, conversation: str) -> State | None:
    """Close the flow and return its state if it is still live; None if it expired or was taken."""
    rows: Sequence[_PendingRow] = (await _TAKE.run(session, {"person_id": person_id, "conversation": conversation,
                                                              "kind": name})).rows
    row = rows[0] if rows else None
    if row is None or row.expires_at <= utcnow():
        return None
    return State(row.kind, row.person_id, row.community_id, row.conversation, dict(row.payload), row.created_at)


async def answer(ctx: "Context") -> bool:
    """Offer the message to the sender's open flow; True when a flow took it."""
    if not could_answer(ctx.text):
        return False
    conversation = conversation_of(ctx.msg.room_id)
    person_id = ctx.actor.person.id
    row = await _live(ctx.session, person_id, conversation)
    if row is None:
        return False
    name = row.kind
    if row.expires_at <= utcnow() or name not in FLOWS:
        # Too late: the question is gone, and the answer is treated as what it says.
        await take(session=ctx.session, name=name, person_id=person_id, conversation=conversation)
        return False
    declared = FLOWS[name]
    parsed = declared.accepts(ctx.text)
    if parsed is None:
        return False  # not an answer to *this* question: the flow stays open
    state = await take(session=ctx.session, name=name, person_id=person_id, conversation=conversation)
    if state is None:
        return False  # a concurrent answer took it first
    await declared.handler(ctx, parsed, state)
    return True


async def drop(*, session: AsyncSession, person_id: str, room_id: str | None, name: str) -> bool:
    """Close a flow without an answer (e.g. the thing it asked about changed)."""
    return await take(session=session, name=name, person_id=person_id,
                      conversation=conversation_of(room_id)) is not None
