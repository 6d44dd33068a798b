"""Whose tickets a member of staff may act on: a secretary, the whole community; a grid worker,
the tickets of the grid(s) they are responsible for (their grid_worker roles' grids and every
grid below). A grid worker recorded without a grid covers the whole community, as before grids
were given to grid workers. A ticket with no grid is the secretary's.

A ticket's grid is its building's when the building is in the directory (吴奶奶 may write
about 6号楼 in the 东区 group), otherwise the grid of the group it was reported in."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Grid, PersonRole, Ticket
from bot.errors import DomainError
from bot.services import grids as grids_tree
from bot.services.directory import GRID_WORKER, SECRETARY


def ticket_grid(ticket: Ticket, grids: list[Grid]) -> int | None:
    """The grid a ticket belongs to, from the community's grids."""
    if ticket.building:
        for grid in grids:
            if grid.level == "building" and grid.building_no == ticket.building:
                return grid.id
    return ticket.grid_id


async def community_grids(*, session: AsyncSession, community_id: str) -> list[Grid]:
    return list(await session.scalars(select(Grid).where(Grid.community_id == community_id)))


async def worker_grids(*, session: AsyncSession, person_id: str, community_id: str) -> list[Grid] | None:
    """The grids a grid worker answers for, or None for the whole community."""
    grid_ids = list(await session.scalars(select(PersonRole.grid_id).where(
        PersonRole.person_id == person_id, PersonRole.community_id == community_id,
        PersonRole.role == GRID_WORKER)))
    if not grid_ids or None in grid_ids:
        return None
    return list(await session.scalars(select(Grid).where(Grid.id.in_(grid_ids)).order_by(Grid.id)))


async def check_ticket(*, session: AsyncSession, person_id: str, roles: frozenset[str], ticket: Ticket) -> None:
    """Refuse (DomainError) a grid worker acting on a ticket outside their grid(s)."""
    if SECRETARY in roles or GRID_WORKER not in roles:
        return
    mine = await worker_grids(session=session, person_id=person_id, community_id=ticket.community_id)
    if mine is None:
        return
    every = await community_grids(session=session, community_id=ticket.community_id)
    place = ticket_grid(ticket, every)
    if place is not None and place in set().union(*(grids_tree.subtree(grid, every) for grid in mine)):
        return
    raise DomainError("err_outside_grid", number=ticket.number, grids="、".join(g.name for g in mine))


# --- The console (issue 14): what a signed-in person may see and do --------------------------------
# One StaffScope per staff role. A street or district scope (several communities) plugs in here as
# more StaffScope rows or a wider kind; the console only asks ``allows`` and ``communities``.

@dataclass(frozen=True)
class StaffScope:
    community_id: str
    role: str  # SECRETARY | GRID_WORKER
    grid_ids: frozenset[int] | None  # None: the whole community (a grid worker: the grids and below)


@dataclass(frozen=True)
class Scopes:
    person_id: str
    items: tuple[StaffScope, ...]

    @property
    def communities(self) -> list[str]:
        return sorted({s.community_id for s in self.items})

    def roles_in(self, community_id: str) -> frozenset[str]:
        return frozenset(s.role for s in self.items if s.community_id == community_id)

    def allows(self, community_id: str, grid_id: int | None = None) -> bool:
        """May this person see and act on something of the community (in that grid, when given)?"""
        for item in self.items:
            if item.community_id != community_id:
                continue
            if item.grid_ids is None or (grid_id is not None and grid_id in item.grid_ids):
                return True
        return False

    def grids_in(self, community_id: str) -> frozenset[int] | None:
        """The grids visible in a community (None: all of them)."""
        mine: set[int] = set()
        for item in self.items:
            if item.community_id == community_id:
                if item.grid_ids is None:
                    return None
                mine |= item.grid_ids
        return frozenset(mine)


async def staff_scopes(*, session: AsyncSession, person_id: str) -> Scopes:
    """Every staff scope a person holds today (empty: not staff anywhere)."""
    rows = list(await session.execute(select(PersonRole.community_id, PersonRole.role, PersonRole.grid_id).where(
        PersonRole.person_id == person_id, PersonRole.role.in_((SECRETARY, GRID_WORKER)))))
    items: list[StaffScope] = []
    for community_id, role, _grid in rows:
        if role == SECRETARY:
            items.append(StaffScope(community_id, role, None))
    for community_id in sorted({c for c, role, _ in rows if role == GRID_WORKER}):
        mine = await worker_grids(session=session, person_id=person_id, community_id=community_id)
        if mine is None:
            items.append(StaffScope(community_id, GRID_WORKER, None))
            continue
        every = await community_grids(session=session, community_id=community_id)
        below = set().union(*(grids_tree.subtree(grid, every) for grid in mine))
        items.append(StaffScope(community_id, GRID_WORKER, frozenset(g for g in below if g is not None)))
    return Scopes(person_id, tuple(items))
