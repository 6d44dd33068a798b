"""Streets (街道) and districts above the communities, their officers and departments (issue 13).

The directory YAML gains two top-level lists besides ``communities`` (see bot/demo/demo.yaml):

    districts:
      - id: heping-qu
        name: 和平区
        officers:                     # district office: staff in every community of the district
          - {id: qu-li, name: 区网格中心李科长}
    streets:
      - id: xinhua
        name: 新华街道
        district: heping-qu
        officers:                     # street officers: staff in every community of the street
          - {id: st-zhang, name: 张主任}
        departments:                  # told through their contact and/or their group
          - {id: dept-cg, name: 城管, contact: {id: cg-liu, name: 城管刘科长}, room: dept-cg-room}
    communities:
      - {id: xingfuli, name: 幸福里社区, street: xinhua, ...}

Loading is idempotent like the rest of the directory. Officers and department contacts get a
``street_officer`` / ``department`` role in every community of their street (``expand_roles``),
so a command's role check and the actor cache need nothing new.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, PersonRole
from bot.db.models_streets import Department, District, DistrictOfficer, Street, StreetOfficer
from bot.errors import DomainError
from bot.services import directory
from bot.services.directory import DEPARTMENT, STREET_OFFICER


def _check(item, what: str, fail) -> None:
    if not isinstance(item, dict):
        fail("load_not_mapping", what=what, item=item)
    missing = [k for k in ("id", "name") if k not in item]
    if missing:
        fail("load_missing", what=what, name=item.get("id") or item.get("name") or "", keys="、".join(missing))


async def load_streets(*, session: AsyncSession, data: dict, fail) -> dict[str, int]:
    """Districts and streets of a directory file; ``fail(key, **fields)`` raises the loader's error."""
    counts = {"districts": 0, "streets": 0, "departments": 0}
    for d in data.get("districts") or []:
        _check(d, "区", fail)
        row = await session.get(District, str(d["id"]))
        if row is None:
            session.add(District(id=str(d["id"]), name=str(d["name"])))
        else:
            row.name = str(d["name"])
        await session.flush()
        for o in d.get("officers") or []:
            _check(o, "区干部", fail)
            await directory.ensure_person(session=session, person_id=str(o["id"]), name=str(o["name"]))
            if await session.scalar(select(DistrictOfficer).where(DistrictOfficer.district_id == str(d["id"]),
                                                                  DistrictOfficer.person_id == str(o["id"]))) is None:
                session.add(DistrictOfficer(district_id=str(d["id"]), person_id=str(o["id"])))
        counts["districts"] += 1
    await session.flush()
    for s in data.get("streets") or []:
        _check(s, "街道", fail)
        district = str(s["district"]) if s.get("district") is not None else None
        if district is not None and await session.get(District, district) is None:
            fail("load_unknown_district", street=s["id"], district=district)
        street = await session.get(Street, str(s["id"]))
        if street is None:
            street = Street(id=str(s["id"]), name=str(s["name"]), district_id=district)
            session.add(street)
        else:
            street.name, street.district_id = str(s["name"]), district
        await session.flush()
        for o in s.get("officers") or []:
            _check(o, "街道干部", fail)
            await directory.ensure_person(session=session, person_id=str(o["id"]), name=str(o["name"]))
            if await session.scalar(select(StreetOfficer).where(StreetOfficer.street_id == street.id,
                                                                StreetOfficer.person_id == str(o["id"]))) is None:
                session.add(StreetOfficer(street_id=street.id, person_id=str(o["id"])))
        for dep in s.get("departments") or []:
            _check(dep, "部门", fail)
            contact = dep.get("contact")
            contact_id = None
            if isinstance(contact, dict) and "id" in contact:
                contact_id = str(contact["id"])
                await directory.ensure_person(session=session, person_id=contact_id,
                                              name=str(contact.get("name") or contact_id))
            values = dict(street_id=street.id, name=str(dep["name"]), contact_id=contact_id,
                          room_id=str(dep["room"]) if dep.get("room") else None)
            row = await session.get(Department, str(dep["id"]))
            if row is None:
                session.add(Department(id=str(dep["id"]), **values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            counts["departments"] += 1
        counts["streets"] += 1
    await session.flush()
    return counts


async def expand_roles(*, session: AsyncSession) -> None:
    """Give every street officer and department contact their role in each community of their street,
    and every district officer a street officer's role in each community of their district."""
    members = (await session.execute(select(Community.id, Community.street_id, Street.district_id)
                                     .join(Street, Street.id == Community.street_id))).all()
    by_street: dict[str, list[str]] = {}
    for community_id, street_id, _ in members:
        by_street.setdefault(street_id, []).append(community_id)
    district_of = {street_id: district_id for _, street_id, district_id in members}
    for street_id, communities in by_street.items():
        people = [(o, STREET_OFFICER) for o in await session.scalars(
            select(StreetOfficer.person_id).where(StreetOfficer.street_id == street_id))]
        if district_of.get(street_id) is not None:
            people += [(o, STREET_OFFICER) for o in await session.scalars(
                select(DistrictOfficer.person_id).where(DistrictOfficer.district_id == district_of[street_id]))]
        people += [(c, DEPARTMENT) for c in await session.scalars(
            select(Department.contact_id).where(Department.street_id == street_id,
                                                Department.contact_id.is_not(None)))]
        for person_id, role in people:
            for community_id in communities:
                await directory.add_role(session=session, person_id=person_id, community_id=community_id, role=role)


# -- lookups -----------------------------------------------------------------------------------
async def street_of(*, session: AsyncSession, community_id: str) -> Street | None:
    community = await session.get(Community, community_id)
    return await session.get(Street, community.street_id) if community and community.street_id else None


async def need_street(*, session: AsyncSession, community_id: str) -> Street:
    street = await street_of(session=session, community_id=community_id)
    if street is None:
        raise DomainError("err_no_street")
    return street


async def communities_of(*, session: AsyncSession, street_id: str) -> list[Community]:
    return list(await session.scalars(select(Community).where(Community.street_id == street_id)
                                      .order_by(Community.id)))


async def officers_of(*, session: AsyncSession, street_id: str) -> list[str]:
    return list(await session.scalars(select(StreetOfficer.person_id).where(StreetOfficer.street_id == street_id)
                                      .order_by(StreetOfficer.person_id)))


async def departments_of(*, session: AsyncSession, street_id: str) -> list[Department]:
    return list(await session.scalars(select(Department).where(Department.street_id == street_id)
                                      .order_by(Department.id)))


def _fold(name: str) -> str:
    return name.strip().removesuffix("局").removesuffix("所").removesuffix("公司") or name.strip()


async def find_department(*, session: AsyncSession, street_id: str, name: str) -> Department:
    """The street's department ``name`` names: 城管, 城管局 and the id all find 城管."""
    wanted = name.strip()
    every = await departments_of(session=session, street_id=street_id)
    for dep in every:
        if wanted in (dep.id, dep.name) or _fold(wanted) == _fold(dep.name):
            return dep
    raise DomainError("err_department_not_found", name=wanted,
                      known="、".join(d.name for d in every) or "—")


async def departments_of_contact(*, session: AsyncSession, person_id: str) -> list[Department]:
    return list(await session.scalars(select(Department).where(Department.contact_id == person_id)
                                      .order_by(Department.id)))


async def is_street_officer_of(*, session: AsyncSession, person_id: str, community_id: str) -> bool:
    return await session.scalar(select(PersonRole.id).where(
        PersonRole.person_id == person_id, PersonRole.community_id == community_id,
        PersonRole.role == STREET_OFFICER)) is not None
