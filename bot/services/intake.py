"""Reporting a problem, as one service: classify, merge with the same open problem, plan
dispatch, write the ticket, offer it. Chat, the console and the CLI all call ``report``;
it returns what happened (``Outcome``) and the offers to send, and writes nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

import nlp
from bot import clock
from bot.db.models import Grid, PersonRole, Ticket
from bot.messages import Outgoing
from bot.replies import say
from bot.replies.tickets import ticket_fields
from bot.services import corrections, dispatching, duplicates, llm, policy, tickets, wartime
from nlp import location

# ALREADY: the reporter had reported or joined this open problem before; nothing is added.
OPENED, MERGED, ALREADY = "opened", "merged", "already"
# Where a ticket's place came from: the message itself, or the reporter's home in the directory.
FROM_TEXT, FROM_HOME = "text", "home"


@dataclass(frozen=True)
class Problem:
    """One problem as understood from a message."""

    text: str
    category: str
    urgency: str
    building: str | None = None
    unit: str | None = None
    room_no: str | None = None
    evidence: str | None = None
    landmark: str | None = None  # a place with no building number: 小区东门, 地下车库

    @classmethod
    def from_text(cls, text: str, result: nlp.Classification | None = None) -> "Problem":
        result = result or nlp.classify(text)
        return cls(text=text, category=result.category or "other", urgency=result.urgency or "normal",
                   building=result.building, unit=result.unit, room_no=result.room,
                   evidence="、".join(result.evidence) or None,
                   landmark=None if result.building else location.landmark(text))

    def as_payload(self) -> dict:
        return dict(vars(self))


@dataclass
class Outcome:
    kind: str  # OPENED | MERGED | ALREADY
    ticket: tickets.TicketRecord | duplicates.Duplicate
    count: int = 1  # residents reporting it (MERGED)
    level: int | None = None  # dispatching.NEARBY / ALL_MEMBERS / SECRETARIES (OPENED)
    nearby: int = 0  # members offered it privately
    wait: datetime | None = None  # offers held until then (quiet hours)
    place: str | None = None  # FROM_TEXT, FROM_HOME or None (nobody knows where)
    offers: list[Outgoing] = field(default_factory=list)


async def refine(*, session: AsyncSession, community_id: str, text: str, result: nlp.Classification,
                 settings, names: tuple[str, ...] = ()) -> nlp.Classification:
    """``classify()``'s result as this community reads it: its own corrections first
    (bot.services.corrections, after ``gridbot nlp retrain``), then, when LLM_URL is set, a large
    model's second opinion on what the classifier is unsure of (bot.services.llm)."""
    result = await corrections.adjust(session=session, community_id=community_id, text=text, result=result)
    return await llm.second_opinion(text=text, result=result, settings=settings, names=names)


async def home_building(*, session: AsyncSession, person_id: str, community_id: str) -> str | None:
    """The building a person lives in, from their home grid in the directory."""
    grid_id = await session.scalar(select(PersonRole.grid_id).where(
        PersonRole.person_id == person_id, PersonRole.community_id == community_id,
        PersonRole.grid_id.is_not(None)).limit(1))
    while grid_id is not None:
        grid = await session.get(Grid, grid_id)
        if grid is None:
            return None
        if grid.building_no:
            return grid.building_no
        grid_id = grid.parent_id if grid.level == "unit" else None
    return None


async def report(
    *, session: AsyncSession, community_id: str, reporter_id: str, room_id: str | None,
    grid_id: int | None, problem: Problem, settings, now: datetime | None = None,
) -> Outcome:
    same = await duplicates.find_duplicate(
        session=session, community_id=community_id, grid_id=grid_id, person_id=reporter_id, text=problem.text,
        place=(problem.building, problem.unit, problem.room_no),
    )
    if same is not None:
        count = None if same.already else await duplicates.attach(
            session=session, ticket=same, person_id=reporter_id, room_id=room_id, text=problem.text)
        if count is None:
            return Outcome(ALREADY, same, count=same.affected_count)
        return Outcome(MERGED, same, count=count)
    place, building = (FROM_TEXT, problem.building) if problem.building or problem.landmark else (None, None)
    if place is None:
        building = await home_building(session=session, person_id=reporter_id, community_id=community_id)
        place = FROM_HOME if building else None
    # One clock for the ticket's creation and its deadline (deadline = created + the limit).
    now = now or clock.utcnow()
    if problem.urgency != "urgent" and await wartime.active(session=session, community_id=community_id):
        problem = replace(problem, urgency="urgent")  # 战时 mode: every new ticket is urgent
    draft = tickets.draft(
        community_id=community_id, reporter_id=reporter_id, text=problem.text, category=problem.category,
        urgency=problem.urgency, room_id=room_id, grid_id=grid_id, building=building,
        # A unit or flat the message names stays with a building from home ("我家也停暖了 3单元502"): the
        # resident said where; only the building was missing.
        unit=problem.unit if place else None, room_no=problem.room_no if place else None,
        evidence=problem.evidence, now=now,
    )
    # Dispatch is planned first so that the ticket's one INSERT already holds its deadline and level.
    plan = await dispatching.plan_new(session=session, ticket=draft, now=now, settings=settings)
    draft.deadline_at, draft.dispatch_level = plan.deadline_at, plan.level
    ticket = await tickets.insert(session=session, ticket=draft)
    offers, wait = await dispatching.offer_new(session=session, ticket=ticket, plan=plan, now=now,
                                               settings=settings)
    return Outcome(OPENED, ticket, level=plan.level, nearby=len(plan.nearby), wait=wait, place=place,
                   offers=offers)


async def relocate(*, session: AsyncSession, community_id: str, number: int, building: str | None,
                   unit: str | None, room_no: str | None, place: str | None, actor_id: str):
    """The reporter said where: record it on their ticket (and in its timeline)."""
    ticket = await tickets.get_by_number(session=session, community_id=community_id, number=number)
    await tickets.set_location(session=session, ticket=ticket, building=building, unit=unit, room_no=room_no,
                               place=place, actor_id=actor_id)
    return ticket


async def raise_urgency(*, session: AsyncSession, number: int, community_id: str, actor_id: str,
                        text: str) -> list[Outgoing]:
    """A report of danger now joined an open ticket that was not urgent: make it urgent, record
    it, and alert the secretaries at once (the ticket's urgency is only ever raised here)."""
    ticket = await tickets.get_by_number(session=session, community_id=community_id, number=number)
    result = await session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.urgency != policy.URGENT)
        .values(urgency=policy.URGENT).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return []
    ticket.urgency = policy.URGENT
    await tickets.record_event(session=session, ticket_id=ticket.id, action="urgent", actor_id=actor_id,
                               note=text[:200])
    fields = ticket_fields(ticket)
    return [Outgoing(text=say("dispatch_urgent_secretary", nearby=0, **fields), to=person_id)
            for person_id in await dispatching.secretaries(session=session, community_id=community_id)]
