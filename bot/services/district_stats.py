"""The district's roll-up (issue 13): /统计 for a district office and its monthly report.

The same measures as a community's and a street's (bot.services.stats, bot.services.rollup), for
every community of every street of the district, with a row per street, per community and per
department. A district is 119 communities and a year of ~30,000 tickets (issue 16 asks ≤ 2 s), so
the counts are aggregate SQL (GROUP BY community, category, department) over the period's tickets,
read through ``ix_ticket_created`` (community_id, created_at); only the durations for the medians
come back row by row, as numbers, and the medians are taken in Python so both databases agree.

Definitions are those of bot.services.stats (overdue: a deadline was set and the ticket was
completed after it, or is still not completed after it) and bot.services.rollup (a department's
on-time rate is over its transfers whose outcome is known).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Claim, Community, Person, PersonRole, PointsEntry, Ticket
from bot.db.models_streets import Department, DepartmentTask, District, DistrictOfficer, Street
from bot.services import departments
from bot.services.directory import MEMBER
from bot.services.rollup import DepartmentRow
from bot.services.stats import Figures

_STAMP = Ticket.__table__.c.deadline_at.type  # bind ``now`` as the columns store it (text on SQLite)


@dataclass
class AreaRow:
    """One street's or community's measures."""

    id: str
    name: str
    street: str = ""  # a community's street
    created: int = 0
    claimed: int = 0
    verified: int = 0
    with_deadline: int = 0
    overdue: int = 0
    rating_sum: int = 0
    rated: int = 0
    escalated: int = 0
    escalated_on_time: int = 0
    escalated_overdue: int = 0
    claim_minutes: list[float] = field(default_factory=list, repr=False)
    close_hours: list[float] = field(default_factory=list, repr=False)
    departments: list[DepartmentRow] = field(default_factory=list, repr=False)  # a community's, by department

    @property
    def overdue_rate(self) -> float | None:
        return self.overdue / self.with_deadline if self.with_deadline else None

    @property
    def avg_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def on_time_rate(self) -> float | None:
        known = self.escalated_on_time + self.escalated_overdue
        return self.escalated_on_time / known if known else None

    @property
    def median_claim_minutes(self) -> float | None:
        return median(self.claim_minutes) if self.claim_minutes else None

    @property
    def median_close_hours(self) -> float | None:
        return median(self.close_hours) if self.close_hours else None

    def figures(self, start: datetime, end: datetime) -> Figures:
        """As a community's Figures (no ticket rows, no members) for the street's tables."""
        return Figures(start, end, created=self.created, claimed=self.claimed, verified=self.verified,
                       median_claim_minutes=self.median_claim_minutes, median_close_hours=self.median_close_hours,
                       with_deadline=self.with_deadline, overdue=self.overdue, avg_rating=self.avg_rating,
                       departments=list(self.departments))

    def add(self, other: "AreaRow") -> None:
        for name in ("created", "claimed", "verified", "with_deadline", "overdue", "rating_sum", "rated",
                     "escalated", "escalated_on_time", "escalated_overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.claim_minutes += other.claim_minutes
        self.close_hours += other.close_hours


@dataclass
class DistrictFigures:
    district: District
    total: Figures  # the same measures as a community's (no ticket rows: see ``communities``)
    streets: list[AreaRow] = field(default_factory=list)
    communities: list[AreaRow] = field(default_factory=list)
    departments: list[tuple[str, DepartmentRow]] = field(default_factory=list)  # (street name, row)


def _minutes(session: AsyncSession, later, earlier):
    """``later - earlier`` in minutes, computed by the database."""
    if session.bind.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 60.0
    return (func.julianday(later) - func.julianday(earlier)) * 1440.0


def _overdue(now: datetime):
    """bot.services.deadlines.is_overdue as SQL."""
    finished = func.coalesce(
        Ticket.done_at,
        case((Ticket.status.in_(("verified", "closed")), func.coalesce(Ticket.verified_at, Ticket.updated_at)),
             else_=None),
        literal(now, _STAMP))
    return and_(Ticket.deadline_at.is_not(None), Ticket.status != "cancelled", finished > Ticket.deadline_at)


def _task_late(now: datetime):
    """bot.services.departments.overdue as SQL (transfers only)."""
    return and_(DepartmentTask.deadline_at.is_not(None),
                func.coalesce(DepartmentTask.done_at, literal(now, _STAMP)) > DepartmentTask.deadline_at)


def _flag(condition):
    return func.sum(case((condition, 1), else_=0))


async def district_of(*, session: AsyncSession, community_id: str | None) -> District | None:
    if community_id is None:
        return None
    row = await session.scalar(select(District).join(Street, Street.district_id == District.id)
                               .join(Community, Community.street_id == Street.id)
                               .where(Community.id == community_id))
    return row


async def officer_district(*, session: AsyncSession, person_id: str, community_id: str | None) -> District | None:
    """The district a district officer speaks for: the current community's, else their (first) one."""
    mine = list(await session.scalars(select(DistrictOfficer.district_id).where(DistrictOfficer.person_id == person_id)
                                      .order_by(DistrictOfficer.district_id)))
    if not mine:
        return None
    here = await district_of(session=session, community_id=community_id)
    return here if here is not None and here.id in mine else await session.get(District, mine[0])


async def officers_of(*, session: AsyncSession, district_id: str) -> list[str]:
    return list(await session.scalars(select(DistrictOfficer.person_id)
                                      .where(DistrictOfficer.district_id == district_id)
                                      .order_by(DistrictOfficer.person_id)))


async def district_figures(*, session: AsyncSession, district: District, start: datetime, end: datetime,
                           now: datetime, top: int = 5) -> DistrictFigures:
    places = (await session.execute(
        select(Community.id, Community.name, Street.id, Street.name).join(Street, Street.id == Community.street_id)
        .where(Street.district_id == district.id).order_by(Street.id, Community.id))).all()
    every = (await session.execute(select(Street.id, Street.name).where(Street.district_id == district.id)
                                   .order_by(Street.id))).all()
    area = await area_figures(session=session, places=[tuple(p) for p in places], start=start, end=end, now=now,
                              top=top, streets=[tuple(s) for s in every])
    return DistrictFigures(district, area.total, list(area.streets.values()), list(area.communities.values()),
                           area.departments)


@dataclass
class Area:
    """Figures over some communities (a street's, a district's): the total, a row per street and per
    community, and a row per department (with its street's name)."""

    total: Figures
    streets: dict[str, AreaRow]
    communities: dict[str, AreaRow]
    departments: list[tuple[str, DepartmentRow]]


def _sum_into(into: DepartmentRow, row: DepartmentRow) -> None:
    into.handed, into.finished = into.handed + row.handed, into.finished + row.finished
    into.on_time, into.overdue = into.on_time + row.on_time, into.overdue + row.overdue


async def area_figures(*, session: AsyncSession, places: list[tuple], start: datetime, end: datetime,
                       now: datetime, top: int = 5, streets: list[tuple] = ()) -> Area:
    """``places``: (community id, name, street id, street name) in the order the rows should have;
    ``streets``: (id, name) of streets to list even with no community."""
    street_rows: dict[str, AreaRow] = {}
    communities: dict[str, AreaRow] = {}
    street_of: dict[str, str] = {}
    for cid, cname, sid, sname in places:
        street_rows.setdefault(sid, AreaRow(sid, sname))
        communities[cid] = AreaRow(cid, cname, street=sname)
        street_of[cid] = sid
    for sid, sname in streets:
        street_rows.setdefault(sid, AreaRow(sid, sname))  # a street with no community yet still has a row
    ids = list(communities)
    f = Figures(start, end)
    area = Area(f, dict(sorted(street_rows.items())), communities, [])
    if not ids:
        return area
    in_period = and_(Ticket.community_id.in_(ids), Ticket.created_at >= start, Ticket.created_at < end)
    live = and_(Ticket.deadline_at.is_not(None), Ticket.status != "cancelled")
    for cid, created, claimed, verified, with_deadline, overdue, rating_sum, rated in (await session.execute(
            select(Ticket.community_id, func.count(), func.count(Ticket.claimed_at), func.count(Ticket.verified_at),
                   _flag(live), _flag(_overdue(now)), func.coalesce(func.sum(Ticket.rating), 0),
                   func.count(Ticket.rating))
            .where(in_period).group_by(Ticket.community_id))).all():
        row = communities[cid]
        row.created, row.claimed, row.verified = created, claimed, verified
        row.with_deadline, row.overdue = int(with_deadline or 0), int(overdue or 0)
        row.rating_sum, row.rated = int(rating_sum or 0), rated
    for cid, claim, close in (await session.execute(
            select(Ticket.community_id,
                   case((Ticket.claimed_at.is_not(None), _minutes(session, Ticket.claimed_at, Ticket.created_at))),
                   case((Ticket.verified_at.is_not(None), _minutes(session, Ticket.verified_at, Ticket.created_at))))
            .where(in_period, or_(Ticket.claimed_at.is_not(None), Ticket.verified_at.is_not(None))))).all():
        row = communities[cid]
        if claim is not None:
            row.claim_minutes.append(float(claim))
        if close is not None:
            row.close_hours.append(float(close) / 60)
    by_category = (await session.execute(select(Ticket.category, func.count()).where(in_period)
                                         .group_by(Ticket.category))).all()
    done = DepartmentTask.status == departments.DONE
    by_department: dict[str, tuple[str, DepartmentRow]] = {}
    by_name: dict[str, DepartmentRow] = {}
    for cid, dep_id, name, sid, handed, finished, on_time, late in (await session.execute(
            select(Ticket.community_id, Department.id, Department.name, Department.street_id, func.count(),
                   _flag(done), _flag(and_(done, ~_task_late(now))), _flag(_task_late(now)))
            .join(DepartmentTask, DepartmentTask.department_id == Department.id)
            .join(Ticket, Ticket.id == DepartmentTask.ticket_id)
            .where(in_period, DepartmentTask.kind == departments.TRANSFER)
            .group_by(Ticket.community_id, Department.id, Department.name, Department.street_id)
            .order_by(Department.street_id, Department.name, Ticket.community_id))).all():
        row = DepartmentRow(name, handed, int(finished or 0), int(on_time or 0), int(late or 0))
        community = communities[cid]
        community.departments.append(row)
        community.escalated += row.handed
        community.escalated_on_time += row.on_time
        community.escalated_overdue += row.overdue
        street_name = street_rows[sid].name if sid in street_rows else sid
        _sum_into(by_department.setdefault(dep_id, (street_name, DepartmentRow(name)))[1], row)
        _sum_into(by_name.setdefault(name, DepartmentRow(name)), row)
    area.departments = sorted(by_department.values(), key=lambda sr: (sr[0], sr[1].name))
    whole = AreaRow("", "")
    for cid, row in communities.items():
        row.departments.sort(key=lambda r: (-r.handed, r.name))
        street_rows[street_of[cid]].add(row)
        whole.add(row)
    f.created, f.claimed, f.verified = whole.created, whole.claimed, whole.verified
    f.by_category = sorted(((c, n) for c, n in by_category), key=lambda kv: (-kv[1], kv[0]))
    f.median_claim_minutes, f.median_close_hours = whole.median_claim_minutes, whole.median_close_hours
    f.with_deadline, f.overdue, f.avg_rating = whole.with_deadline, whole.overdue, whole.avg_rating
    f.departments = sorted(by_name.values(), key=lambda r: (-r.handed, r.name))
    f.top_members = await _top_members(session, ids, start, end, top)
    return area


async def _top_members(session: AsyncSession, ids: list[str], start: datetime, end: datetime,
                       top: int) -> list[tuple[str, int, int]]:
    """The district's most active members (people holding the member role): tickets of the district's
    communities completed in the period, then points earned in them."""
    def member(person_id):
        """A member (somewhere): a correlated EXISTS on the person's roles. An IN over the district's
        members made SQLite list all 12,000 first, and naming the 119 communities here probed each."""
        return select(PersonRole.id).where(PersonRole.person_id == person_id, PersonRole.role == MEMBER).exists()

    done = (await session.execute(
        select(Claim.person_id, func.count().label("n")).join(Ticket, Ticket.id == Claim.ticket_id)
        .where(Ticket.community_id.in_(ids), Claim.outcome == "done", Claim.ended_at >= start, Claim.ended_at < end,
               member(Claim.person_id))
        .group_by(Claim.person_id).order_by(func.count().desc(), Claim.person_id).limit(top * 4))).all()
    earned = (await session.execute(
        select(PointsEntry.person_id, func.sum(PointsEntry.amount))
        .where(PointsEntry.community_id.in_(ids), PointsEntry.created_at >= start, PointsEntry.created_at < end,
               member(PointsEntry.person_id))
        .group_by(PointsEntry.person_id).having(func.sum(PointsEntry.amount) > 0)
        .order_by(func.sum(PointsEntry.amount).desc(), PointsEntry.person_id).limit(top * 4))).all()
    counts = {p: int(n) for p, n in done}
    points = {p: int(n or 0) for p, n in earned}
    people = set(counts) | set(points)
    if not people:
        return []
    missing = [p for p in people if p not in points]
    if missing:  # the points of the busiest members that were not among the top earners
        points.update({p: int(n or 0) for p, n in (await session.execute(
            select(PointsEntry.person_id, func.sum(PointsEntry.amount))
            .where(PointsEntry.community_id.in_(ids), PointsEntry.created_at >= start, PointsEntry.created_at < end,
                   PointsEntry.person_id.in_(missing)).group_by(PointsEntry.person_id))).all()})
    names = dict((await session.execute(select(Person.id, Person.name).where(Person.id.in_(people)))).all())
    ranked = sorted(people, key=lambda p: (-counts.get(p, 0), -points.get(p, 0), names.get(p, p)))
    return [(names.get(p, p), counts.get(p, 0), points.get(p, 0)) for p in ranked[:top]]
