"""Communities, grids, rooms, people and their roles."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Grid, Person, PersonRole, Room

RESIDENT, MEMBER, GRID_WORKER, SECRETARY = "resident", "member", "grid_worker", "secretary"
ROLES = (RESIDENT, MEMBER, GRID_WORKER, SECRETARY)
STAFF = (SECRETARY, GRID_WORKER)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent a message, in the community it concerns."""

    person: Person
    community_id: str | None
    roles: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & set(STAFF))

    @property
    def is_member(self) -> bool:
        return MEMBER in self.roles or self.is_staff


async def get_room(*, session: AsyncSession, room_id: str) -> Room | None:
    return await session.get(Room, room_id)


async def ensure_person(*, session: AsyncSession, person_id: str, name: str) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        person = Person(id=person_id, name=(name or person_id)[:64])
        session.add(person)
        await session.flush()
    elif name and person.name != name[:64]:
        person.name = name[:64]
    return person


async def roles_of(*, session: AsyncSession, person_id: str, community_id: str) -> frozenset[str]:
    rows = await session.scalars(
        select(PersonRole.role).where(
            PersonRole.person_id == person_id, PersonRole.community_id == community_id
        )
    )
    return frozenset(rows)


async def home_community(*, session: AsyncSession, person_id: str) -> str | None:
    """For a private chat: the community where the person holds the highest role."""
    rows = (
        await session.execute(
            select(PersonRole.community_id, PersonRole.role).where(PersonRole.person_id == person_id)
        )
    ).all()
    if not rows:
        return None
    rank = {SECRETARY: 0, GRID_WORKER: 1, MEMBER: 2, RESIDENT: 3}
    return min(rows, key=lambda r: (rank.get(r.role, 9), r.community_id)).community_id


async def add_role(
    *, session: AsyncSession, person_id: str, community_id: str, role: str,
    grid_id: int | None = None, skills: str | None = None,
) -> PersonRole:
    existing = await session.scalar(
        select(PersonRole).where(
            PersonRole.person_id == person_id,
            PersonRole.community_id == community_id,
            PersonRole.role == role,
        )
    )
    if existing is not None:
        if grid_id is not None:
            existing.grid_id = grid_id
        if skills is not None:
            existing.skills = skills
        return existing
    role_row = PersonRole(
        person_id=person_id, community_id=community_id, role=role, grid_id=grid_id, skills=skills
    )
    session.add(role_row)
    await session.flush()
    return role_row


async def resolve_actor(
    *, session: AsyncSession, person_id: str, name: str, room: Room | None
) -> Actor:
    """Find or register the sender. A stranger in a grid group becomes a resident there."""
    person = await ensure_person(session=session, person_id=person_id, name=name)
    community_id = room.community_id if room else await home_community(session=session, person_id=person_id)
    if community_id is None:
        return Actor(person, None, frozenset())
    roles = await roles_of(session=session, person_id=person_id, community_id=community_id)
    if not roles and room is not None and room.kind == "grid":
        await add_role(session=session, person_id=person_id, community_id=community_id,
                       role=RESIDENT, grid_id=room.grid_id)
        roles = frozenset({RESIDENT})
    return Actor(person, community_id, roles)


async def find_person_by_name(
    *, session: AsyncSession, community_id: str, name: str
) -> Person | None:
    name = name.lstrip("@").strip()
    rows = (
        await session.scalars(
            select(Person)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.community_id == community_id, Person.name == name)
        )
    ).all()
    unique = {p.id: p for p in rows}
    return next(iter(unique.values())) if len(unique) == 1 else None


async def rooms_of(*, session: AsyncSession, community_id: str, kind: str | None = None) -> list[Room]:
    query = select(Room).where(Room.community_id == community_id)
    if kind:
        query = query.where(Room.kind == kind)
    return list(await session.scalars(query.order_by(Room.id)))


async def grids_of(*, session: AsyncSession, community_id: str) -> list[Grid]:
    return list(await session.scalars(select(Grid).where(Grid.community_id == community_id).order_by(Grid.id)))


async def people_with_role(*, session: AsyncSession, community_id: str, roles: tuple[str, ...]) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.community_id == community_id, PersonRole.role.in_(roles))
        .order_by(Person.id)
    )
    return list({p.id: p for p in rows}.values())


async def get_community(*, session: AsyncSession, community_id: str) -> Community | None:
    return await session.get(Community, community_id)
