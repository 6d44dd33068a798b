"""Tasks for several people (搬运, 值守): a ticket or a wish that needs N people.

``TaskNeed`` says how many; each person who takes part holds a ``TaskPlace``. Taking a place
is a conditional UPDATE of the need's counter (``taken < places``), so when two people ask
for the last place at once exactly one gets it, on SQLite and on PostgreSQL. The ticket
itself goes through the one state machine (bot.services.tickets): claimed when the last
place is taken, open again when a place is let go, done when every part is done, verified
when every part is verified; each part is completed, checked and credited on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import clock
from bot.db import rows
from bot.db.models import Claim, Person
from bot.db.models_tasks import TaskNeed, TaskPlace
from bot.errors import DomainError
from bot.replies import status_name
from bot.services import tickets

ACTIVE, DONE, VERIFIED, RELEASED = "active", "done", "verified", "released"
HELD = (ACTIVE, DONE, VERIFIED)
MIN_PLACES, MAX_PLACES = 2, 50
MAX_MINUTES = 8 * 60  # a part's service time is at most a working day
_STATED = re.compile(r"(\d+(?:\.\d+)?|半)\s*(?:个)?\s*(小时|钟头|分钟)")


@dataclass(frozen=True, slots=True)
class Part:
    person_id: str
    name: str
    status: str
    minutes: int | None


async def need_of(*, session: AsyncSession, ticket_id: int) -> TaskNeed | None:
    return await session.scalar(select(TaskNeed).where(TaskNeed.ticket_id == ticket_id))


async def needs_of(*, session: AsyncSession, ticket_ids: list[int]) -> dict[int, TaskNeed]:
    if not ticket_ids:
        return {}
    return {n.ticket_id: n for n in await session.scalars(select(TaskNeed).where(TaskNeed.ticket_id.in_(ticket_ids)))}


async def set_places(*, session: AsyncSession, ticket, places: int, actor_id: str) -> TaskNeed:
    """Make a ticket need ``places`` people, or change how many (never below those who hold one)."""
    if not MIN_PLACES <= places <= MAX_PLACES:
        raise DomainError("task_places_range", low=MIN_PLACES, high=MAX_PLACES)
    need = await need_of(session=session, ticket_id=ticket.id)
    if need is None:
        if ticket.status != tickets.OPEN:
            raise DomainError("task_need_not_open", number=ticket.number)
        need = TaskNeed(ticket_id=ticket.id, community_id=ticket.community_id, places=places, created_by=actor_id)
        session.add(need)
        await session.flush()
    else:
        if ticket.status not in (tickets.OPEN, tickets.CLAIMED):
            raise DomainError("task_need_not_open", number=ticket.number)
        changed = await session.execute(update(TaskNeed).where(TaskNeed.id == need.id, TaskNeed.taken <= places)
                                        .values(places=places).execution_options(synchronize_session=False))
        await session.refresh(need)
        if changed.rowcount != 1:
            raise DomainError("task_places_below_taken", taken=need.taken)
        if ticket.status == tickets.CLAIMED and need.taken < places:
            await tickets.unfill(session=session, ticket=ticket, actor_id=actor_id)
        elif ticket.status == tickets.OPEN and need.taken == places:
            await _fill(session, ticket, actor_id)
    await tickets.record_event(session=session, ticket_id=ticket.id, action="places", actor_id=actor_id,
                               note=f"needs {places} people")
    return need


async def _fill(session: AsyncSession, ticket, actor_id: str) -> None:
    lead = await session.scalar(select(TaskPlace.person_id).where(
        TaskPlace.ticket_id == ticket.id, TaskPlace.status.in_(HELD)).order_by(TaskPlace.claimed_at, TaskPlace.id)
        .limit(1))
    await tickets.fill(session=session, ticket=ticket, lead_id=lead, actor_id=actor_id)


async def take(*, session: AsyncSession, ticket, need: TaskNeed, person_id: str,
               assigned_by: str | None = None) -> TaskNeed:
    """``person_id`` takes a place; returns the need with its new count. Refused when the
    places are full (``task_full``), when they hold one already, or on their own ticket."""
    if ticket.reporter_id == person_id:
        raise DomainError("err_own_ticket", number=ticket.number)
    place = await session.scalar(select(TaskPlace).where(TaskPlace.ticket_id == ticket.id,
                                                         TaskPlace.person_id == person_id))
    if place is not None and place.status in HELD:
        raise DomainError("task_place_again", number=ticket.number)
    if ticket.status != tickets.OPEN:
        if ticket.status == tickets.CLAIMED:
            raise DomainError("task_full", number=ticket.number, places=need.places)
        raise DomainError("err_not_open", number=ticket.number, status=status_name(ticket.status))
    now = clock.utcnow()
    try:
        async with session.begin_nested():
            if place is None:
                session.add(TaskPlace(ticket_id=ticket.id, person_id=person_id, assigned_by=assigned_by,
                                      claimed_at=now))
                await session.flush()
            else:  # they let it go before and come back
                again = await session.execute(update(TaskPlace).where(TaskPlace.id == place.id,
                                                                      TaskPlace.status == RELEASED)
                                              .values(status=ACTIVE, claimed_at=now, done_at=None, note=None,
                                                      assigned_by=assigned_by)
                                              .execution_options(synchronize_session=False))
                if again.rowcount != 1:
                    raise IntegrityError("task_place", None, Exception("taken again concurrently"))
    except IntegrityError:  # the same person asked twice at once
        raise DomainError("task_place_again", number=ticket.number) from None
    won = await session.execute(update(TaskNeed).where(TaskNeed.id == need.id, TaskNeed.taken < TaskNeed.places)
                                .values(taken=TaskNeed.taken + 1).returning(TaskNeed.taken, TaskNeed.places))
    row = won.first()
    if row is None:  # the last place went to someone else: this transaction is rolled back
        raise DomainError("task_full", number=ticket.number, places=need.places)
    need.taken, need.places = row
    await rows.add(session, Claim, ticket_id=ticket.id, person_id=person_id)
    await tickets.record_event(session=session, ticket_id=ticket.id, action="take_place",
                               actor_id=assigned_by or person_id, note=f"{person_id} {need.taken}/{need.places}")
    if need.taken == need.places:
        await _fill(session, ticket, assigned_by or person_id)
    return need


async def _lock(session: AsyncSession, need: TaskNeed, ticket) -> None:
    """Hold the need's row until commit: the last two parts finished (or verified) at once are
    counted one after the other, so one of them sees every part and moves the ticket on."""
    await session.execute(update(TaskNeed).where(TaskNeed.id == need.id).values(places=TaskNeed.places)
                          .execution_options(synchronize_session=False))
    await tickets.refresh(session=session, ticket=ticket)


async def _place(session: AsyncSession, ticket, person_id: str) -> TaskPlace:
    place = await session.scalar(select(TaskPlace).where(TaskPlace.ticket_id == ticket.id,
                                                         TaskPlace.person_id == person_id))
    if place is None or place.status == RELEASED:
        raise DomainError("task_not_yours", number=ticket.number)
    return place


async def leave(*, session: AsyncSession, ticket, need: TaskNeed, person_id: str) -> TaskNeed:
    """Let a place go (only while the part is not done): the ticket is open again if it was full."""
    place = await _place(session, ticket, person_id)
    left = await session.execute(update(TaskPlace).where(TaskPlace.id == place.id, TaskPlace.status == ACTIVE)
                                 .values(status=RELEASED).execution_options(synchronize_session=False))
    if left.rowcount != 1:
        raise DomainError("task_part_finished", number=ticket.number)
    row = (await session.execute(update(TaskNeed).where(TaskNeed.id == need.id).values(taken=TaskNeed.taken - 1)
                                 .returning(TaskNeed.taken))).first()
    need.taken = row[0]
    await session.execute(update(Claim).where(Claim.ticket_id == ticket.id, Claim.person_id == person_id,
                                              Claim.ended_at.is_(None))
                          .values(ended_at=clock.utcnow(), outcome="released"))
    await tickets.record_event(session=session, ticket_id=ticket.id, action="leave_place", actor_id=person_id)
    if ticket.status == tickets.CLAIMED:
        await tickets.unfill(session=session, ticket=ticket, actor_id=person_id)
    return need


def stated_minutes(note: str) -> int | None:
    """How long the member says the part took (「搬了2小时」, 「半小时」, 「40分钟」)."""
    match = _STATED.search(note or "")
    if match is None:
        return None
    amount = 0.5 if match.group(1) == "半" else float(match.group(1))
    return int(amount * 60) if match.group(2) != "分钟" else int(amount)


async def finish(*, session: AsyncSession, ticket, need: TaskNeed, person_id: str, note: str) -> tuple[int, int]:
    """Their part is done; returns (parts done, places). When every place is done the ticket is
    done and waits for 验收."""
    await _lock(session, need, ticket)
    place = await _place(session, ticket, person_id)
    now = clock.utcnow()
    done = await session.execute(update(TaskPlace).where(TaskPlace.id == place.id, TaskPlace.status == ACTIVE)
                                 .values(status=DONE, done_at=now, note=(note or "")[:200])
                                 .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise DomainError("task_part_finished", number=ticket.number)
    await tickets.record_event(session=session, ticket_id=ticket.id, action="part_done", actor_id=person_id,
                               note=(note or None) and note[:500])
    count = await _count(session, ticket.id, (DONE, VERIFIED))
    if count == need.places and ticket.status == tickets.CLAIMED:
        await tickets.all_parts_done(session=session, ticket=ticket, actor_id=person_id)
    return count, need.places


async def _count(session: AsyncSession, ticket_id: int, statuses: tuple[str, ...]) -> int:
    return int(await session.scalar(select(func.count()).select_from(TaskPlace).where(
        TaskPlace.ticket_id == ticket_id, TaskPlace.status.in_(statuses))) or 0)


def _minutes(place: TaskPlace, now: datetime) -> int:
    stated = stated_minutes(place.note or "")
    if stated is None:
        stated = int(((place.done_at or now) - place.claimed_at) / timedelta(minutes=1))
    return max(0, min(stated, MAX_MINUTES))


async def check(*, session: AsyncSession, ticket, need: TaskNeed, actor_id: str,
                person_ids: list[str] | None, points: int) -> list[TaskPlace]:
    """验收 the done parts (of ``person_ids``, or all): each is verified with its service time;
    returns them. The ticket is verified with the last part."""
    await _lock(session, need, ticket)
    query = select(TaskPlace).where(TaskPlace.ticket_id == ticket.id, TaskPlace.status == DONE)
    if person_ids is not None:
        query = query.where(TaskPlace.person_id.in_(person_ids))
    found = list(await session.scalars(query.order_by(TaskPlace.done_at, TaskPlace.id)))
    if not found:
        raise DomainError("task_nothing_to_check", number=ticket.number)
    if any(p.person_id == actor_id for p in found):
        raise DomainError("err_self_verify", number=ticket.number)
    now = clock.utcnow()
    checked = []
    for place in found:
        minutes = _minutes(place, now)
        result = await session.execute(update(TaskPlace).where(TaskPlace.id == place.id, TaskPlace.status == DONE)
                                       .values(status=VERIFIED, verified_at=now, verified_by=actor_id,
                                               minutes=minutes).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            place.status, place.verified_at, place.minutes = VERIFIED, now, minutes
            checked.append(place)
            await session.execute(update(Claim).where(Claim.ticket_id == ticket.id,
                                                      Claim.person_id == place.person_id, Claim.ended_at.is_(None))
                                  .values(ended_at=now, outcome="done"))
            await tickets.record_event(session=session, ticket_id=ticket.id, action="part_verified",
                                       actor_id=actor_id, note=f"{place.person_id} points {points}")
    if checked and ticket.status == tickets.DONE and await _count(session, ticket.id, (VERIFIED,)) == need.places:
        await tickets.verify(session=session, ticket=ticket, actor_id=actor_id, points=points)
    return checked


async def send_back(*, session: AsyncSession, ticket, person_id: str, actor_id: str, reason: str) -> None:
    """驳回 one part: it is theirs to do again; a done ticket is claimed again."""
    place = await _place(session, ticket, person_id)
    back = await session.execute(update(TaskPlace).where(TaskPlace.id == place.id, TaskPlace.status == DONE)
                                 .values(status=ACTIVE, done_at=None).execution_options(synchronize_session=False))
    if back.rowcount != 1:
        raise DomainError("task_nothing_to_check", number=ticket.number)
    if ticket.status == tickets.DONE:
        await tickets.reject(session=session, ticket=ticket, actor_id=actor_id, reason=reason)
    else:
        await tickets.record_event(session=session, ticket_id=ticket.id, action="part_rejected",
                                   actor_id=actor_id, note=f"{person_id} {reason}"[:500])


async def parts(*, session: AsyncSession, ticket_id: int) -> list[Part]:
    """Who holds a place and how far their part is, in the order they took it."""
    return [Part(p.person_id, name, p.status, p.minutes) for p, name in await session.execute(
        select(TaskPlace, Person.name).join(Person, Person.id == TaskPlace.person_id)
        .where(TaskPlace.ticket_id == ticket_id, TaskPlace.status.in_(HELD))
        .order_by(TaskPlace.claimed_at, TaskPlace.id))]


async def working_on(*, session: AsyncSession, community_id: str, person_id: str) -> list:
    """Tickets where this person's part is taken and not yet done (for 「修好了」 and 我的任务)."""
    from bot.db.models import Ticket

    return list(await session.scalars(
        select(Ticket).join(TaskPlace, TaskPlace.ticket_id == Ticket.id)
        .where(Ticket.community_id == community_id, TaskPlace.person_id == person_id,
               TaskPlace.status == ACTIVE, Ticket.status.in_((tickets.OPEN, tickets.CLAIMED)))
        .order_by(Ticket.number)))
