"""Editing the hierarchy in chat (issue 13, item 1: "loaded from the directory YAML and editable").

- a street officer edits their street's departments (add, rename, change the contact);
- a district officer does that for every street of the district, adds and renames streets, and binds
  a community to a street of the district (a community in no street yet, or in one of the district's).

Every edit is written to the audit log (``console_audit``, the console's, so the office sees chat and
console edits in one place) with who, what and the before/after. The roles derived from the rows
(``street_officer`` / ``department`` in each community of a street, bot.services.streets.expand_roles)
are recomputed for the communities an edit touches, so a community moved to another street is no
longer in reach of its old street's officers and departments.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.directory_cache import mark_changed
from bot.db.models import Community, Person, PersonRole
from bot.db.models_streets import Department, District, DistrictOfficer, Street, StreetOfficer
from bot.errors import DomainError
from bot.services import console_auth, streets
from bot.services.directory import DEPARTMENT, STREET_OFFICER

NAME_MAX = 30


async def districts_of_officer(*, session: AsyncSession, person_id: str) -> list[str]:
    return list(await session.scalars(select(DistrictOfficer.district_id)
                                      .where(DistrictOfficer.person_id == person_id)))


async def editable_streets(*, session: AsyncSession, person_id: str) -> list[Street]:
    """The streets whose departments this person may edit: their own, and every street of their districts."""
    districts = await districts_of_officer(session=session, person_id=person_id)
    own = select(StreetOfficer.street_id).where(StreetOfficer.person_id == person_id)
    query = select(Street).where(Street.id.in_(own) | Street.district_id.in_(districts or [""])).order_by(Street.id)
    return list(await session.scalars(query))


async def street_to_edit(*, session: AsyncSession, person_id: str, community_id: str | None,
                         name: str | None) -> Street:
    """The street an edit is about: the one ``name`` names, else the current community's; refused
    (``hier_not_officer``) for a street the person may not edit."""
    mine = await editable_streets(session=session, person_id=person_id)
    if not mine:
        raise DomainError("hier_not_officer")
    if name is not None:
        for street in mine:
            if name in (street.id, street.name) or street.name.startswith(name):
                return street
        raise DomainError("hier_street_not_yours", street=name, streets="、".join(s.name for s in mine))
    here = await streets.street_of(session=session, community_id=community_id) if community_id else None
    if here is not None and here.id in {s.id for s in mine}:
        return here
    if len(mine) == 1:
        return mine[0]
    raise DomainError("hier_which_street", streets="、".join(s.name for s in mine))


def _clean(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise DomainError("hier_bad_name", most=NAME_MAX)
    return name


async def _free_id(session: AsyncSession, model, prefix: str) -> str:
    n = int(await session.scalar(select(func.count()).select_from(model)) or 0) + 1
    while await session.get(model, f"{prefix}{n}") is not None:
        n += 1
    return f"{prefix}{n}"


async def refresh_roles(*, session: AsyncSession, community_ids: list[str]) -> None:
    """Recompute the derived roles of these communities from the street, district and department rows."""
    if community_ids:
        await session.execute(delete(PersonRole).where(PersonRole.community_id.in_(community_ids),
                                                       PersonRole.role.in_((STREET_OFFICER, DEPARTMENT))))
        mark_changed(session)
    await streets.expand_roles(session=session)


async def _street_communities(session: AsyncSession, street_id: str) -> list[str]:
    return [c.id for c in await streets.communities_of(session=session, street_id=street_id)]


# -- departments --------------------------------------------------------------------------------------
async def add_department(*, session: AsyncSession, street: Street, name: str, contact: Person | None,
                         actor_id: str) -> Department:
    name = _clean(name)
    try:
        found = await streets.find_department(session=session, street_id=street.id, name=name)
    except DomainError:
        found = None
    if found is not None:
        raise DomainError("hier_department_exists", name=found.name, street=street.name)
    dep = Department(id=await _free_id(session, Department, f"{street.id}-dept-"), street_id=street.id, name=name,
                     contact_id=contact.id if contact else None)
    session.add(dep)
    await session.flush()
    await refresh_roles(session=session, community_ids=await _street_communities(session, street.id))
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.department.add",
                             target=dep.id, detail=f"{street.name} {name} contact={dep.contact_id or '-'}")
    return dep


async def rename_department(*, session: AsyncSession, street: Street, old: str, new: str,
                            actor_id: str) -> tuple[Department, str]:
    dep = await streets.find_department(session=session, street_id=street.id, name=old)
    new = _clean(new)
    clash = await session.scalar(select(Department).where(Department.street_id == street.id,
                                                          Department.name == new, Department.id != dep.id))
    if clash is not None:
        raise DomainError("hier_department_exists", name=new, street=street.name)
    before, dep.name = dep.name, new
    await session.flush()
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.department.rename",
                             target=dep.id, detail=f"{before} -> {new}")
    return dep, before


async def set_contact(*, session: AsyncSession, street: Street, name: str, contact: Person,
                      actor_id: str) -> tuple[Department, str | None]:
    dep = await streets.find_department(session=session, street_id=street.id, name=name)
    before, dep.contact_id = dep.contact_id, contact.id
    await session.flush()
    await refresh_roles(session=session, community_ids=await _street_communities(session, street.id))
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.department.contact",
                             target=dep.id, detail=f"{before or '-'} -> {contact.id}")
    return dep, before


async def find_contact(*, session: AsyncSession, street: Street, token: str, mentions=()) -> Person:
    """The person a department's contact is given as: a real @mention, a person id, or the name of one
    person who holds a role somewhere in the street."""
    name = token.strip().lstrip("@＠").strip()
    for pid in list(mentions) + [name]:
        person = await session.get(Person, pid)
        if person is not None:
            return person
    ids = await _street_communities(session, street.id)
    found = list(await session.scalars(select(Person).join(PersonRole, PersonRole.person_id == Person.id)
                                       .where(PersonRole.community_id.in_(ids or [""]), Person.name == name)
                                       .distinct().order_by(Person.id)))
    if len(found) == 1:
        return found[0]
    if not found:
        raise DomainError("err_person_not_found", name=name)
    raise DomainError("err_person_ambiguous", name=name, count=len(found))


# -- streets (district officers) --------------------------------------------------------------------
async def district_to_edit(*, session: AsyncSession, person_id: str, community_id: str | None) -> District:
    mine = await districts_of_officer(session=session, person_id=person_id)
    if not mine:
        raise DomainError("hier_not_district_officer")
    here = await streets.street_of(session=session, community_id=community_id) if community_id else None
    chosen = here.district_id if here is not None and here.district_id in mine else sorted(mine)[0]
    district = await session.get(District, chosen)
    assert district is not None
    return district


async def district_streets(*, session: AsyncSession, district: District) -> list[Street]:
    return list(await session.scalars(select(Street).where(Street.district_id == district.id).order_by(Street.id)))


def _street_named(every: list[Street], name: str) -> Street:
    for street in every:
        if name in (street.id, street.name) or street.name.startswith(name):
            return street
    raise DomainError("hier_street_not_yours", street=name, streets="、".join(s.name for s in every) or "—")


async def add_street(*, session: AsyncSession, district: District, name: str, actor_id: str) -> Street:
    name = _clean(name)
    if any(s.name == name for s in await district_streets(session=session, district=district)):
        raise DomainError("hier_street_exists", street=name)
    street = Street(id=await _free_id(session, Street, f"{district.id}-street-"), name=name, district_id=district.id)
    session.add(street)
    await session.flush()
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.street.add", target=street.id,
                             detail=f"{district.name} {name}")
    return street


async def rename_street(*, session: AsyncSession, district: District, old: str, new: str,
                        actor_id: str) -> tuple[Street, str]:
    every = await district_streets(session=session, district=district)
    street, new = _street_named(every, old), _clean(new)
    if any(s.name == new and s.id != street.id for s in every):
        raise DomainError("hier_street_exists", street=new)
    before, street.name = street.name, new
    await session.flush()
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.street.rename",
                             target=street.id, detail=f"{before} -> {new}")
    return street, before


async def bind_community(*, session: AsyncSession, district: District, community_name: str, street_name: str,
                         actor_id: str) -> tuple[Community, Street, str | None]:
    """Put a community in a street of the district; a community already in another district's street
    is not this officer's to move."""
    every = await district_streets(session=session, district=district)
    street = _street_named(every, street_name.strip())
    wanted = community_name.strip()
    found = list(await session.scalars(select(Community).where(
        (Community.id == wanted) | (Community.name == wanted) | Community.name.startswith(wanted))
        .order_by(Community.id)))
    exact = [c for c in found if wanted in (c.id, c.name)]
    found = exact or found
    if not found:
        raise DomainError("hier_community_not_found", community=wanted)
    if len(found) > 1:
        raise DomainError("hier_community_ambiguous", community=wanted, names="、".join(c.name for c in found[:5]))
    community = found[0]
    mine = {s.id for s in every}
    if community.street_id is not None and community.street_id not in mine:
        raise DomainError("hier_community_elsewhere", community=community.name)
    before = community.street_id
    previous = await session.get(Street, before) if before else None
    community.street_id = street.id
    await session.flush()
    await refresh_roles(session=session, community_ids=[community.id])
    await console_auth.audit(session=session, person_id=actor_id, action="hierarchy.community.bind",
                             target=community.id, detail=f"{before or '-'} -> {street.id}")
    return community, street, previous.name if previous else None
