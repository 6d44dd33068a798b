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

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket
from bot.db.models_schedule import ScheduledJob
from bot.messages import Outgoing
from bot.replies import say
from bot.replies.tickets import ticket_fields
from bot.services import directory, guards, jobs, policy, quiet
from bot.services import grids as grids_tree
from bot.services.directory import GRID_WORKER, SECRETARY
from bot.services.tickets import record_event

NEARBY, ALL_MEMBERS, SECRETARIES = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: str
    name: str
    skills: str | None
    near: str  # the name of the building or estate they share with the ticket
    score: int


async def secretaries(*, session: AsyncSession, community_id: str) -> tuple[str, ...]:
    """Ids of the secretaries, or of the grid workers where there is no secretary."""
    people = await directory.ids_with_role(session=session, community_id=community_id, roles=(SECRETARY,))
    return people or await directory.ids_with_role(session=session, community_id=community_id,
                                                   roles=(GRID_WORKER,))


async def nearby_members(*, session: AsyncSession, ticket: Ticket, settings=None) -> list[Candidate]:
    """The members living in the ticket's building or estate, best match first (at most tier1_max).

    Reads the cached grid tree and member roster: no query on a warm cache."""
    grids = await directory.grid_tree(session=session, community_id=ticket.community_id)
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
    found = []
    for m in await directory.member_roster(session=session, community_id=ticket.community_id):
        if m.grid_id not in near_estate or m.person_id == ticket.reporter_id:
            continue
        in_building = m.grid_id in near_building
        near = (building if in_building else estate).name
        found.append((Candidate(m.person_id, m.name, m.skills, near,
                                policy.skill_score(m.skills, ticket.category, settings)), in_building))
    found.sort(key=lambda c: (-c[0].score, not c[1], c[0].person_id))
    return [c for c, _ in found[:policy.tier1_max(settings)]]


def _offer_text(ticket: Ticket, c: Candidate) -> str:
    reason = (say("dispatch_reason_skill", near=c.near, skills=c.skills) if c.score
              else say("dispatch_reason_near", near=c.near))
    return say("dispatch_offer", reason=reason, **ticket_fields(ticket))


async def _members_rooms(session: AsyncSession, community_id: str) -> tuple[str, ...]:
    return await directory.room_ids(session=session, community_id=community_id, kind="members")


async def _event(session: AsyncSession, ticket: Ticket, level: int, note: str) -> None:
    await record_event(session=session, ticket_id=ticket.id, action="escalate", from_status=ticket.status,
                       to_status=ticket.status, note=f"level {level}: {note}")


@dataclass(frozen=True, slots=True)
class Plan:
    """How a new ticket will be dispatched, decided before it is written (so one INSERT holds it)."""

    nearby: list[Candidate]
    deadline_at: datetime
    level: int  # the dispatch level the ticket starts at


async def plan_new(*, session: AsyncSession, ticket: Ticket, now: datetime, settings) -> Plan:
    """``ticket`` is not written yet: its place, reporter, category and urgency are what count."""
    nearby = await nearby_members(session=session, ticket=ticket, settings=settings)
    deadline_at = now + policy.deadline(ticket.category, ticket.urgency, settings)
    if ticket.urgency == policy.URGENT:
        level = SECRETARIES
    else:
        level = NEARBY if nearby else ALL_MEMBERS
    return Plan(nearby, deadline_at, level)


async def offer_new(
    *, session: AsyncSession, ticket: Ticket, plan: Plan, now: datetime, settings,
) -> tuple[list[Outgoing], datetime | None]:
    """Offer a ticket just written with ``plan``; returns the offers and their not_before."""
    nearby = plan.nearby
    planned = _deadline_jobs(ticket, now, settings)
    offered = guards.while_open(ticket)  # held offers are dropped if it is taken before they go
    out = [Outgoing(text=_offer_text(ticket, c), to=c.person_id, guard=offered) for c in nearby]
    fields = ticket_fields(ticket)
    if plan.level == SECRETARIES:
        for room_id in await _members_rooms(session, ticket.community_id):
            out.append(Outgoing(text=say("dispatch_urgent_room", **fields), room_id=room_id, guard=offered))
        for person_id in await secretaries(session=session, community_id=ticket.community_id):
            out.append(Outgoing(text=say("dispatch_urgent_secretary", nearby=len(nearby), **fields),
                                to=person_id))
        await _event(session, ticket, SECRETARIES, "urgent: every tier at once")
        await jobs.add_many(session=session, items=planned)
        return out, None
    wait = quiet.not_before(now, urgent=False, settings=settings)
    offered_at = wait or now
    t = policy.tiers(ticket.category, settings)
    if plan.level == ALL_MEMBERS:
        for room_id in await _members_rooms(session, ticket.community_id):
            out.append(Outgoing(text=say("ticket_new_task", **fields), room_id=room_id, guard=offered))
        await _event(session, ticket, ALL_MEMBERS, "no members live nearby")
    else:
        planned.append(_job(ticket, "escalate1", offered_at + t.t1))
    planned.append(_job(ticket, "escalate2", offered_at + t.t2))
    await jobs.add_many(session=session, items=planned)
    return out, wait


def _job(ticket: Ticket, kind: str, due_at: datetime) -> dict:
    return {"key": f"{kind}:{ticket.id}", "kind": kind, "community_id": ticket.community_id,
            "ticket_id": ticket.id, "due_at": due_at}


def _deadline_jobs(ticket: Ticket, now: datetime, settings) -> list[dict]:
    """The reminder and overdue jobs of the ticket's deadline."""
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
    still_open = guards.while_open(ticket)
    if level == ALL_MEMBERS:
        await _event(session, ticket, level, "T1 passed: all members")
        for room_id in await _members_rooms(session, ticket.community_id):
            out.append(Outgoing(text=say("dispatch_escalated_room", minutes=minutes, **fields), room_id=room_id,
                                guard=still_open))
    else:
        await _event(session, ticket, level, "T2 passed: secretary alerted")
        for person_id in await secretaries(session=session, community_id=ticket.community_id):
            out.append(Outgoing(text=say("dispatch_escalated_secretary", minutes=minutes, **fields),
                                to=person_id, guard=still_open))
    return jobs.Batch(out, urgent=False)
