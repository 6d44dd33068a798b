"""积分榜 and 星级评定.

积分互认: a person is one ``Person`` however many communities they serve, so a
community's board ranks the people who belong to it (hold a role there) by the
points they earned anywhere. Earned points are all entries except the points
shop's (spending must not lower a rank or a rating).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import LOCAL_TZ, utcnow
from bot.db.models import Grid, Person, PersonRole, PointsEntry
from bot.db.models_members import StarRating
from bot.db.prepared import Prepared
from bot.errors import DomainError
from bot.replies import say
from bot.services import grids as grids_tree
from bot.services import rules
from bot.services.directory import MEMBER

WEEK, MONTH, YEAR, ALL = "week", "month", "year", "all"
_HALF = re.compile(r"^(\d{4})\s*(?:年)?\s*(上半年|下半年|H1|H2|h1|h2)$")


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    """The start (aware UTC) of this week, month or year in local time; None for all time."""
    local = (now or utcnow()).astimezone(LOCAL_TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == WEEK:
        return midnight - timedelta(days=midnight.weekday())
    if period == MONTH:
        return midnight.replace(day=1)
    if period == YEAR:
        return midnight.replace(month=1, day=1)
    return None


@dataclass(frozen=True, slots=True)
class HalfYear:
    code: str  # "2026H1"
    year: int
    first: bool
    start: datetime
    end: datetime


def half_year(label: str) -> HalfYear:
    match = _HALF.match(label.strip())
    if not match:
        raise DomainError("err_usage", usage="/星级评定 2026上半年")
    year, first = int(match.group(1)), match.group(2) in ("上半年", "H1", "h1")
    if not 2000 <= year <= 2100:
        raise DomainError("err_usage", usage="/星级评定 2026上半年")
    start = datetime(year, 1 if first else 7, 1, tzinfo=LOCAL_TZ)
    end = datetime(year, 7, 1, tzinfo=LOCAL_TZ) if first else datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)
    return HalfYear(f"{year}H{1 if first else 2}", year, first, start, end)


async def find_grid(*, session: AsyncSession, community_id: str, name: str) -> Grid | None:
    name = name.strip()
    grid = await session.scalar(select(Grid).where(Grid.community_id == community_id, Grid.name == name))
    if grid is None and name.isdigit():
        grid = await session.scalar(select(Grid).where(
            Grid.community_id == community_id, Grid.building_no == name))
    return grid


async def grid_subtree(*, session: AsyncSession, grid: Grid) -> list[int]:
    grids = list(await session.scalars(select(Grid).where(Grid.community_id == grid.community_id)))
    return sorted(grids_tree.subtree(grid, grids))


def _earned():
    return PointsEntry.rule.not_like("shop.%")


def _board_query(people, start, limit: int, end=None):
    total = func.sum(PointsEntry.amount).label("total")
    query = (
        select(Person.id, Person.name, total)
        .join(PointsEntry, PointsEntry.person_id == Person.id)
        .where(Person.id.in_(people), _earned())
        .group_by(Person.id, Person.name)
        .having(func.sum(PointsEntry.amount) > 0)
        .order_by(total.desc(), Person.name)
        .limit(limit)
    )
    if start is not None:
        query = query.where(PointsEntry.created_at >= start)
    return query if end is None else query.where(PointsEntry.created_at < end)


# The whole community's board (the common 积分榜), per (since a start?, limit), built once.
_BOARDS: dict[tuple[bool, int], Prepared] = {}


def _community_board(dated: bool, limit: int) -> Prepared:
    statement = _BOARDS.get((dated, limit))
    if statement is None:
        people = select(PersonRole.person_id).where(PersonRole.community_id == bindparam("community_id"))
        start = bindparam("start", type_=PointsEntry.__table__.c.created_at.type) if dated else None
        statement = _BOARDS[(dated, limit)] = Prepared(_board_query(people, start, limit))
    return statement


async def leaderboard(
    *, session: AsyncSession, community_id: str, period: str = ALL, grid: Grid | None = None,
    limit: int = 10, now: datetime | None = None,
) -> list[tuple[str, str, int]]:
    start = period_start(period, now)
    if grid is None:
        values = {"community_id": community_id} if start is None else {"community_id": community_id, "start": start}
        rows = await _community_board(start is not None, limit).run(session, values)
        return [(r.id, r.name, int(r.total)) for r in rows]
    people = select(PersonRole.person_id).where(
        PersonRole.community_id == community_id,
        PersonRole.grid_id.in_(await grid_subtree(session=session, grid=grid)))
    return [(r.id, r.name, int(r.total)) for r in await session.execute(_board_query(people, start, limit))]


async def week_gains(*, session: AsyncSession, community_id: str, week_start: datetime,
                     limit: int = 10) -> list[tuple[str, str, int]]:
    """Who earned the most in the seven days from ``week_start`` (the weekly 张榜)."""
    people = select(PersonRole.person_id).where(PersonRole.community_id == community_id)
    query = _board_query(people, week_start, limit, end=week_start + timedelta(days=7))
    return [(r.id, r.name, int(r.total)) for r in await session.execute(query)]


async def earned(*, session: AsyncSession, person_ids: list[str], start: datetime, end: datetime) -> dict[str, int]:
    if not person_ids:
        return {}
    rows = await session.execute(
        select(PointsEntry.person_id, func.sum(PointsEntry.amount))
        .where(PointsEntry.person_id.in_(person_ids), _earned(),
               PointsEntry.created_at >= start, PointsEntry.created_at < end)
        .group_by(PointsEntry.person_id)
    )
    return {pid: int(total) for pid, total in rows}


async def star_preview(
    *, session: AsyncSession, community_id: str, label: str, now: datetime,
) -> tuple[HalfYear, list[tuple[str, int, int]]]:
    """The half-year's star ratings as they would be published, writing nothing.

    Refused for a half-year that has not ended, and for one already published (the
    ratings are announced in every group: twice would be noise, and a recount confusing)."""
    period = half_year(label)
    if period.end > now:
        raise DomainError("stars_unfinished", period=period_label(period), end=period.end.strftime("%Y-%m-%d"))
    if await _published(session, community_id, period):
        raise DomainError("stars_already", period=period_label(period))
    rows = await _compute(session, community_id, period)
    return period, [(p.name, points, stars) for p, points, stars in rows if stars]


def period_label(period: HalfYear) -> str:
    return say("stars_period", year=period.year, half=say("stars_half_1" if period.first else "stars_half_2"))


async def _published(session: AsyncSession, community_id: str, period: HalfYear) -> bool:
    return await session.scalar(select(StarRating.id).where(
        StarRating.community_id == community_id, StarRating.period == period.code).limit(1)) is not None


async def _compute(session: AsyncSession, community_id: str, period: HalfYear) -> list[tuple[Person, int, int]]:
    thresholds = await rules.star_thresholds(session=session, community_id=community_id)
    members = list(await session.scalars(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.community_id == community_id, PersonRole.role == MEMBER).order_by(Person.id)
    ))
    totals = await earned(session=session, person_ids=[p.id for p in members], start=period.start, end=period.end)
    result = []
    for person in members:
        points = totals.get(person.id, 0)
        result.append((person, points, next((s for s, minimum in thresholds if points >= minimum), 0)))
    result.sort(key=lambda r: (-r[2], -r[1], r[0].name))
    return result


async def rate_stars(
    *, session: AsyncSession, community_id: str, label: str, now: datetime,
) -> tuple[HalfYear, list[tuple[str, int, int]]]:
    """Compute and record the half-year's star ratings of the community's members (after 确认).

    Returns the period and (name, points, stars) for everyone with at least one star,
    best first. The same checks as the preview apply: a second 确认, or one typed
    after another secretary published, records nothing."""
    period, _ = await star_preview(session=session, community_id=community_id, label=label, now=now)
    rated = []
    for person, points, stars in await _compute(session, community_id, period):
        session.add(StarRating(community_id=community_id, period=period.code, person_id=person.id,
                               points=points, stars=stars))
        if stars:
            rated.append((person.name, points, stars))
    await session.flush()
    return period, rated
