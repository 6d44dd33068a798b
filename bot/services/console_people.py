"""What the console's 人员 page reads and changes (issue 14): the community's staff and members with
their grid, skills, points and last service; residents counted; 报到 waiting; units with members idle
for N months; a roster (.xlsx) checked row by row before anything is written; add and retire members.

"Last served" is the person's last positive points entry in the community: every service the bot
records (a verified ticket, an activity, a roll call, a wish, hours under a rule) posts one."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Grid, Person, PersonRole, PointsEntry
from bot.errors import DomainError
from bot.services import directory, roster_import, units
from bot.services.directory import GRID_WORKER, MEMBER, RESIDENT, SECRETARY, STREET_OFFICER

SHOWN = (SECRETARY, STREET_OFFICER, GRID_WORKER, MEMBER)
# Roles a roster uploaded in the console may give: not 书记 (that is the district's, by gridbot load).
CONSOLE_ROSTER_ROLES = frozenset({"党员", "志愿者", "在职党员", "居民", "网格员"})


@dataclass
class PersonLine:
    id: str
    name: str
    roles: list[str]
    grid: str
    skills: str
    points: int
    last_served: datetime | None
    idle: bool


@dataclass
class People:
    staff_and_members: list[PersonLine]
    residents: int
    idle_units: list[tuple[str, list[str]]]
    unreported_units: list[tuple[str, list[str]]] = field(default_factory=list)  # 双报到: not reported here yet


async def people(*, session: AsyncSession, community_id: str, allowed: frozenset[int] | None, months: int,
                 now: datetime) -> People:
    grids = {g.id: g.name for g in await session.scalars(select(Grid).where(Grid.community_id == community_id))}
    rows = (await session.execute(
        select(PersonRole.person_id, PersonRole.role, PersonRole.grid_id, PersonRole.skills, Person.name)
        .join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.community_id == community_id, PersonRole.role.in_(SHOWN)))).all()
    by_person: dict[str, PersonLine] = {}
    for person_id, role, grid_id, skills, name in rows:
        if allowed is not None and role == MEMBER and grid_id not in allowed:
            continue  # a grid worker sees the members of their grids (and every member of staff)
        line = by_person.setdefault(person_id, PersonLine(person_id, name, [], "", "", 0, None, False))
        line.roles.append(role)
        line.grid = line.grid or grids.get(grid_id, "") if grid_id else line.grid
        line.skills = line.skills or skills or ""
    since = now - timedelta(days=30 * months)
    if by_person:
        totals = await session.execute(
            select(PointsEntry.person_id, func.sum(PointsEntry.amount),
                   func.max(PointsEntry.created_at).filter(PointsEntry.amount > 0))
            .where(PointsEntry.community_id == community_id, PointsEntry.person_id.in_(by_person))
            .group_by(PointsEntry.person_id))
        for person_id, total, last in totals:
            by_person[person_id].points = int(total or 0)
            by_person[person_id].last_served = last
    for line in by_person.values():
        last = line.last_served
        if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
            last = line.last_served = last.replace(tzinfo=timezone.utc)
        line.idle = MEMBER in line.roles and (last is None or last < since)
    residents = await session.scalar(select(func.count()).select_from(PersonRole).where(
        PersonRole.community_id == community_id, PersonRole.role == RESIDENT)) or 0
    visible = {line.name for line in by_person.values()}
    idle = [(unit.name, [n for n in names if allowed is None or n in visible]) for unit, names in
            await units.idle_units(session=session, community_ids=[community_id], months=months, now=now)]
    idle = [(unit, names) for unit, names in idle if names]
    ordered = sorted(by_person.values(), key=lambda p: (min(SHOWN.index(r) for r in p.roles), p.name))
    unreported = ([(unit.name, names) for unit, names in
                   await units.unreported(session=session, community_ids=[community_id])]
                  if allowed is None else [])  # people who are no member anywhere: the whole community's view only
    return People(ordered, int(residents), idle, unreported)


@dataclass
class RosterCheck:
    errors: list[str]
    rows: int
    written: int = 0


async def roster(*, session: AsyncSession, community_id: str, data: bytes, write: bool) -> RosterCheck:
    """Check an uploaded roster for this community; write it only when ``write`` and every row is clean."""
    parsed = roster_import.read(data)
    errors = [e.text for e in await roster_import.check(session=session, roster=parsed, community_id=community_id)]
    for number, row in parsed.rows:
        if row.get("community") not in (None, community_id):
            errors.append(_row_error(number, "console_roster_other_community", value=row["community"]))
        if row.get("role") and row["role"] in roster_import.ROLES and row["role"] not in CONSOLE_ROSTER_ROLES:
            errors.append(_row_error(number, "console_roster_role", value=row["role"]))
    if errors or not write:
        return RosterCheck(errors, len(parsed.rows))
    written = await roster_import.import_rows(session=session, roster=parsed, community_id=community_id)
    return RosterCheck([], len(parsed.rows), written)


def _row_error(number: int, key: str, **fields) -> str:
    return roster_import.RowError(number, key, fields).text


async def add_member(*, session: AsyncSession, community_id: str, person_id: str, name: str, grid: str,
                     skills: str) -> None:
    """One member, as one row of a roster (the same checks)."""
    row = {k: v for k, v in (("id", person_id), ("name", name), ("grid", grid), ("skills", skills)) if v}
    parsed = roster_import.Roster([(0, row)], [])
    errors = await roster_import.check(session=session, roster=parsed, community_id=community_id)
    if errors:
        raise DomainError(errors[0].key, **errors[0].fields)
    await roster_import.import_rows(session=session, roster=parsed, community_id=community_id)


async def retire_member(*, session: AsyncSession, community_id: str, person_id: str) -> str:
    """停用: the person is no longer a member here (their ledger and history stay); returns the name."""
    name = await directory.name_of(session=session, person_id=person_id)
    removed = await session.execute(delete(PersonRole).where(
        PersonRole.person_id == person_id, PersonRole.community_id == community_id, PersonRole.role == MEMBER))
    if name is None or not getattr(removed, "rowcount", 0):
        raise DomainError("console_not_a_member")
    directory.mark_person_changed(session, person_id)
    return name
