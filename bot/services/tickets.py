"""Tickets and their lifecycle. The state machine lives here, once.

    open ──claim──▶ claimed ──complete──▶ done ──verify──▶ verified ──close──▶ closed
      ▲                │  ▲                  │
      └────release─────┘  └──────reject──────┘
    open / claimed ──cancel──▶ cancelled

Every transition is a conditional UPDATE (``WHERE status IN (...)``), so of two
concurrent claims exactly one matches a row, on SQLite and on PostgreSQL alike.
"""
from __future__ import annotations

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import utcnow
from bot.db.models import Claim, Community, Person, Ticket, TicketEvent
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
}
MAX_TEXT = 1000
# action → the Ticket column that records when it last happened
_STAMPS = {"claim": "claimed_at", "assign": "claimed_at", "complete": "done_at",
           "verify": "verified_at", "close": "closed_at"}


async def next_number(*, session: AsyncSession, community_id: str) -> int:
    # The row lock of this UPDATE hands out numbers one at a time per community.
    result = await session.execute(
        update(Community)
        .where(Community.id == community_id)
        .values(last_ticket_no=Community.last_ticket_no + 1)
        .returning(Community.last_ticket_no)
    )
    number = result.scalar_one_or_none()
    if number is None:
        raise DomainError("err_no_community")
    return number


async def create(
    *, session: AsyncSession, community_id: str, reporter_id: str, text: str,
    category: str, urgency: str, room_id: str | None, grid_id: int | None,
    building: str | None, unit: str | None, room_no: str | None,
    evidence: str | None = None,
) -> Ticket:
    number = await next_number(session=session, community_id=community_id)
    ticket = Ticket(
        community_id=community_id, number=number, status=OPEN, category=category,
        urgency=urgency, text=text[:MAX_TEXT], evidence=evidence, reporter_id=reporter_id,
        room_id=room_id, grid_id=grid_id, building=building, unit=unit, room_no=room_no,
    )
    session.add(ticket)
    await session.flush()
    session.add(TicketEvent(ticket_id=ticket.id, action="create", to_status=OPEN, actor_id=reporter_id))
    return ticket


async def get_by_number(*, session: AsyncSession, community_id: str, number: int | None) -> Ticket:
    if number is None:
        raise DomainError("err_bad_number", example="查询 12")
    ticket = await session.scalar(
        select(Ticket).where(Ticket.community_id == community_id, Ticket.number == number)
    )
    if ticket is None:
        raise DomainError("err_ticket_not_found", number=number)
    return ticket


async def _transition(
    *, session: AsyncSession, ticket: Ticket, action: str, actor_id: str | None,
    note: str | None = None, extra_where=None, **values,
) -> None:
    sources, target, verb = TRANSITIONS[action]
    now = utcnow()
    if action in _STAMPS:  # lifecycle timestamps for deadlines and statistics (issue 5)
        values.setdefault(_STAMPS[action], now)
    elif action == "reject":  # the work is not done after all: it counts as open again
        values.setdefault("done_at", None)
    condition = and_(Ticket.id == ticket.id, Ticket.status.in_(sources))
    if extra_where is not None:
        condition = and_(condition, extra_where)
    result = await session.execute(
        update(Ticket).where(condition).values(status=target, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        await session.refresh(ticket)
        raise _refusal(ticket, action, verb)
    previous = ticket.status
    # The UPDATE above already wrote these: record them as loaded, not as changes to flush.
    for key, value in {"status": target, "updated_at": now, **values}.items():
        set_committed_value(ticket, key, value)
    session.add(TicketEvent(
        ticket_id=ticket.id, action=action, from_status=previous, to_status=target,
        actor_id=actor_id, note=(note or None) and note[:500],
    ))


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
        claimer = await session.get(Person, ticket.claimer_id) if ticket.claimer_id else None
        if ticket.claimer_id == person_id:
            raise DomainError("err_bad_transition", number=ticket.number, status="您已认领", action="重复认领")
        raise DomainError("err_already_claimed", number=ticket.number,
                          claimer=claimer.name if claimer else "其他志愿者")
    await _transition(session=session, ticket=ticket, action="claim", actor_id=person_id,
                      extra_where=Ticket.claimer_id.is_(None), claimer_id=person_id)
    session.add(Claim(ticket_id=ticket.id, person_id=person_id))


async def assign(*, session: AsyncSession, ticket: Ticket, person_id: str, actor_id: str) -> None:
    if ticket.reporter_id == person_id:
        raise DomainError("err_own_ticket", number=ticket.number)
    previous = ticket.claimer_id
    await _transition(session=session, ticket=ticket, action="assign", actor_id=actor_id,
                      note=f"assigned to {person_id}", claimer_id=person_id)
    if previous and previous != person_id:
        await _end_claim(session=session, ticket=ticket, person_id=previous, outcome="reassigned")
    if previous != person_id:
        session.add(Claim(ticket_id=ticket.id, person_id=person_id))


def _require_claimer(ticket: Ticket, person_id: str) -> None:
    if ticket.claimer_id != person_id:
        raise DomainError("err_not_claimer", number=ticket.number)


async def _end_claim(*, session: AsyncSession, ticket: Ticket, person_id: str, outcome: str) -> None:
    await session.execute(
        update(Claim)
        .where(Claim.ticket_id == ticket.id, Claim.person_id == person_id, Claim.ended_at.is_(None))
        .values(ended_at=utcnow(), outcome=outcome)
    )


async def release(*, session: AsyncSession, ticket: Ticket, person_id: str) -> None:
    if ticket.status == CLAIMED:
        _require_claimer(ticket, person_id)
    await _transition(session=session, ticket=ticket, action="release", actor_id=person_id,
                      extra_where=Ticket.claimer_id == person_id, claimer_id=None)
    await _end_claim(session=session, ticket=ticket, person_id=person_id, outcome="released")


async def complete(*, session: AsyncSession, ticket: Ticket, person_id: str, note: str) -> None:
    if ticket.status in (CLAIMED, DONE):
        _require_claimer(ticket, person_id)
    await _transition(session=session, ticket=ticket, action="complete", actor_id=person_id,
                      note=note, extra_where=Ticket.claimer_id == person_id)


async def verify(*, session: AsyncSession, ticket: Ticket, actor_id: str, points: int) -> None:
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


async def open_tickets(*, session: AsyncSession, community_id: str, limit: int = 10) -> list[Ticket]:
    rows = await session.scalars(
        select(Ticket)
        .where(Ticket.community_id == community_id, Ticket.status == OPEN)
        .order_by((Ticket.urgency == "urgent").desc(), Ticket.number)
        .limit(limit)
    )
    return list(rows)


async def count_open(*, session: AsyncSession, community_id: str) -> int:
    from sqlalchemy import func

    return int(await session.scalar(
        select(func.count()).select_from(Ticket)
        .where(Ticket.community_id == community_id, Ticket.status == OPEN)
    ) or 0)


async def events_of(*, session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    return list(await session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    ))
