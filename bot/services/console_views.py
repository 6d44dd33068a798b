"""What the console pages read (issue 14): 今日 and the 诉求 list. Plain values, no ORM objects,
so templates cannot lazy-load. Visibility comes from bot.services.scope (grids a person sees)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Grid, Ticket
from bot.services import grids as grids_tree
from bot.services import scope
from bot.services.tickets import ACTIVE, CLAIMED, DONE, OPEN
from bot.signing import expiring_path, file_key

NO_GRID = "未分网格"


@dataclass
class GridRow:
    name: str
    open: int = 0
    offered: int = 0  # open and already pushed to a wider circle (dispatch_level > 0)
    claimed: int = 0
    done: int = 0
    overdue: int = 0
    urgent: int = 0
    escalated: int = 0  # handed to a department (转办, 吹哨) or raised to the street (上报), not finished there


@dataclass(frozen=True)
class TicketLine:
    id: int
    number: int
    status: str
    category: str
    urgency: str
    text: str
    grid: str
    created_at: datetime
    deadline_at: datetime | None
    overdue: bool


@dataclass
class Today:
    grids: list[GridRow]
    urgent_first: list[TicketLine]
    since_yesterday: dict[str, int] = field(default_factory=dict)


def _estate_names(grids: list[Grid]) -> dict[int, str]:
    """Each grid's name at the estate level (a building's 东区), for grouping."""
    by_id = {g.id: g for g in grids if g.id is not None}
    names: dict[int, str] = {}
    for g in grids:
        top = grids_tree.up_to(g, "estate", by_id) or g
        if g.id is not None:
            names[g.id] = top.name
    return names


def _visible(grid_id: int | None, allowed: frozenset[int] | None) -> bool:
    return allowed is None or (grid_id is not None and grid_id in allowed)


async def today(*, session: AsyncSession, community_id: str, allowed: frozenset[int] | None, now: datetime,
                limit: int = 30) -> Today:
    every = await scope.community_grids(session=session, community_id=community_id)
    estate = _estate_names(every)
    cols = (Ticket.id, Ticket.number, Ticket.status, Ticket.category, Ticket.urgency, Ticket.text, Ticket.grid_id,
            Ticket.building, Ticket.created_at, Ticket.deadline_at, Ticket.dispatch_level)
    rows = await session.execute(select(*cols).where(Ticket.community_id == community_id,
                                                     Ticket.status.in_(ACTIVE)))
    from bot.services.departments import STREET_LEVEL

    handed = await _handed_up(session, community_id)
    by_grid: dict[str, GridRow] = {}
    lines: list[TicketLine] = []
    buildings = {g.building_no: g.id for g in every if g.level == "building" and g.building_no}
    for (tid, number, status, category, urgency, text, grid_id, building, created, deadline, level) in rows:
        place = buildings.get(building, grid_id) if building else grid_id
        if not _visible(place, allowed):
            continue
        name = estate.get(place, NO_GRID) if place is not None else NO_GRID
        row = by_grid.setdefault(name, GridRow(name))
        overdue = deadline is not None and deadline < now and status in (OPEN, CLAIMED)
        row.open += status == OPEN
        row.offered += status == OPEN and level > 0
        row.claimed += status == CLAIMED
        row.done += status == DONE
        row.overdue += overdue
        row.urgent += urgency == "urgent"
        row.escalated += tid in handed or level >= STREET_LEVEL
        lines.append(TicketLine(tid, number, status, category, urgency, text[:60], name, created, deadline, overdue))
    lines.sort(key=lambda t: (t.urgency != "urgent", not t.overdue, t.created_at))
    since = now - timedelta(days=1)
    columns = {"new": Ticket.created_at, "claimed": Ticket.claimed_at, "done": Ticket.done_at,
               "verified": Ticket.verified_at}
    # One pass over the community's tickets for the four counts (not four scans).
    query = select(*(_count(column >= since) for column in columns.values()))
    query = query.where(Ticket.community_id == community_id, or_(*(c >= since for c in columns.values())))
    if allowed is not None:
        query = query.where(Ticket.grid_id.in_(allowed))
    counted = dict(zip(columns, (int(v) for v in (await session.execute(query)).one()), strict=True))
    return Today(sorted(by_grid.values(), key=lambda r: (-r.urgent, -r.overdue, r.name)), lines[:limit], counted)


def _count(condition):
    """How many rows of the query meet ``condition`` (0, not NULL, when none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def _handed_up(session: AsyncSession, community_id: str) -> set[int]:
    """Active tickets of the community with department work not finished (转办 assigned or accepted,
    吹哨 summoned or reported)."""
    from bot.db.models_streets import DepartmentTask
    from bot.services import departments

    rows = await session.scalars(select(DepartmentTask.ticket_id).join(Ticket, Ticket.id == DepartmentTask.ticket_id)
                                 .where(Ticket.community_id == community_id, Ticket.status.in_(ACTIVE),
                                        DepartmentTask.status.in_(departments.WAITING)))
    return set(rows)


@dataclass
class CommunityRow:
    community_id: str
    name: str
    urgent: int = 0
    overdue: int = 0
    open: int = 0
    claimed: int = 0
    done: int = 0
    escalated: int = 0


async def overview(*, session: AsyncSession, places: list[tuple[str, str]], now: datetime) -> list[CommunityRow]:
    """今日 for someone who sees several whole communities (a street officer): each community's
    active tickets in one grouped query, the communities with urgent and overdue work first."""
    from bot.db.models_streets import DepartmentTask
    from bot.services import departments

    ids = [cid for cid, _ in places]
    rows = {cid: CommunityRow(cid, name) for cid, name in places}
    late = (Ticket.deadline_at < now) & Ticket.status.in_((OPEN, CLAIMED))
    handed = (select(DepartmentTask.id).where(DepartmentTask.ticket_id == Ticket.id,
                                              DepartmentTask.status.in_(departments.WAITING)).exists())
    up = or_(Ticket.dispatch_level >= departments.STREET_LEVEL, handed)

    query = (select(Ticket.community_id, _count(Ticket.urgency == "urgent"), _count(late), _count(Ticket.status == OPEN),
                    _count(Ticket.status == CLAIMED), _count(Ticket.status == DONE), _count(up))
             .where(Ticket.community_id.in_(ids), Ticket.status.in_(ACTIVE)).group_by(Ticket.community_id))
    for cid, urgent, overdue, opened, claimed, done, escalated in await session.execute(query):
        row = rows[cid]
        row.urgent, row.overdue, row.open, row.claimed, row.done, row.escalated = (
            int(urgent), int(overdue), int(opened), int(claimed), int(done), int(escalated))
    return sorted(rows.values(), key=lambda r: (-r.urgent, -r.overdue, -r.escalated, r.name))


@dataclass(frozen=True)
class Filters:
    status: str = ""
    category: str = ""
    grid: int | None = None
    start: date | None = None
    end: date | None = None
    text: str = ""
    overdue: bool = False
    department: str = ""  # a department of the street the ticket was handed to (转办 or 吹哨)


async def ticket_list(*, session: AsyncSession, community_id: str, allowed: frozenset[int] | None,
                      filters: Filters, now: datetime, limit: int = 200) -> list[TicketLine]:
    every = await scope.community_grids(session=session, community_id=community_id)
    estate = _estate_names(every)
    query = select(Ticket).where(Ticket.community_id == community_id)
    if filters.status:
        query = query.where(Ticket.status == filters.status)
    if filters.category:
        query = query.where(Ticket.category == filters.category)
    if filters.text:
        query = query.where(Ticket.text.contains(filters.text, autoescape=True))
    if filters.start:
        query = query.where(Ticket.created_at >= _midnight(filters.start))
    if filters.end:
        query = query.where(Ticket.created_at < _midnight(filters.end + timedelta(days=1)))
    if filters.overdue:
        query = query.where(Ticket.deadline_at < now, Ticket.status.in_((OPEN, CLAIMED)))
    if filters.department:
        from bot.db.models_streets import Department, DepartmentTask

        query = query.where(Ticket.id.in_(select(DepartmentTask.ticket_id).join(
            Department, Department.id == DepartmentTask.department_id).where(Department.name == filters.department)))
    if filters.grid is not None:
        wanted = next((g for g in every if g.id == filters.grid), None)
        inside = grids_tree.subtree(wanted, every) if wanted else set()
        query = query.where(or_(Ticket.grid_id.in_(inside),
                                Ticket.building.in_([g.building_no for g in every if g.id in inside and g.building_no])))
    out: list[TicketLine] = []
    for t in await session.scalars(query.order_by(Ticket.id.desc()).limit(limit * 4)):
        place = scope.ticket_grid(t, every)
        if not _visible(place, allowed):
            continue
        overdue = t.deadline_at is not None and t.deadline_at < now and t.status in (OPEN, CLAIMED)
        out.append(TicketLine(t.id, t.number, t.status, t.category, t.urgency, t.text[:60],
                              estate.get(place, NO_GRID) if place is not None else NO_GRID,
                              t.created_at, t.deadline_at, overdue))
        if len(out) >= limit:
            break
    return out


def _midnight(day: date) -> datetime:
    from bot.services.stats import local_midnight

    return local_midnight(day)


async def notice_scopes(*, session: AsyncSession, community_id: str) -> list[str]:
    """What a notice can be sent to, as /广播 and /定时 read it: 全体, 党员, each estate and building."""
    every = await scope.community_grids(session=session, community_id=community_id)
    return ["全体", "党员", *(g.name for g in every if g.level == "estate"),
            *(g.name for g in every if g.level == "building")]


@dataclass
class Emergency:
    wartime: tuple[str, datetime] | None  # (reason, since) while 战时 is on
    calls: list[tuple[int, str, datetime, str]]  # open roll calls: number, place, when, tally


async def emergency(*, session: AsyncSession, community_id: str) -> Emergency:
    from bot.services import rollcalls, wartime

    mode = await wartime.active(session=session, community_id=community_id)
    calls = [(c.number, c.place, c.starts_at, rollcalls.tally_text(c, await rollcalls.tally(session=session, call=c)))
             for c in await rollcalls.open_calls(session=session, community_id=community_id)]
    return Emergency((mode.reason, mode.started_at) if mode else None, calls)


async def department_names(*, session: AsyncSession, community_id: str) -> list[str]:
    """The departments of the community's street (for 转办 and the list's filter)."""
    from bot.services import streets

    street = await streets.street_of(session=session, community_id=community_id)
    return [d.name for d in await streets.departments_of(session=session, street_id=street.id)] if street else []


async def ticket_page(*, session: AsyncSession, ticket_id: int):
    """A ticket and its timeline with actors' names, or None."""
    from bot.services import directory, tickets

    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    events = await tickets.events_of(session=session, ticket_id=ticket_id)
    names: dict[str, str] = {}
    for event in events:
        if event.actor_id and event.actor_id not in names:
            names[event.actor_id] = await directory.name_of(session=session, person_id=event.actor_id) or "—"
    claimer = await directory.name_of(session=session, person_id=ticket.claimer_id) if ticket.claimer_id else None
    every = await scope.community_grids(session=session, community_id=ticket.community_id)
    return ticket, events, names, claimer, scope.ticket_grid(ticket, every)


@dataclass(frozen=True)
class Photo:
    role: str  # report (before) | result (after)
    url: str
    thumb_url: str


@dataclass
class TicketExtras:
    photos: list[Photo]
    tasks: list[tuple[str, str, datetime | None]]  # department, status, deadline
    departments: list[str]  # the street's departments, for 转办


async def ticket_extras(*, session: AsyncSession, settings, ticket: Ticket) -> TicketExtras:
    """A ticket's photos (signed /files/ links, thumbnails when there are), departments' tasks and the
    departments it could be handed to."""
    from bot.services import attachments, departments

    def link(key: str) -> str:  # relative: the console is served by the same app as /files/
        return expiring_path(file_key(settings), f"/files/{key}", int(time.time()) + settings.file_link_ttl_seconds)

    photos = [Photo(a.role, link(a.storage_key), link(a.thumb_key or a.storage_key))
              for a in await attachments.of_ticket(session=session, ticket_id=ticket.id)
              if a.kind == "image" and a.storage_key]
    tasks = [(d.name, t.status, t.deadline_at)
             for t, d in await departments.tasks_of(session=session, ticket_id=ticket.id)]
    return TicketExtras(photos, tasks, await department_names(session=session, community_id=ticket.community_id))
