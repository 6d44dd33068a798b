"""Communities, grids, rooms, people and their roles."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.directory_cache import (
    DROPS_KEY,
    MISSING,
    ActorInfo,
    GridInfo,
    MemberInfo,
    PersonRef,
    RoomInfo,
    cache_for_listing,
    cache_of,
    generation_after_own_drops,
    mark_changed,
)
from bot.db.hooks import after_commit
from bot.db.models import Community, Grid, Person, PersonRole, Room
from bot.db.prepared import Prepared
from bot.db.upsert import insert_ignore, prepared_insert_ignore

RESIDENT, MEMBER, GRID_WORKER, SECRETARY = "resident", "member", "grid_worker", "secretary"
# Held in every community of a street (issue 13; derived by bot.services.streets.expand_roles).
STREET_OFFICER, DEPARTMENT = "street_officer", "department"
ROLES = (RESIDENT, MEMBER, GRID_WORKER, SECRETARY, STREET_OFFICER, DEPARTMENT)
# Staff of one community; the street officer acts as staff in every community of the street.
COMMUNITY_STAFF = (SECRETARY, GRID_WORKER)
STAFF = (SECRETARY, GRID_WORKER, STREET_OFFICER)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent a message, in the community it concerns."""

    person: PersonRef | Person  # handlers read .id and .name
    community_id: str | None
    roles: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & set(STAFF))

    @property
    def is_member(self) -> bool:
        return MEMBER in self.roles or self.is_staff


_NAME_OF = Prepared(select(Person.__table__.c.name).where(Person.__table__.c.id == bindparam("person_id")))


async def name_of(*, session: AsyncSession, person_id: str) -> str | None:
    """A person's display name, or None for an unknown id."""
    return (await _NAME_OF.run(session, {"person_id": person_id})).scalar()


async def get_room(*, session: AsyncSession, room_id: str) -> Room | None:
    return await session.get(Room, room_id)


async def room_info(*, session: AsyncSession, room_id: str) -> RoomInfo | None:
    """The room as a plain value, from the cache when it is there."""
    cache = cache_of(session)
    hit = cache.room(room_id) if cache else MISSING
    if hit is not MISSING:
        return hit
    room = await session.get(Room, room_id)
    info = RoomInfo(room.id, room.community_id, room.grid_id, room.kind, room.name) if room else None
    # A room this transaction added (only the loader adds rooms) may still roll back.
    if cache is not None and (room is None or room not in session.new):
        cache.put_room(room_id, info)
    return info


async def ensure_person(*, session: AsyncSession, person_id: str, name: str) -> Person:
    name = (name or person_id)[:64]
    # One statement that cannot collide with a concurrent first message of the same person.
    if await insert_ignore(session, Person.__table__, {"id": person_id, "name": name, "created_at": utcnow()}):
        _forget(session, person_id)
    person = await session.get(Person, person_id)
    if person.name != name:
        person.name = name
        _forget(session, person_id)
    return person


def _forget(session: AsyncSession, person_id: str) -> None:
    mark_changed(session, person_id)


def mark_person_changed(session: AsyncSession, person_id: str) -> None:
    """A person's roles changed outside this module: drop what the cache holds of them."""
    _forget(session, person_id)


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
    rank = {SECRETARY: 0, GRID_WORKER: 1, STREET_OFFICER: 2, DEPARTMENT: 3, MEMBER: 4, RESIDENT: 5}
    return min(rows, key=lambda r: (rank.get(r.role, 9), r.community_id)).community_id


async def add_role(
    *, session: AsyncSession, person_id: str, community_id: str, role: str,
    grid_id: int | None = None, skills: str | None = None,
) -> PersonRole:
    _forget(session, person_id)
    await insert_ignore(session, PersonRole.__table__, {
        "person_id": person_id, "community_id": community_id, "role": role,
        "grid_id": grid_id, "skills": skills,
    })
    row = await session.scalar(
        select(PersonRole).where(
            PersonRole.person_id == person_id,
            PersonRole.community_id == community_id,
            PersonRole.role == role,
        )
    )
    if grid_id is not None:
        row.grid_id = grid_id
    if skills is not None:
        row.skills = skills
    return row


_P, _R = Person.__table__.c, PersonRole.__table__.c
_PERSON = Prepared(select(_P.id, _P.name).where(_P.id == bindparam("person_id")))
_RENAME = Prepared(update(Person.__table__).where(_P.id == bindparam("b_id")).values(name=bindparam("b_name")))
_ROLES = Prepared(select(_R.role).where(_R.person_id == bindparam("person_id"),
                                         _R.community_id == bindparam("community_id")))
_ADD_PERSON = prepared_insert_ignore(Person.__table__)
_ADD_ROLE = prepared_insert_ignore(PersonRole.__table__)


def offered_name(name: str | None, person_id: str) -> str | None:
    """The display name a platform gave for a sender, or None when it names nobody.

    WeCom's robot callback carries only the userid, which the transport passes as the
    name; an empty name or the sender's own id (``wecom:lisi`` or ``lisi``) only fills a
    missing name and never replaces the directory's (issue 15, item 5)."""
    name = (name or "").strip()[:64]
    if not name or name == person_id[:64] or name == person_id.partition(":")[2][:64]:
        return None
    return name


async def resolve_actor(
    *, session: AsyncSession, person_id: str, name: str, room: Room | RoomInfo | None,
    community_hint: str | None = None,
) -> Actor:
    """Find or register the sender. A stranger in a grid group becomes a resident there.

    Every message needs this, so a known sender comes from the cache and an unknown one
    costs a few prepared statements; what was found is cached once the message's
    transaction has committed (a registration that rolls back is never cached)."""
    cache = cache_of(session)
    room_community = room.community_id if room else community_hint  # the console's chosen community
    hit = cache.actor(person_id, room_community) if cache else None
    offered = offered_name(name, person_id)
    if hit is not None and (offered is None or hit.person.name == offered):
        return Actor(hit.person, hit.community_id, hit.roles)
    # Where the cache stood before the reads: anyone else's change after this hides them.
    start = (cache.generation, session.info.get(DROPS_KEY, 0)) if cache is not None else None
    row = (await _PERSON.run(session, {"person_id": person_id})).first()
    if row is None:
        wanted = offered or (name or person_id).strip()[:64] or person_id[:64]
        await _ADD_PERSON.run(session, {"id": person_id, "name": wanted, "created_at": utcnow()})
        _forget(session, person_id)
        person = PersonRef(person_id, wanted)
    elif offered is not None and row.name != offered:
        await _RENAME.run(session, {"b_id": person_id, "b_name": offered})
        _forget(session, person_id)
        person = PersonRef(person_id, offered)
    else:
        person = PersonRef(row.id, row.name)
    community_id = room_community or await home_community(session=session, person_id=person_id)
    if community_id is None:
        return Actor(person, None, frozenset())
    roles = frozenset((await _ROLES.run(session, {"person_id": person_id, "community_id": community_id})).scalars())
    if not roles and room is not None and room.kind == "grid":
        await _ADD_ROLE.run(session, {"person_id": person_id, "community_id": community_id, "role": RESIDENT,
                                      "grid_id": room.grid_id, "skills": None})
        _forget(session, person_id)
        roles = frozenset({RESIDENT})
    # Cached once committed, and only if nobody else changed the directory since the reads
    # began: a role granted by a transaction running beside this one must not be hidden for
    # 30 s. This transaction's own drops (registering this sender) are allowed for.
    if cache is not None and roles and _only_own_changes(session, cache, start):
        info = ActorInfo(person, community_id, roles)
        expected = generation_after_own_drops(session, cache)
        after_commit(session, lambda: cache.put_actor_if_current(person_id, room_community, info, expected))
    return Actor(person, community_id, roles)


def _only_own_changes(session: AsyncSession, cache, start: tuple[int, int]) -> bool:
    """No drop but this transaction's own since ``start`` (generation, own drops then)."""
    generation, own = start
    return cache.generation - generation == session.info.get(DROPS_KEY, 0) - own


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


_COMMUNITY_NAME = Prepared(select(Community.__table__.c.name)
                           .where(Community.__table__.c.id == bindparam("community_id")))


async def community_name(*, session: AsyncSession, community_id: str) -> str | None:
    return (await _COMMUNITY_NAME.run(session, {"community_id": community_id})).scalar()


async def get_community(*, session: AsyncSession, community_id: str) -> Community | None:
    return await session.get(Community, community_id)


# -- cached listings: what every new ticket and every completion reads ------------------
async def _listing(session: AsyncSession, key: tuple, load) -> tuple:
    cache = cache_for_listing(session)
    hit = cache.listing(key) if cache is not None else None
    if hit is not None:
        return hit
    generation = cache.generation if cache is not None else 0
    items = tuple(await load())
    if cache is not None:
        cache.put_listing(key, items, generation)  # not if the directory changed meanwhile
    return items


async def grid_tree(*, session: AsyncSession, community_id: str) -> tuple[GridInfo, ...]:
    """The community's grids as plain values (cached; see bot.db.directory_cache)."""
    async def load():
        return [GridInfo(g.id, g.parent_id, g.level, g.name, g.building_no)
                for g in await grids_of(session=session, community_id=community_id)]
    return await _listing(session, ("grids", community_id), load)


async def member_roster(*, session: AsyncSession, community_id: str) -> tuple[MemberInfo, ...]:
    """Everyone with the member role in the community, with home grid and skills (cached)."""
    async def load():
        rows = (await session.execute(
            select(PersonRole.person_id, PersonRole.grid_id, PersonRole.skills, Person.name)
            .join(Person, Person.id == PersonRole.person_id)
            .where(PersonRole.community_id == community_id, PersonRole.role == MEMBER)
            .order_by(PersonRole.person_id)
        )).all()
        return [MemberInfo(r.person_id, r.grid_id, r.skills, r.name) for r in rows]
    return await _listing(session, ("members", community_id), load)


async def room_ids(*, session: AsyncSession, community_id: str, kind: str) -> tuple[str, ...]:
    """Ids of the community's rooms of one kind, in id order (cached)."""
    async def load():
        return [r.id for r in await rooms_of(session=session, community_id=community_id, kind=kind)]
    return await _listing(session, ("rooms", community_id, kind), load)


async def ids_with_role(*, session: AsyncSession, community_id: str, roles: tuple[str, ...]) -> tuple[str, ...]:
    """Ids of the people holding any of ``roles`` in the community, in id order (cached)."""
    async def load():
        return [p.id for p in await people_with_role(session=session, community_id=community_id, roles=roles)]
    return await _listing(session, ("people", community_id, roles), load)
