"""Tiered dispatch (派单) of a new ticket, and its escalation.

Tier 0: the members who live in the ticket's building or estate, best-matching
skills first (at most ``tier1_max``), each offered the ticket *privately*: the
offer is personal ("you live next door and you listed 水电维修"), it does not
spam the members' group, and it keeps the tiers apart (a mention in the shared
group would already be seen by everyone). Tier 1 (after T1): the members'
group(s). Tier 2 (after T2): the secretaries, privately. An urgent ticket goes to
every tier at once. With nobody nearby a ticket starts at tier 1.

Escalation changes ``Ticket.dispatch_level`` (never the status) and records a
TicketEvent "escalate". T1/T2 count from the offer, which quiet hours may delay
to the morning, so a night-time ticket does not skip the nearby members.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, PersonRole, Ticket, TicketEvent
from bot.db.models_schedule import ScheduledJob
from bot.messages import Outgoing
from bot.replies import say
from bot.replies.tickets import ticket_fields
from bot.services import directory, jobs, policy, quiet
from bot.services import grids as grids_tree
from bot.services.directory import GRID_WORKER, MEMBER, SECRETARY

NEARBY, ALL_MEMBERS, SECRETARIES = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: str
    name: str
    skills: str | None
    near: str  # the name of the building or estate they share with the ticket
    score: int


async def secretaries(*, session: AsyncSession, community_id: str) -> list[Person]:
    people = await directory.people_with_role(session=session, community_id=community_id, roles=(SECRETARY,))
    return people or await directory.people_with_role(session=session, community_id=community_id,
                                                      roles=(GRID_WORKER,))


async def nearby_members(*, session: AsyncSession, ticket: Ticket, settings=None) -> list[Candidate]:
    grids = await directory.grids_of(session=session, community_id=ticket.community_id)
    by_id = {g.id: g for g in grids}
    room_grid = by_id.get(ticket.grid_id) if ticket.grid_id else None
    anchor = room_grid
    if ticket.building:
        same = [g for g in grids if g.level == "building" and g.building_no == ticket.building]
        inside = [g for g in same if room_grid and g.id in grids_tree.subtree(room_grid, grids)]
        anchor = (inside or same or [room_grid])[0]
    if anchor is None:
        return []
    building = grids_tree.up_to(anchor, "building", by_id)
    estate = grids_tree.up_to(anchor, "estate", by_id) or anchor
    near_building = grids_tree.subtree(building, grids) if building else set()
    near_estate = grids_tree.subtree(estate, grids) | near_building
    rows = (await session.execute(
        select(PersonRole.person_id, PersonRole.grid_id, PersonRole.skills, Person.name)
        .join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.community_id == ticket.community_id, PersonRole.role == MEMBER,
               PersonRole.grid_id.in_(near_estate), PersonRole.person_id != ticket.reporter_id)
    )).all()
    found = []
    for r in rows:
        in_building = r.grid_id in near_building
        near = (building if in_building else estate).name
        found.append((Candidate(r.person_id, r.name, r.skills, near,
                                policy.skill_score(r.skills, ticket.category, settings)), in_building))
    found.sort(key=lambda c: (-c[0].score, not c[1], c[0].person_id))
    return [c for c, _ in found[:policy.tier1_max(settings)]]


def _offer_text(ticket: Ticket, c: Candidate) -> str:
    reason = (say("dispatch_reason_skill", near=c.near, skills=c.skills) if c.score
              else say("dispatch_reason_near", near=c.near))
    return say("dispatch_offer", reason=reason, **ticket_fields(ticket))


async def _members_rooms(session: AsyncSession, community_id: str):
    return await directory.rooms_of(session=session, community_id=community_id, kind="members")


def _event(ticket: Ticket, level: int, note: str) -> TicketEvent:
    return TicketEvent(ticket_id=ticket.id, action="escalate", from_status=ticket.status,
                       to_status=ticket.status, note=f"level {level}: {note}")


async def offer_new(
    *, session: AsyncSession, ticket: Ticket, now: datetime, settings,
) -> tuple[list[Outgoing], datetime | None]:
    """Plan a new ticket's dispatch and deadline; returns the offers and their not_before."""
    urgent = ticket.urgency == policy.URGENT
    planned = _plan_deadline(ticket, now, settings)
    nearby = await nearby_members(session=session, ticket=ticket, settings=settings)
    out = [Outgoing(text=_offer_text(ticket, c), to=c.person_id) for c in nearby]
    fields = ticket_fields(ticket)
    if urgent:
        for room in await _members_rooms(session, ticket.community_id):
            out.append(Outgoing(text=say("dispatch_urgent_room", **fields), room_id=room.id))
        for person in await secretaries(session=session, community_id=ticket.community_id):
            out.append(Outgoing(text=say("dispatch_urgent_secretary", nearby=len(nearby), **fields),
                                to=person.id))
        ticket.dispatch_level = SECRETARIES
        session.add(_event(ticket, SECRETARIES, "urgent: every tier at once"))
        await jobs.add_many(session=session, items=planned)
        return out, None
    wait = quiet.not_before(now, urgent=False, settings=settings)
    offered_at = wait or now
    t = policy.tiers(ticket.category, settings)
    if not nearby:
        for room in await _members_rooms(session, ticket.community_id):
            out.append(Outgoing(text=say("ticket_new_task", **fields), room_id=room.id))
        ticket.dispatch_level = ALL_MEMBERS
        session.add(_event(ticket, ALL_MEMBERS, "no members live nearby"))
    else:
        planned.append(_job(ticket, "escalate1", offered_at + t.t1))
    planned.append(_job(ticket, "escalate2", offered_at + t.t2))
    await jobs.add_many(session=session, items=planned)
    return out, wait


def _job(ticket: Ticket, kind: str, due_at: datetime) -> dict:
    return {"key": f"{kind}:{ticket.id}", "kind": kind, "community_id": ticket.community_id,
            "ticket_id": ticket.id, "due_at": due_at}


def _plan_deadline(ticket: Ticket, now: datetime, settings) -> list[dict]:
    """Set the deadline; returns its reminder and overdue jobs, to be added with the others."""
    limit = policy.deadline(ticket.category, ticket.urgency, settings)
    ticket.deadline_at = now + limit
    remind_at = ticket.deadline_at - policy.remind_before(ticket.urgency, settings)
    planned = [_job(ticket, "remind", remind_at)] if remind_at > now else []
    return planned + [_job(ticket, "overdue", ticket.deadline_at)]


async def escalate(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    """A T1 or T2 job: widen who is told if the ticket is still open."""
    level = ALL_MEMBERS if job.kind == "escalate1" else SECRETARIES
    ticket = await session.get(Ticket, job.ticket_id)
    if ticket is None or ticket.status != "open":
        return None
    result = await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == "open", Ticket.dispatch_level < level)
        .values(dispatch_level=level).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    ticket.dispatch_level = level
    minutes = max(1, int((now - ticket.created_at).total_seconds() // 60))
    fields = ticket_fields(ticket)
    out: list[Outgoing] = []
    if level == ALL_MEMBERS:
        session.add(_event(ticket, level, "T1 passed: all members"))
        for room in await _members_rooms(session, ticket.community_id):
            out.append(Outgoing(text=say("dispatch_escalated_room", minutes=minutes, **fields), room_id=room.id))
    else:
        session.add(_event(ticket, level, "T2 passed: secretary alerted"))
        for person in await secretaries(session=session, community_id=ticket.community_id):
            out.append(Outgoing(text=say("dispatch_escalated_secretary", minutes=minutes, **fields),
                                to=person.id))
    return jobs.Batch(out, urgent=False)
