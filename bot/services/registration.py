"""报到: members register with their home grid, skills, work unit and when they can help.

A registration waits for a secretary's review (``/审核 @张三 通过|拒绝``); an
approved one makes the person a member of the community, with the home grid and
skills on the role that task matching reads.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import Grid, Person
from bot.db.models_members import MemberProfile
from bot.errors import DomainError
from bot.services import directory, ranking
from bot.services.directory import MEMBER

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
# The words that start each field of a 报到, as people write them.
FIELD_WORDS = {
    "特长": "skills", "技能": "skills", "专长": "skills",
    "单位": "work_unit", "工作单位": "work_unit",
    "时间": "availability", "空闲": "availability", "服务时间": "availability", "可服务时间": "availability",
    "电话": "phone", "手机": "phone",
}
_WORD_RE = re.compile(r"^(" + "|".join(sorted(FIELD_WORDS, key=len, reverse=True)) + r")[:：]?(.*)$")
_PHONE = re.compile(r"^1\d{10}$")
MAX_FIELD = 100


@dataclass
class Form:
    grid: str | None = None
    skills: str | None = None
    work_unit: str | None = None
    availability: str | None = None
    phone: str | None = None


def parse(args: str) -> Form:
    """``3号楼 特长 水电维修 单位 市发改委 时间 周末`` → a Form (fields may be missing)."""
    form, current, grid_words = Form(), None, []
    for token in args.split():
        match = _WORD_RE.match(token)
        if match:
            current = FIELD_WORDS[match.group(1)]
            token = match.group(2)
            if not token:
                continue
        if current is None:
            grid_words.append(token)
        else:
            value = getattr(form, current)
            setattr(form, current, f"{value} {token}" if value else token)
    form.grid = " ".join(grid_words) or None
    for name in ("skills", "work_unit", "availability"):
        value = getattr(form, name)
        if value and len(value) > MAX_FIELD:
            raise DomainError("reg_field_too_long", limit=MAX_FIELD)
    if form.phone and not _PHONE.match(form.phone):
        raise DomainError("reg_bad_phone", phone=form.phone)
    return form


async def resolve_grid(*, session: AsyncSession, community_id: str, name: str | None) -> Grid | None:
    if not name:
        return None
    candidates = [name, name.removesuffix("栋").removesuffix("号楼").removesuffix("号"), name.replace("栋", "号楼")]
    for candidate in candidates:
        grid = await ranking.find_grid(session=session, community_id=community_id, name=candidate)
        if grid is not None:
            return grid
    names = "、".join(g.name for g in await directory.grids_of(session=session, community_id=community_id))
    raise DomainError("reg_unknown_grid", grid=name, valid=names or "—")


async def profile_of(*, session: AsyncSession, person_id: str, community_id: str) -> MemberProfile | None:
    return await session.scalar(select(MemberProfile).where(
        MemberProfile.person_id == person_id, MemberProfile.community_id == community_id))


async def register(*, session: AsyncSession, person_id: str, community_id: str, form: Form,
                   source: str = "chat", approved: bool = False) -> MemberProfile:
    """Create or update a registration. Someone already a member is updated at once."""
    grid = await resolve_grid(session=session, community_id=community_id, name=form.grid)
    profile = await profile_of(session=session, person_id=person_id, community_id=community_id)
    roles = await directory.roles_of(session=session, person_id=person_id, community_id=community_id)
    if profile is None:
        profile = MemberProfile(person_id=person_id, community_id=community_id, source=source)
        session.add(profile)
    if grid is not None:
        profile.grid_id = grid.id
    for name in ("skills", "work_unit", "availability", "phone"):
        if getattr(form, name):
            setattr(profile, name, getattr(form, name))
    already = bool(roles & {MEMBER, *directory.STAFF})
    profile.status = APPROVED if (approved or already) else PENDING
    await session.flush()
    if profile.status == APPROVED:
        await _make_member(session, profile)
    return profile


async def _make_member(session: AsyncSession, profile: MemberProfile) -> None:
    await directory.add_role(session=session, person_id=profile.person_id, community_id=profile.community_id,
                             role=MEMBER, grid_id=profile.grid_id, skills=profile.skills)


async def pending(*, session: AsyncSession, community_id: str) -> list[tuple[MemberProfile, Person, Grid | None]]:
    rows = await session.execute(
        select(MemberProfile, Person, Grid)
        .join(Person, Person.id == MemberProfile.person_id)
        .outerjoin(Grid, Grid.id == MemberProfile.grid_id)
        .where(MemberProfile.community_id == community_id, MemberProfile.status == PENDING)
        .order_by(MemberProfile.id)
    )
    return [(p, person, grid) for p, person, grid in rows]


async def review(*, session: AsyncSession, person_id: str, community_id: str, approve: bool,
                 actor_id: str) -> MemberProfile:
    """Approve or reject a pending registration; a conditional UPDATE so it is decided once."""
    result = await session.execute(
        update(MemberProfile)
        .where(MemberProfile.person_id == person_id, MemberProfile.community_id == community_id,
               MemberProfile.status == PENDING)
        .values(status=APPROVED if approve else REJECTED, reviewed_by=actor_id, reviewed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    profile = await profile_of(session=session, person_id=person_id, community_id=community_id)
    if profile is not None:
        await session.refresh(profile)
    if result.rowcount != 1:
        raise DomainError(f"reg_already_{profile.status}" if profile else "reg_not_found")
    if approve:
        await _make_member(session, profile)
    return profile


async def find_registrant(*, session: AsyncSession, community_id: str, token: str,
                          mentions: Iterable[str] = ()) -> Person | None:
    """A person with a registration here, by id or display name (they may hold no role yet).

    Only this community's registrations are searched, real @mentions included; a name two
    registrants share is settled by the @mention, else nobody is found."""
    name = token.lstrip("@").strip()
    rows = list(await session.scalars(
        select(Person).join(MemberProfile, MemberProfile.person_id == Person.id)
        .where(MemberProfile.community_id == community_id, (Person.name == name) | (Person.id == name))
    ))
    mentioned = [p for p in rows if p.id in set(mentions)]
    if len(mentioned) == 1:
        return mentioned[0]
    return rows[0] if len(rows) == 1 else None
