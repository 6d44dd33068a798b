"""Whose tickets and places a member of staff may act on (issue 13: every permission check goes here).

Levels: district → street → community → grid (estate → building → unit).
- a street officer: every community of their street (they hold ``street_officer`` in each, see
  bot.services.streets.expand_roles; in a community of another street they hold nothing);
- a secretary: their community;
- a grid worker: the grid(s) they are responsible for (their grid_worker roles' grids and every
  grid below). A grid worker recorded without a grid covers the whole community, as before grids
  were given to grid workers. A ticket with no grid is the secretary's.

The dispatcher's role check (``roles=`` on a route) already confines everyone to the communities
where they hold a role; the functions here narrow a grid worker to their grids, for tickets
(/派单, /验收, /上报, /改 …), statistics (/统计), notices and roll calls (/广播, /定时, /集结) and
people (/加分, /扣分, /冲正, /审核). A person's grids are those of their roles and of their
registration; a person placed in no grid (staff, a member who gave no building) is the whole
community's, so any of its staff may credit them.

A ticket's grid is its building's when the building is in the directory (吴奶奶 may write
about 6号楼 in the 东区 group), otherwise the grid of the group it was reported in."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Grid, PersonRole, Room, Ticket
from bot.db.models_members import MemberProfile
from bot.errors import DomainError
from bot.services import grids as grids_tree
from bot.services.directory import GRID_WORKER, SECRETARY, STREET_OFFICER

# Roles that see the whole community (a secretary there, a street officer of its street).
WHOLE_COMMUNITY = frozenset({SECRETARY, STREET_OFFICER})


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


async def reach(*, session: AsyncSession, person_id: str, roles: frozenset[str],
                community_id: str) -> tuple[set[int], list[Grid]] | None:
    """The grid ids a member of staff may act in (with the grids they were given), or None for the
    whole community."""
    if roles & WHOLE_COMMUNITY or GRID_WORKER not in roles:
        return None
    mine = await worker_grids(session=session, person_id=person_id, community_id=community_id)
    if mine is None:
        return None
    every = await community_grids(session=session, community_id=community_id)
    return set().union(*(grids_tree.subtree(grid, every) for grid in mine)), mine


async def check_ticket(*, session: AsyncSession, person_id: str, roles: frozenset[str], ticket: Ticket) -> None:
    """Refuse (DomainError) a grid worker acting on a ticket outside their grid(s)."""
    allowed = await reach(session=session, person_id=person_id, roles=roles, community_id=ticket.community_id)
    if allowed is None:
        return
    ids, mine = allowed
    place = ticket_grid(ticket, await community_grids(session=session, community_id=ticket.community_id))
    if place is not None and place in ids:
        return
    raise DomainError("err_outside_grid", number=ticket.number, grids="、".join(g.name for g in mine))


async def check_grid(*, session: AsyncSession, person_id: str, roles: frozenset[str], community_id: str,
                     grid: Grid | None) -> list[int] | None:
    """The grid ids a statistic may cover: ``grid``'s subtree when given (refused outside a grid
    worker's grids), a grid worker's own grids when not, or None (the whole community)."""
    allowed = await reach(session=session, person_id=person_id, roles=roles, community_id=community_id)
    every = await community_grids(session=session, community_id=community_id)
    if grid is not None:
        if allowed is not None and grid.id not in allowed[0]:
            raise DomainError("err_outside_grid_place", place=grid.name,
                              grids="、".join(g.name for g in allowed[1]))
        return sorted(grids_tree.subtree(grid, every))
    return sorted(allowed[0]) if allowed is not None else None


async def check_rooms(*, session: AsyncSession, person_id: str, roles: frozenset[str], community_id: str,
                      rooms: list[Room], scope_word: str) -> list[Room]:
    """The rooms of a notice a member of staff may send to: a grid worker reaches the groups of their
    own grids (and the members' group); a scope that reaches only other grids is refused."""
    allowed = await reach(session=session, person_id=person_id, roles=roles, community_id=community_id)
    if allowed is None:
        return rooms
    kept = [r for r in rooms if r.kind != "grid" or r.grid_id in allowed[0]]
    if not kept:
        raise DomainError("err_outside_grid_place", place=scope_word, grids="、".join(g.name for g in allowed[1]))
    return kept


async def person_grids(*, session: AsyncSession, person_id: str, community_id: str) -> set[int]:
    """The grids a person is placed in, in a community: their roles' and their registration's."""
    roles = await session.scalars(select(PersonRole.grid_id).where(
        PersonRole.person_id == person_id, PersonRole.community_id == community_id, PersonRole.grid_id.is_not(None)))
    registered = await session.scalars(select(MemberProfile.grid_id).where(
        MemberProfile.person_id == person_id, MemberProfile.community_id == community_id,
        MemberProfile.grid_id.is_not(None)))
    return {g for g in [*roles, *registered] if g is not None}


async def check_person(*, session: AsyncSession, person_id: str, roles: frozenset[str], community_id: str,
                       target_id: str, name: str) -> None:
    """Refuse (DomainError) a grid worker acting on a person placed only in other grids."""
    allowed = await reach(session=session, person_id=person_id, roles=roles, community_id=community_id)
    if allowed is None:
        return
    placed = await person_grids(session=session, person_id=target_id, community_id=community_id)
    if placed and not placed & allowed[0]:
        raise DomainError("err_outside_grid_person", name=name, grids="、".join(g.name for g in allowed[1]))


async def check_audience(*, session: AsyncSession, person_id: str, roles: frozenset[str], community_id: str,
                         rooms: list[Room], people: list[str], scope_word: str) -> tuple[list[Room], list[str]]:
    """A roll call's groups and people as a grid worker may reach them: the groups as for a notice
    (``check_rooms``), the people placed in their grids or in none."""
    allowed = await reach(session=session, person_id=person_id, roles=roles, community_id=community_id)
    if allowed is None:
        return rooms, people
    rooms = await check_rooms(session=session, person_id=person_id, roles=roles, community_id=community_id,
                              rooms=rooms, scope_word=scope_word)
    kept = []
    for pid in people:
        placed = await person_grids(session=session, person_id=pid, community_id=community_id)
        if not placed or placed & allowed[0]:
            kept.append(pid)
    return rooms, kept


# --- The console (issue 14): what a signed-in person may see and do --------------------------------
# One StaffScope per staff role. A street or district scope (several communities) plugs in here as
# more StaffScope rows or a wider kind; the console only asks ``allows`` and ``communities``.

@dataclass(frozen=True)
class StaffScope:
    community_id: str
    role: str  # SECRETARY | STREET_OFFICER | GRID_WORKER
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
        PersonRole.person_id == person_id, PersonRole.role.in_((SECRETARY, GRID_WORKER, STREET_OFFICER)))))
    items: list[StaffScope] = []
    for community_id, role, _grid in rows:
        if role in WHOLE_COMMUNITY:  # a secretary; a street officer in each community of their street
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
