"""Editing a community's own levels in chat (issue 13, item 1): its grids (网格/片区, level ``estate``),
the buildings under them and who is a grid worker of which grid (``/网格``, handlers/grids.py).

A secretary edits their community, a street officer every community of their street (they hold
``street_officer`` there, bot.services.streets.expand_roles). Every edit is audited like the street
and department edits (``console_audit``, actions ``hierarchy.grid.*``).

Nothing here is cached apart from the directory cache's grid tree and the people's roles, which each
edit drops (``mark_changed``): a ticket's grid is its building's, read from the grid rows when it is
checked (bot.services.scope.ticket_grid), so a building moved to another grid moves its tickets, and a
new grid worker reaches them, with the next message.

A grid is deleted only when nothing hangs on it: no buildings, no open tickets, no group, nobody's
grid and no past ticket (those keep their place in the history)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.directory_cache import mark_changed
from bot.db.models import Community, Grid, Person, PersonRole, Room, Ticket
from bot.db.models_members import MemberProfile
from bot.errors import DomainError
from bot.services import console_auth
from bot.services import grids as grids_tree
from bot.services.directory import GRID_WORKER, MEMBER, RESIDENT, SECRETARY, STREET_OFFICER, mark_person_changed
from bot.services.tickets import ACTIVE
from nlp import location
from nlp.normalize import normalize

NAME_MAX = 30
ESTATE, BUILDING = "estate", "building"
# The community's own roles: who counts as "a person of the community" (not the street's derived ones).
OWN_ROLES = (RESIDENT, MEMBER, GRID_WORKER, SECRETARY)
LEADERS = (SECRETARY, STREET_OFFICER)
_BUILDING_END = ("楼", "栋", "幢", "座")


@dataclass(frozen=True)
class GridLine:
    """One grid of the listing: its buildings and its grid workers (with the building when narrower)."""

    grid: Grid | None  # None: the buildings in no grid, the grid workers of the whole community
    buildings: list[str]
    workers: list[str]


def _clean(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise DomainError("hier_bad_name", most=NAME_MAX)
    return name


async def led_communities(*, session: AsyncSession, person_id: str) -> list[Community]:
    """The communities where the person is secretary or street officer."""
    return list(await session.scalars(
        select(Community).join(PersonRole, PersonRole.community_id == Community.id)
        .where(PersonRole.person_id == person_id, PersonRole.role.in_(LEADERS)).distinct().order_by(Community.id)))


async def names_a_community(*, session: AsyncSession, name: str) -> bool:
    """Does ``name`` name some community (its id, its name or the start of its name)?"""
    return await session.scalar(select(Community.id).where(
        (Community.id == name) | Community.name.startswith(name, autoescape=True)).limit(1)) is not None


async def _grids(session: AsyncSession, community_id: str) -> list[Grid]:
    return list(await session.scalars(select(Grid).where(Grid.community_id == community_id).order_by(Grid.id)))


def _estates(every: list[Grid]) -> list[Grid]:
    return [g for g in every if g.level == ESTATE]


def _estate_named(every: list[Grid], name: str) -> Grid:
    name = name.strip()
    for grid in _estates(every):
        if grid.name == name:
            return grid
    raise DomainError("hier_grid_unknown", grid=name, grids="、".join(g.name for g in _estates(every)) or "—")


def _name_taken(every: list[Grid], name: str, but: int | None = None) -> None:
    for grid in every:
        if grid.name == name and grid.id != but:
            raise DomainError("hier_grid_name_used", name=name)


async def listing(*, session: AsyncSession, community_id: str) -> list[GridLine]:
    """The community's grids in order, each with its buildings and grid workers; last, when there are
    any, the buildings in no grid and the grid workers of the whole community."""
    every = await _grids(session, community_id)
    by_id = {g.id: g for g in every}
    workers = (await session.execute(
        select(PersonRole.grid_id, Person.name).join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.community_id == community_id, PersonRole.role == GRID_WORKER)
        .order_by(Person.name, Person.id))).all()
    lines: dict[int | None, GridLine] = {g.id: GridLine(g, [], []) for g in _estates(every)}
    lines[None] = GridLine(None, [], [])
    for grid in every:
        if grid.level == BUILDING:
            top = grids_tree.up_to(grid, ESTATE, by_id)
            lines[top.id if top else None].buildings.append(grid.name)
    for grid_id, name in workers:
        grid = by_id.get(grid_id) if grid_id is not None else None
        top = grids_tree.up_to(grid, ESTATE, by_id) if grid is not None else None
        narrower = grid is not None and (top is None or top.id != grid.id)
        lines[top.id if top else None].workers.append(f"{name}（{grid.name}）" if narrower and grid else name)
    rest = lines.pop(None)
    return list(lines.values()) + ([rest] if rest.buildings or rest.workers else [])


async def add_grid(*, session: AsyncSession, community: Community, name: str, actor_id: str) -> Grid:
    name = _clean(name)
    _name_taken(await _grids(session, community.id), name)
    grid = Grid(community_id=community.id, parent_id=None, level=ESTATE, name=name)
    session.add(grid)
    await session.flush()
    mark_changed(session)
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.grid.add",
                             target=f"{community.id}:{grid.id}", detail=f"{community.name} {name}")
    return grid


async def rename_grid(*, session: AsyncSession, community: Community, old: str, new: str,
                      actor_id: str) -> tuple[Grid, str]:
    every = await _grids(session, community.id)
    grid, new = _estate_named(every, old), _clean(new)
    _name_taken(every, new, but=grid.id)
    before, grid.name = grid.name, new
    await session.flush()
    mark_changed(session)
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.grid.rename",
                             target=f"{community.id}:{grid.id}", detail=f"{before} -> {new}")
    return grid, before


def building_words(token: str) -> tuple[str, str | None]:
    """A building as typed (「7号楼」「8栋」「十二号楼」「12」「综合楼」) → (its name, its number or None);
    anything else (a unit, a room, a word that is no building) is refused."""
    token = token.strip()
    if re.fullmatch(r"\d{1,3}", token):
        return _clean(f"{token}号楼"), token
    building, unit, room = location.extract(normalize(token))
    if building is not None and unit is None and room is None:
        return _clean(token), building
    if token.endswith(_BUILDING_END) and not re.search(r"\d", token):
        return _clean(token), None
    raise DomainError("hier_grid_bad_building", name=token)


def _building_for(every: list[Grid], name: str, number: str | None) -> Grid | None:
    same = [g for g in every if g.name == name]
    if same:
        if same[0].level != BUILDING:
            raise DomainError("hier_grid_not_building", name=name)
        return same[0]
    numbered = [g for g in every if g.level == BUILDING and number is not None and g.building_no == number]
    if len(numbered) > 1:
        raise DomainError("hier_grid_building_ambiguous", name=name, names="、".join(g.name for g in numbered))
    return numbered[0] if numbered else None


async def attach_buildings(*, session: AsyncSession, community: Community, grid_name: str, buildings: list[str],
                           actor_id: str) -> tuple[Grid, list[tuple[str, str | None]]]:
    """Put these buildings in the grid: one the community has moves there with its units, one it has
    not is created there. Returns the grid and, per building, the grid it was in before ("" for a new
    one, None when it was in no grid); all are checked before anything is written."""
    every = await _grids(session, community.id)
    by_id = {g.id: g for g in every}
    grid = _estate_named(every, grid_name)
    planned: list[tuple[str, str | None, Grid | None]] = []
    for token in dict.fromkeys(buildings):
        name, number = building_words(token)
        if any(name == p[0] or (number is not None and number == p[1]) for p in planned):
            continue  # 「7号楼 7栋」: one building
        planned.append((name, number, _building_for(every, name, number)))
    moved: list[tuple[str, str | None]] = []
    for name, number, found in planned:
        if found is None:
            session.add(Grid(community_id=community.id, parent_id=grid.id, level=BUILDING, name=name,
                             building_no=number))
            moved.append((name, ""))
            continue
        top = grids_tree.up_to(found, ESTATE, by_id)
        moved.append((found.name, top.name if top else None))
        found.parent_id = grid.id
    await session.flush()
    mark_changed(session)
    detail = " ".join(f"{n}({'new' if b == '' else (b or '-')}->{grid.name})" for n, b in moved)
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.grid.buildings",
                             target=f"{community.id}:{grid.id}", detail=detail[:1000])
    return grid, moved


async def delete_grid(*, session: AsyncSession, community: Community, name: str, actor_id: str) -> Grid:
    """Remove an empty grid (one made by mistake); refused while anything hangs on it."""
    every = await _grids(session, community.id)
    grid = _estate_named(every, name)
    if any(g.parent_id == grid.id for g in every):
        raise DomainError("hier_grid_has_buildings", grid=grid.name)
    open_tickets = await session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.community_id == community.id, Ticket.grid_id == grid.id, Ticket.status.in_(ACTIVE)))
    if open_tickets:
        raise DomainError("hier_grid_has_tickets", grid=grid.name, count=open_tickets)
    for model, column in ((Room, Room.grid_id), (PersonRole, PersonRole.grid_id), (Ticket, Ticket.grid_id),
                          (MemberProfile, MemberProfile.grid_id)):
        if await session.scalar(select(func.count()).select_from(model).where(column == grid.id)):
            raise DomainError("hier_grid_in_use", grid=grid.name)
    await session.delete(grid)
    await session.flush()
    mark_changed(session)
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.grid.delete",
                             target=f"{community.id}:{grid.id}", detail=f"{community.name} {grid.name}")
    return grid


# -- grid workers -------------------------------------------------------------------------------------
async def community_person(*, session: AsyncSession, community: Community, token: str, mentions=()) -> Person:
    """The person named by an @mention, an id or a name, who must hold a role of the community's own
    (resident, member, grid worker, secretary)."""
    name = token.strip().lstrip("@＠").strip()
    own = select(PersonRole.person_id).where(PersonRole.community_id == community.id,
                                             PersonRole.role.in_(OWN_ROLES))
    for pid in list(mentions) + [name]:
        person = await session.get(Person, pid)
        if person is not None:
            if person.id not in set(await session.scalars(own.where(PersonRole.person_id == person.id))):
                raise DomainError("hier_grid_person_outside", name=person.name, community=community.name)
            return person
    found = list(await session.scalars(select(Person).where(Person.id.in_(own), Person.name == name)
                                       .order_by(Person.id)))
    if len(found) == 1:
        return found[0]
    if found:
        raise DomainError("err_person_ambiguous", name=name, count=len(found))
    if await session.scalar(select(Person.id).where(Person.name == name).limit(1)) is not None:
        raise DomainError("hier_grid_person_outside", name=name, community=community.name)
    raise DomainError("err_person_not_found", name=name)


async def set_worker(*, session: AsyncSession, community: Community, grid_name: str, person: Person,
                     actor_id: str) -> tuple[Grid, str | None]:
    """Make the person the grid worker of this grid (one grid per person and community: a grid worker
    of another grid moves here). Returns the grid and the one they had ("" for the whole community,
    None when they were no grid worker)."""
    every = await _grids(session, community.id)
    grid = _estate_named(every, grid_name)
    row = await session.scalar(select(PersonRole).where(
        PersonRole.person_id == person.id, PersonRole.community_id == community.id, PersonRole.role == GRID_WORKER))
    if row is not None and row.grid_id == grid.id:
        raise DomainError("hier_grid_worker_already", name=person.name, grid=grid.name)
    before: str | None = None
    if row is None:
        session.add(PersonRole(person_id=person.id, community_id=community.id, role=GRID_WORKER, grid_id=grid.id))
    else:
        old = next((g for g in every if g.id == row.grid_id), None)
        before = old.name if old is not None else ""
        row.grid_id = grid.id
    await session.flush()
    mark_person_changed(session, person.id)
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.grid.worker.add",
                             target=person.id, detail=f"{community.id} {before or '-'} -> {grid.name}")
    return grid, before


async def remove_worker(*, session: AsyncSession, community: Community, grid_name: str, person: Person,
                        actor_id: str) -> Grid:
    every = await _grids(session, community.id)
    grid = _estate_named(every, grid_name)
    gone = await session.execute(delete(PersonRole).where(
        PersonRole.person_id == person.id, PersonRole.community_id == community.id,
        PersonRole.role == GRID_WORKER, PersonRole.grid_id == grid.id))
    if not gone.rowcount:
        raise DomainError("hier_grid_worker_not_there", name=person.name, grid=grid.name)
    mark_person_changed(session, person.id)
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.grid.worker.remove",
                             target=person.id, detail=f"{community.id} {grid.name}")
    return grid
