"""The community's 大屏 / 张榜 (issue 14): this month's numbers, the buildings coloured by open
reports, and the points board. Read-only and public (an office screen or a signed link), so it holds
no ticket text, no resident's name, and names only members who agreed (ConsoleBoardConsent)."""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models import PersonRole, Ticket
from bot.db.models_console import ConsoleBoardConsent
from bot.db.models_members import Activity, ActivitySignup
from bot.errors import DomainError
from bot.services import points, scope, stats
from bot.services.directory import MEMBER
from bot.services.tickets import ACTIVE
from bot.signing import link_signature


@dataclass
class Tile:
    name: str
    open: int

    @property
    def level(self) -> str:  # the colour band (and its word: colour is never the only cue)
        return "none" if self.open == 0 else "few" if self.open < 3 else "many"


@dataclass
class Board:
    community: str
    month: str
    figures: dict[str, str]
    estates: list[tuple[str, list[Tile]]] = field(default_factory=list)
    leaders: list[tuple[str, int]] = field(default_factory=list)


def board_path(secret: str, community_id: str) -> str:
    return f"/board/{community_id}/{link_signature(secret, 'board:' + community_id)}"


def check_path(secret: str, community_id: str, signature: str) -> bool:
    return hmac.compare_digest(signature.encode("utf-8", "surrogatepass"),
                               link_signature(secret, "board:" + community_id).encode())


async def board(*, session: AsyncSession, community_id: str, community_name: str, now: datetime,
                limit: int = 10) -> Board:
    local = to_local(now)
    start, _end = stats.month_span(local.year, local.month)
    f = await stats.figures(session=session, community_id=community_id, start=start, end=now, now=now, top=0)
    served = await session.execute(
        select(func.count(func.distinct(Activity.id)), func.coalesce(func.sum(ActivitySignup.minutes), 0))
        .select_from(Activity).outerjoin(ActivitySignup, ActivitySignup.activity_id == Activity.id)
        .where(Activity.community_id == community_id, Activity.starts_at >= start, Activity.starts_at < now))
    acts, minutes = served.one()
    figures = {"新诉求": str(f.created), "已验收": str(f.verified),
               "按时率": f"{100 - round(100 * f.overdue_rate)}%" if f.overdue_rate is not None else "—",
               "平均评价": f"{f.avg_rating:.1f} 星" if f.avg_rating is not None else "—",
               "活动": str(int(acts or 0)), "服务时长": f"{int(minutes or 0) / 60:.1f} 小时"}
    out = Board(community_name, f"{local.year}年{local.month}月", figures)
    every = await scope.community_grids(session=session, community_id=community_id)
    open_by_grid: dict[int, int] = {}
    buildings_no = {g.building_no: g.id for g in every if g.level == "building" and g.building_no}
    for building, grid_id in await session.execute(select(Ticket.building, Ticket.grid_id).where(
            Ticket.community_id == community_id, Ticket.status.in_(ACTIVE))):
        place = buildings_no.get(building, grid_id) if building else grid_id  # as scope.ticket_grid
        if place is not None:
            open_by_grid[place] = open_by_grid.get(place, 0) + 1
    for estate in sorted((g for g in every if g.level == "estate"), key=lambda g: g.name):
        buildings = sorted((g for g in every if g.parent_id == estate.id and g.level == "building"),
                           key=lambda g: (len(g.building_no or g.name), g.building_no or g.name))
        below = {b.id: {b.id} | {u.id for u in every if u.parent_id == b.id} for b in buildings}
        tiles = [Tile(b.name, sum(open_by_grid.get(i, 0) for i in below[b.id] if i is not None)) for b in buildings]
        if not tiles:
            tiles = [Tile(estate.name, open_by_grid.get(estate.id or 0, 0))]
        out.estates.append((estate.name, tiles))
    agreed = set(await session.scalars(select(ConsoleBoardConsent.person_id).where(
        ConsoleBoardConsent.community_id == community_id)))
    ranked = await points.leaderboard(session=session, community_id=community_id, limit=500)
    out.leaders = [(name, total) for pid, name, total in ranked if pid in agreed and total > 0][:limit]
    return out


async def consented(*, session: AsyncSession, community_id: str) -> set[str]:
    return set(await session.scalars(select(ConsoleBoardConsent.person_id).where(
        ConsoleBoardConsent.community_id == community_id)))


async def set_consent(*, session: AsyncSession, community_id: str, person_id: str, agreed: bool,
                      actor_id: str) -> None:
    """Record (or withdraw) a member's agreement to be named on the public board."""
    member = await session.scalar(select(PersonRole.person_id).where(
        PersonRole.person_id == person_id, PersonRole.community_id == community_id, PersonRole.role == MEMBER))
    if member is None:
        raise DomainError("console_not_a_member")
    await session.execute(delete(ConsoleBoardConsent).where(
        ConsoleBoardConsent.person_id == person_id, ConsoleBoardConsent.community_id == community_id))
    if agreed:
        session.add(ConsoleBoardConsent(person_id=person_id, community_id=community_id, recorded_by=actor_id))
    await session.flush()

