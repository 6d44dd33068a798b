"""Statistics for a period: the figures of the monthly report, /统计 and the xlsx.

Definitions (documented in the reply texts too):
- tickets: registered in the period (cancelled ones listed but not counted as overdue);
- time to claim: registration → (last) claim; time to close (办结用时): registration → verification;
- overdue (超时): a deadline was set and the ticket was completed after it, or is still
  not completed after it; the rate is over the tickets that have a deadline;
- most active members: people holding the member role in the community (residents and staff
  who are not members do not count), by tickets of theirs completed in the period, then points
  earned in it;
- escalations by department and their on-time rate: see bot.services.rollup;
- with a grid (``/统计 本月 东区``): the tickets of that grid and the grids below it (a ticket's
  grid as bot.services.scope.ticket_grid says), and the members whose home grid is there.
Medians are computed in Python so both databases agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import LOCAL_TZ, to_local
from bot.db.models import Claim, Grid, Person, PersonRole, PointsEntry, Ticket
from bot.errors import DomainError
from bot.services import ranking, scope
from bot.services.deadlines import is_overdue
from bot.services.directory import MEMBER


@dataclass
class Figures:
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive
    created: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)
    claimed: int = 0
    verified: int = 0
    median_claim_minutes: float | None = None
    median_close_hours: float | None = None
    with_deadline: int = 0
    overdue: int = 0
    avg_rating: float | None = None
    top_members: list[tuple[str, int, int]] = field(default_factory=list)  # name, done, points
    tickets: list[Ticket] = field(default_factory=list)
    departments: list = field(default_factory=list)  # bot.services.rollup.DepartmentRow, by department

    @property
    def overdue_rate(self) -> float | None:
        return self.overdue / self.with_deadline if self.with_deadline else None


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(timezone.utc)


def period(word: str, now: datetime) -> tuple[datetime, datetime] | None:
    """本周 / 本月 / 上周 / 上月 / 今天 / 昨天 → [start, end) in UTC; None for other words."""
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    prev_first = (first - timedelta(days=1)).replace(day=1)
    spans = {
        "今天": (today, today + timedelta(days=1)), "昨天": (today - timedelta(days=1), today),
        "本周": (monday, monday + timedelta(days=7)), "上周": (monday - timedelta(days=7), monday),
        "本月": (first, (first + timedelta(days=32)).replace(day=1)), "上月": (prev_first, first),
    }
    span = spans.get(word.strip())
    return (local_midnight(span[0]), local_midnight(span[1])) if span else None


@dataclass(frozen=True)
class Request:
    """What ``/统计`` asked for: a period (its word and span) and optionally a grid."""

    word: str
    start: datetime
    end: datetime
    grid: Grid | None
    grid_ids: list[int] | None  # the grid and the grids below it


async def read_request(*, session: AsyncSession, community_id: str, args: str, now: datetime) -> Request:
    """``本月``, ``本月 东区``, ``东区 上周``, ``3号楼`` (the period defaults to 本月), or a DomainError."""
    word, span, grid = None, None, None
    for token in args.split():
        if word is None and (found := period(token, now)) is not None:
            word, span = token, found
        elif grid is None and (place := await ranking.find_grid(session=session, community_id=community_id,
                                                                 name=token)) is not None:
            grid = place
        else:
            raise DomainError("stats_bad_word", word=token)
    if word is None:
        word, span = "本月", period("本月", now)
    grid_ids = await ranking.grid_subtree(session=session, grid=grid) if grid else None
    return Request(word, span[0], span[1], grid, grid_ids)


def month_span(year: int, month: int) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    return local_midnight(first), local_midnight((first + timedelta(days=32)).replace(day=1))


async def figures(*, session: AsyncSession, community_id: str, start: datetime, end: datetime,
                  now: datetime, top: int = 5, grid_ids: list[int] | None = None) -> Figures:
    """The period's figures for the community, or for the grids ``grid_ids`` (a grid and its subtree)."""
    f = Figures(start, end)
    rows = list(await session.scalars(
        select(Ticket).where(Ticket.community_id == community_id, Ticket.created_at >= start,
                             Ticket.created_at < end).order_by(Ticket.number)))
    if grid_ids is not None:
        grids = await scope.community_grids(session=session, community_id=community_id)
        rows = [t for t in rows if scope.ticket_grid(t, grids) in grid_ids]
    f.tickets, f.created = rows, len(rows)
    counts: dict[str, int] = {}
    for t in rows:
        counts[t.category] = counts.get(t.category, 0) + 1
        f.by_status[t.status] = f.by_status.get(t.status, 0) + 1
    f.by_category = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    claim_minutes = [(t.claimed_at - t.created_at).total_seconds() / 60 for t in rows if t.claimed_at]
    close_hours = [(t.verified_at - t.created_at).total_seconds() / 3600 for t in rows if t.verified_at]
    f.claimed, f.verified = len(claim_minutes), len(close_hours)
    f.median_claim_minutes = median(claim_minutes) if claim_minutes else None
    f.median_close_hours = median(close_hours) if close_hours else None
    live = [t for t in rows if t.deadline_at is not None and t.status != "cancelled"]
    f.with_deadline = len(live)
    f.overdue = sum(1 for t in live if is_overdue(t, now))
    ratings = [t.rating for t in rows if t.rating is not None]
    f.avg_rating = sum(ratings) / len(ratings) if ratings else None
    f.top_members = await _top_members(session, community_id, start, end, top, grid_ids)
    from bot.services.rollup import department_rows  # rollup builds on this module

    f.departments = (await department_rows(session=session, ticket_ids=[t.id for t in rows], now=now))[0]
    return f


async def _top_members(session: AsyncSession, community_id: str, start: datetime, end: datetime,
                       top: int, grid_ids: list[int] | None) -> list[tuple[str, int, int]]:
    roles = select(PersonRole.person_id).where(PersonRole.community_id == community_id, PersonRole.role == MEMBER)
    if grid_ids is not None:
        roles = roles.where(PersonRole.grid_id.in_(grid_ids))
    members = set(await session.scalars(roles))
    done = dict((await session.execute(
        select(Claim.person_id, func.count())
        .join(Ticket, Ticket.id == Claim.ticket_id)
        .where(Ticket.community_id == community_id, Claim.outcome == "done",
               Claim.ended_at >= start, Claim.ended_at < end)
        .group_by(Claim.person_id))).all())
    earned = dict((await session.execute(
        select(PointsEntry.person_id, func.sum(PointsEntry.amount))
        .where(PointsEntry.community_id == community_id, PointsEntry.created_at >= start,
               PointsEntry.created_at < end)
        .group_by(PointsEntry.person_id))).all())
    people = (set(done) | {p for p, amount in earned.items() if (amount or 0) > 0}) & members
    if not people:
        return []
    names = dict((await session.execute(select(Person.id, Person.name).where(Person.id.in_(people)))).all())
    ranked = sorted(people, key=lambda p: (-done.get(p, 0), -int(earned.get(p) or 0), names.get(p, p)))
    return [(names.get(p, p), int(done.get(p, 0)), int(earned.get(p) or 0)) for p in ranked[:top]]
