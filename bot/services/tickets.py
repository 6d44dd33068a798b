"""Tickets and their lifecycle. The state machine lives here, once.

    open ──claim──▶ claimed ──complete──▶ done ──verify──▶ verified ──close──▶ closed
      ▲                │  ▲                  │
      └────release─────┘  └──────reject──────┘
    open / claimed ──cancel──▶ cancelled

Every transition is a conditional UPDATE (``WHERE status IN (...)``), so of two
concurrent claims exactly one matches a row, on SQLite and on PostgreSQL alike.
"""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot import logs
from bot.clock import utcnow
from bot.db import rows
from bot.db.engine import COUNTERS_KEY
from bot.db.models import Claim, Community, Person, Ticket, TicketEvent
from bot.db.prepared import Prepared, any_of
from bot.errors import DomainError
from bot.replies import status_name

OPEN, CLAIMED, DONE, VERIFIED, CLOSED, CANCELLED = (
    "open", "claimed", "done", "verified", "closed", "cancelled",
)
STATUSES = (OPEN, CLAIMED, DONE, VERIFIED, CLOSED, CANCELLED)
ACTIVE = (OPEN, CLAIMED, DONE)

# action → (statuses it may start from, status it leads to, how it reads in a refusal)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "claim": (frozenset({OPEN}), CLAIMED, "认领"),
    "assign": (frozenset({OPEN, CLAIMED}), CLAIMED, "派单"),
    "release": (frozenset({CLAIMED}), OPEN, "放弃"),
    "complete": (frozenset({CLAIMED}), DONE, "标记完成"),
    "reject": (frozenset({DONE}), CLAIMED, "驳回"),
    "verify": (frozenset({DONE}), VERIFIED, "验收"),
    "close": (frozenset({VERIFIED}), CLOSED, "评价"),
    "cancel": (frozenset({OPEN, CLAIMED}), CANCELLED, "撤销"),
    # Handed to a department (/转办, issue 13): the department holds it, nobody claims it.
    "transfer": (frozenset({OPEN, CLAIMED}), CLAIMED, "转办"),
    "dept_complete": (frozenset({CLAIMED}), DONE, "办结"),
}
MAX_TEXT = 1000
# action → the Ticket column that records when it last happened
_STAMPS = {"claim": "claimed_at", "assign": "claimed_at", "complete": "done_at", "dept_complete": "done_at",
           "verify": "verified_at", "close": "closed_at"}


# Statements on the busy paths are built once: building one costs more than running it.
class TicketRecord(SimpleNamespace):
    """A ticket as the busy paths read and write it: the columns of ``Ticket`` as plain
    attributes, not tracked by the ORM session (bot.db.prepared). Anything that takes a
    ticket here takes either this or a ``Ticket``."""


_COMMUNITY, _TICKET = Community.__table__.c, Ticket.__table__.c
_NEXT_NUMBER = Prepared(
    update(Community.__table__).where(_COMMUNITY.id == bindparam("community_id"))
    .values(last_ticket_no=_COMMUNITY.last_ticket_no + 1).returning(_COMMUNITY.last_ticket_no)
)
_BY_NUMBER = Prepared(select(*Ticket.__table__.c).where(_TICKET.community_id == bindparam("community_id"),
                                                       _TICKET.number == bindparam("number")),
                      record=TicketRecord)
_BY_ID = Prepared(select(*Ticket.__table__.c).where(_TICKET.id == bindparam("ticket_id")), record=TicketRecord)
_INSERT = Prepared(insert(Ticket.__table__).returning(_TICKET.id))


async def next_number(*, session: AsyncSession, community_id: str) -> int:
    # The row lock of this UPDATE hands out numbers one at a time per community. On
    # PostgreSQL it is taken in a transaction of its own that commits at once, like a
    # sequence: inside the caller's transaction it was held until that commit, and every
    # report in the community queued behind it (the p99 of issue 15). The price is a gap
    # in the numbers when the report then rolls back.
    counters = session.info.get(COUNTERS_KEY)
    if counters is not None:
        async with counters.begin() as conn:
            number = (await conn.execute(_NEXT_NUMBER.statement, {"community_id": community_id})).scalar()
    else:
        number = (await _NEXT_NUMBER.run(session, {"community_id": community_id})).scalar()
    if number is None:
        raise DomainError("err_no_community")
    return number


def draft(
    *, community_id: str, reporter_id: str, text: str, category: str, urgency: str,
    room_id: str | None, grid_id: int | None, building: str | None, unit: str | None,
    room_no: str | None, evidence: str | None = None, now: datetime | None = None,
) -> TicketRecord:
    """A new ticket, not yet numbered nor written (see ``insert``); ``now`` is its creation
    time (the clock the caller plans its deadline with)."""
    values = rows.defaults(Ticket)
    if now is not None:
        values.update(created_at=now, updated_at=now)
    values.update(
        community_id=community_id, number=0, status=OPEN, category=category, urgency=urgency,
        text=text[:MAX_TEXT], evidence=evidence, reporter_id=reporter_id, room_id=room_id,
        grid_id=grid_id, building=building, unit=unit, room_no=room_no,
    )
    return TicketRecord(id=None, **values)


async def insert(*, session: AsyncSession, ticket: TicketRecord) -> TicketRecord:
    """Number and write a drafted ticket, with its "create" event."""
    ticket.number = await next_number(session=session, community_id=ticket.community_id)
    values = vars(ticket).copy()
    del values["id"]
    ticket.id = (await _INSERT.run(session, values)).scalar()
    logs.set_ticket(ticket.community_id, ticket.number)  # later log lines of this message name it
    session.info.setdefault("gridbot_opened_tickets", set()).add(ticket.id)  # see duplicates.OPENED_HERE
    await record_event(session=session, ticket_id=ticket.id, action="create", to_status=OPEN,
                       actor_id=ticket.reporter_id)
    return ticket


async def create(*, session: AsyncSession, **fields) -> TicketRecord:
    """``draft`` and ``insert`` in one step (for tickets not dispatched to members)."""
    return await insert(session=session, ticket=draft(**fields))


async def record_event(*, session: AsyncSession, ticket_id: int, action: str, from_status: str | None = None,
                       to_status: str | None = None, actor_id: str | None = None, note: str | None = None) -> None:
    """Append to the ticket's history (one Core INSERT; see bot.db.rows)."""
    await rows.add(session, TicketEvent, ticket_id=ticket_id, action=action, from_status=from_status,
                   to_status=to_status, actor_id=actor_id, note=note)


async def get_by_number(*, session: AsyncSession, community_id: str, number: int | None) -> TicketRecord:
    if number is None:
        raise DomainError("err_bad_number", example="查询 12")
    ticket = (await _BY_NUMBER.run(session, {"community_id": community_id, "number": number})).first()
    if ticket is None:
        raise DomainError("err_ticket_not_found", number=number)
    logs.set_ticket(community_id, number)
    return ticket


_ANY = object()  # the transition does not depend on who holds the ticket


async def _transition(
    *, session: AsyncSession, ticket: Ticket, action: str, actor_id: str | None,
    note: str | None = None, claimer_is=_ANY, **values,
) -> None:
    sources, target, verb = TRANSITIONS[action]
    now = utcnow()
    if action in _STAMPS:  # lifecycle timestamps for deadlines and statistics (issue 5)
        values.setdefault(_STAMPS[action], now)
    elif action == "reject":  # the work is not done after all: it counts as open again
        values.setdefault("done_at", None)
    params = {"v_" + k: v for k, v in values.items()}
    params.update(ticket_id=ticket.id, v_status=target, v_updated_at=now)
    if claimer_is is not _ANY:
        params["claimer_is"] = claimer_is
    statement = _transition_statement(action, claimer_is is _ANY, claimer_is is None, tuple(sorted(values)))
    result = await statement.run(session, params)
    if result.rowcount != 1:
        await _reload(session, ticket)
        raise _refusal(ticket, action, verb)
    previous = ticket.status
    for key, value in {"status": target, "updated_at": now, **values}.items():
        _set_written(ticket, key, value)
    await record_event(session=session, ticket_id=ticket.id, action=action, from_status=previous,
                       to_status=target, actor_id=actor_id, note=(note or None) and note[:500])


def _set_written(ticket, key: str, value) -> None:
    """Show on the object what an UPDATE already wrote."""
    if isinstance(ticket, Ticket):
        set_committed_value(ticket, key, value)  # loaded, not a change for the ORM to flush
    else:
        setattr(ticket, key, value)


async def _reload(session: AsyncSession, ticket) -> None:
    """Read the ticket again (after a transition found it changed)."""
    if isinstance(ticket, Ticket):
        await session.refresh(ticket)
        return
    fresh = (await _BY_ID.run(session, {"ticket_id": ticket.id})).first()
    if fresh is not None:
        vars(ticket).update(vars(fresh))


_TRANSITION_STATEMENTS: dict[tuple, Prepared] = {}


def _transition_statement(action: str, any_claimer: bool, no_claimer: bool, keys: tuple[str, ...]):
    """The conditional UPDATE of one kind of transition, built once and reused."""
    key = (action, any_claimer, no_claimer, keys)
    stmt = _TRANSITION_STATEMENTS.get(key)
    if stmt is None:
        sources = TRANSITIONS[action][0]
        condition = and_(_TICKET.id == bindparam("ticket_id"), any_of(_TICKET.status, sorted(sources)))
        if no_claimer:
            condition = and_(condition, _TICKET.claimer_id.is_(None))
        elif not any_claimer:
            condition = and_(condition, _TICKET.claimer_id == bindparam("claimer_is"))
        assigned = {k: bindparam("v_" + k, type_=_TICKET[k].type) for k in ("status", "updated_at", *keys)}
        stmt = _TRANSITION_STATEMENTS[key] = Prepared(update(Ticket.__table__).where(condition).values(assigned))
    return stmt


def _refusal(ticket: Ticket, action: str, verb: str) -> DomainError:
    if action == "claim" and ticket.status == CLAIMED:
        return DomainError("err_already_claimed", number=ticket.number, claimer="其他志愿者")
    if action == "claim":
        return DomainError("err_not_open", number=ticket.number, status=status_name(ticket.status))
    return DomainError("err_bad_transition", number=ticket.number,
                       status=status_name(ticket.status), action=verb)


async def claim(*, session: AsyncSession, ticket: Ticket, person_id: str) -> None:
    if ticket.reporter_id == person_id:
        raise DomainError("err_own_ticket", number=ticket.number)
    if ticket.status == CLAIMED:
        if ticket.claimer_id is None:  # handed to a department (issue 13)
            raise DomainError("err_with_department", number=ticket.number)
        claimer = await session.get(Person, ticket.claimer_id) if ticket.claimer_id else None
        if ticket.claimer_id == person_id:
            raise DomainError("err_bad_transition", number=ticket.number, status="您已认领", action="重复认领")
        raise DomainError("err_already_claimed", number=ticket.number,
                          claimer=claimer.name if claimer else "其他志愿者")
    await _transition(session=session, ticket=ticket, action="claim", actor_id=person_id,
                      claimer_is=None, claimer_id=person_id)
    await rows.add(session, Claim, ticket_id=ticket.id, person_id=person_id)


async def assign(*, session: AsyncSession, ticket: Ticket, person_id: str, actor_id: str) -> None:
    if ticket.reporter_id == person_id:
        raise DomainError("err_own_ticket", number=ticket.number)
    previous = ticket.claimer_id
    await _transition(session=session, ticket=ticket, action="assign", actor_id=actor_id,
                      note=f"assigned to {person_id}", claimer_id=person_id)
    if previous and previous != person_id:
        await _end_claim(session=session, ticket=ticket, person_id=previous, outcome="reassigned")
    if previous != person_id:
        await rows.add(session, Claim, ticket_id=ticket.id, person_id=person_id)


def _require_claimer(ticket: Ticket, person_id: str) -> None:
    if ticket.claimer_id != person_id:
        raise DomainError("err_not_claimer", number=ticket.number)


_C = Claim.__table__.c
_END_CLAIM = Prepared(update(Claim.__table__)
              .where(_C.ticket_id == bindparam("b_ticket_id"), _C.person_id == bindparam("b_person_id"),
                     _C.ended_at.is_(None))
              .values(ended_at=bindparam("b_ended_at", type_=_C.ended_at.type), outcome=bindparam("b_outcome")))


async def _end_claim(*, session: AsyncSession, ticket: Ticket, person_id: str, outcome: str) -> None:
    await _END_CLAIM.run(session, {"b_ticket_id": ticket.id, "b_person_id": person_id,
                                       "b_ended_at": utcnow(), "b_outcome": outcome})


async def release(*, session: AsyncSession, ticket: Ticket, person_id: str) -> None:
    if ticket.status == CLAIMED:
        _require_claimer(ticket, person_id)
    await _transition(session=session, ticket=ticket, action="release", actor_id=person_id,
                      claimer_is=person_id, claimer_id=None)
    await _end_claim(session=session, ticket=ticket, person_id=person_id, outcome="released")


async def transfer(*, session: AsyncSession, ticket: Ticket, actor_id: str, note: str) -> None:
    """The ticket goes to a department (bot.services.departments): whoever had claimed it lets go."""
    previous = ticket.claimer_id
    await _transition(session=session, ticket=ticket, action="transfer", actor_id=actor_id, note=note,
                      claimer_id=None, claimed_at=ticket.claimed_at or utcnow())
    if previous:
        await _end_claim(session=session, ticket=ticket, person_id=previous, outcome="transferred")


async def department_done(*, session: AsyncSession, ticket: Ticket, actor_id: str, note: str) -> None:
    """A department finished a transferred ticket: it waits for the secretary's 验收."""
    await _transition(session=session, ticket=ticket, action="dept_complete", actor_id=actor_id, note=note,
                      claimer_is=None)


async def complete(*, session: AsyncSession, ticket: Ticket, person_id: str, note: str) -> None:
    if ticket.status in (CLAIMED, DONE):
        _require_claimer(ticket, person_id)
    await _transition(session=session, ticket=ticket, action="complete", actor_id=person_id,
                      note=note, claimer_is=person_id)


async def verify(*, session: AsyncSession, ticket: Ticket, actor_id: str, points: int) -> None:
    if ticket.claimer_id == actor_id:  # a second staff member, or the secretary, verifies
        raise DomainError("err_self_verify", number=ticket.number)
    await _transition(session=session, ticket=ticket, action="verify", actor_id=actor_id,
                      note=f"points {points}", points_awarded=points)
    if ticket.claimer_id:
        await _end_claim(session=session, ticket=ticket, person_id=ticket.claimer_id, outcome="done")


async def reject(*, session: AsyncSession, ticket: Ticket, actor_id: str, reason: str) -> None:
    await _transition(session=session, ticket=ticket, action="reject", actor_id=actor_id, note=reason)


async def cancel(*, session: AsyncSession, ticket: Ticket, actor_id: str, reason: str | None = None) -> None:
    claimer = ticket.claimer_id
    await _transition(session=session, ticket=ticket, action="cancel", actor_id=actor_id, note=reason)
    if claimer:
        await _end_claim(session=session, ticket=ticket, person_id=claimer, outcome="cancelled")


async def close(*, session: AsyncSession, ticket: Ticket, actor_id: str | None,
                rating: int | None, note: str | None = None) -> None:
    await _transition(session=session, ticket=ticket, action="close", actor_id=actor_id,
                      note=note, rating=rating)


_OPEN_FIRST = (select(*Ticket.__table__.c)
               .where(_TICKET.community_id == bindparam("community_id"), _TICKET.status == OPEN)
               .order_by((_TICKET.urgency == "urgent").desc(), _TICKET.number))
_OPEN_TICKETS: dict[int, Prepared] = {}
_COUNT_OPEN = Prepared(select(func.count()).select_from(Ticket.__table__)
                       .where(_TICKET.community_id == bindparam("community_id"), _TICKET.status == OPEN))


async def open_tickets(*, session: AsyncSession, community_id: str, limit: int = 10) -> list[TicketRecord]:
    """Open tickets, urgent first, then by number."""
    statement = _OPEN_TICKETS.get(limit)
    if statement is None:
        statement = _OPEN_TICKETS[limit] = Prepared(_OPEN_FIRST.limit(limit), record=TicketRecord)
    return list((await statement.run(session, {"community_id": community_id})).rows)


async def count_open(*, session: AsyncSession, community_id: str) -> int:
    return int((await _COUNT_OPEN.run(session, {"community_id": community_id})).scalar() or 0)


async def claimed_by(*, session: AsyncSession, community_id: str, person_id: str, limit: int = 10) -> list[Ticket]:
    """The tickets this person is working on (claimed, not yet reported done)."""
    return list(await session.scalars(
        select(Ticket).where(Ticket.community_id == community_id, Ticket.claimer_id == person_id,
                             Ticket.status == CLAIMED).order_by(Ticket.number).limit(limit)))


async def reported_by(*, session: AsyncSession, community_id: str, person_id: str, limit: int = 10) -> list[Ticket]:
    """This person's own reports still in hand (not closed or cancelled), newest first."""
    return list(await session.scalars(
        select(Ticket).where(Ticket.community_id == community_id, Ticket.reporter_id == person_id,
                             Ticket.status.in_((OPEN, CLAIMED, DONE, VERIFIED)))
        .order_by(Ticket.number.desc()).limit(limit)))


async def latest_in_room(*, session: AsyncSession, room_id: str, since: datetime, not_by: str) -> Ticket | None:
    """The newest ticket opened from this room since ``since`` by someone else (what a bare "+1" agrees with)."""
    return (await session.scalars(
        select(Ticket).where(Ticket.room_id == room_id, Ticket.created_at >= since, Ticket.reporter_id != not_by)
        .order_by(Ticket.id.desc()).limit(1))).first()


async def awaiting_verification(*, session: AsyncSession, community_id: str, limit: int = 10) -> list[Ticket]:
    """Tickets reported done and waiting for a secretary's 验收."""
    return list(await session.scalars(
        select(Ticket).where(Ticket.community_id == community_id, Ticket.status == DONE)
        .order_by(Ticket.number).limit(limit)))


async def events_of(*, session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    return list(await session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    ))


async def set_location(*, session: AsyncSession, ticket, building: str | None, unit: str | None,
                       room_no: str | None, place: str | None, actor_id: str) -> None:
    """Record where the problem is, as its reporter said it after the first message.

    A place with no building number (小区东门) is kept in the text members see."""
    values: dict = {"building": building, "unit": unit, "room_no": room_no, "updated_at": utcnow()}
    if place:
        values["text"] = f"{ticket.text}（位置：{place}）"[:MAX_TEXT]
    await session.execute(update(Ticket).where(Ticket.id == ticket.id).values(**values))
    for key, value in values.items():
        setattr(ticket, key, value)
    where = "".join(p for p in (f"{building}号楼" if building else "", f"{unit}单元" if unit else "",
                                room_no or "", place or ""))
    await record_event(session=session, ticket_id=ticket.id, action="relocate", actor_id=actor_id, note=where)


# Tasks for several people (bot.services.multitask): the ticket is claimed when its last place
# is taken (its claimer is the first of them, who answers for it like a single claimer), open
# again when a place is let go, done when every part is done.
async def fill(*, session: AsyncSession, ticket, lead_id: str, actor_id: str) -> None:
    await _transition(session=session, ticket=ticket, action="claim", actor_id=actor_id,
                      note="all places taken", claimer_is=None, claimer_id=lead_id)


async def unfill(*, session: AsyncSession, ticket, actor_id: str) -> None:
    await _transition(session=session, ticket=ticket, action="release", actor_id=actor_id,
                      note="a place let go", claimer_is=ticket.claimer_id, claimer_id=None)


async def all_parts_done(*, session: AsyncSession, ticket, actor_id: str) -> None:
    await _transition(session=session, ticket=ticket, action="complete", actor_id=actor_id,
                      note="every part done", claimer_is=ticket.claimer_id)


async def refresh(*, session: AsyncSession, ticket) -> None:
    """Read the ticket's row again (after taking a lock another transaction may have waited on)."""
    await _reload(session, ticket)
