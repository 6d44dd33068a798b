"""Work units (双报到, issue 13): a unit's members serve where they live; the unit learns what they
did each month, and the street sees which units' members have not served for N months (参加次数考核).

What a member did counts wherever they did it (积分互认): tickets they finished that were verified,
activities they attended, points earned, the ratings of their tickets — in every community.

Directory YAML, top level:

    units:
      - id: fgw
        name: 市发改委机关党委
        contact: {id: fgw-zhao, name: 发改委赵主任}
        communities: [xingfuli]          # 包联: the communities it reported to
        members: [mem-li, mem-chen]      # person ids
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models import Claim, Community, Person, PersonRole, PointsEntry, Ticket
from bot.db.models_members import ActivitySignup, MemberProfile
from bot.db.models_schedule import ScheduledJob
from bot.db.models_streets import WorkUnit, WorkUnitLink, WorkUnitMember
from bot.messages import Outgoing
from bot.replies import say
from bot.services import directory, jobs, stats
from bot.services.directory import COMMUNITY_STAFF, MEMBER
from bot.signing import signed_path


async def load_units(*, session: AsyncSession, data: dict, fail) -> int:
    count = 0
    for u in data.get("units") or []:
        if not isinstance(u, dict) or "id" not in u or "name" not in u:
            fail("load_missing", what="单位", name=str(u.get("id", "")) if isinstance(u, dict) else str(u),
                 keys="id、name")
        contact = u.get("contact")
        contact_id = str(contact["id"]) if isinstance(contact, dict) and "id" in contact else None
        if contact_id:
            await directory.ensure_person(session=session, person_id=contact_id,
                                          name=str(contact.get("name") or contact_id))
        unit = await session.get(WorkUnit, str(u["id"]))
        if unit is None:
            session.add(WorkUnit(id=str(u["id"]), name=str(u["name"]), contact_id=contact_id))
        else:
            unit.name, unit.contact_id = str(u["name"]), contact_id
        await session.flush()
        for community_id in u.get("communities") or []:
            if await session.get(Community, str(community_id)) is None:
                fail("load_unknown_unit_community", unit=u["id"], community=community_id)
            if await session.scalar(select(WorkUnitLink.id).where(WorkUnitLink.unit_id == str(u["id"]),
                                                                  WorkUnitLink.community_id == str(community_id))) is None:
                session.add(WorkUnitLink(unit_id=str(u["id"]), community_id=str(community_id)))
        for person_id in u.get("members") or []:
            if await session.get(Person, str(person_id)) is None:
                fail("load_unknown_unit_member", unit=u["id"], person=person_id)
            if await session.scalar(select(WorkUnitMember.id).where(WorkUnitMember.unit_id == str(u["id"]),
                                                                    WorkUnitMember.person_id == str(person_id))) is None:
                session.add(WorkUnitMember(unit_id=str(u["id"]), person_id=str(person_id)))
        count += 1
    await session.flush()
    return count


_PARTY_SUFFIXES = ("机关党委", "党总支", "党支部", "党委", "党组织", "机关")


def _core(name: str) -> str:
    """A unit's name without its party-organisation suffix: 市发改委机关党委 → 市发改委."""
    name = "".join(name.split())
    for suffix in _PARTY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


async def link_member(*, session: AsyncSession, person_id: str, said: str) -> WorkUnit | None:
    """A member's 报到 … 单位 X (双报到): join the work unit X names, when exactly one unit's name
    matches (市发改委 finds 市发改委机关党委); None when none or several do (the words stay on the profile)."""
    wanted = _core(said)
    if len(wanted) < 2:
        return None
    found = [u for u in await session.scalars(select(WorkUnit))
             if wanted == _core(u.name) or wanted in u.name or _core(u.name) in wanted]
    if len(found) != 1:
        return None
    unit = found[0]
    known = await session.scalar(select(WorkUnitMember.id).where(WorkUnitMember.unit_id == unit.id,
                                                                 WorkUnitMember.person_id == person_id))
    if known is None:
        session.add(WorkUnitMember(unit_id=unit.id, person_id=person_id))
        await session.flush()
    return unit


@dataclass
class MemberRow:
    person_id: str
    name: str
    services: int = 0  # tickets finished and verified
    activities: int = 0  # activities attended
    points: int = 0  # earned in the period, in every community
    ratings: list[int] | None = None
    minutes: int = 0  # service time recorded in the period (roll calls, activities, parts of tasks)

    @property
    def avg_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def served(self) -> bool:
        return bool(self.services or self.activities or self.points > 0 or self.minutes)


async def member_rows(*, session: AsyncSession, unit_id: str, start: datetime, end: datetime) -> list[MemberRow]:
    people = (await session.execute(select(Person.id, Person.name).join(
        WorkUnitMember, WorkUnitMember.person_id == Person.id).where(WorkUnitMember.unit_id == unit_id)
        .order_by(Person.id))).all()
    rows = {pid: MemberRow(pid, name, ratings=[]) for pid, name in people}
    if not rows:
        return []
    ids = list(rows)
    done = (await session.execute(
        select(Claim.person_id, Ticket.rating).join(Ticket, Ticket.id == Claim.ticket_id)
        .where(Claim.person_id.in_(ids), Claim.outcome == "done", Claim.ended_at >= start,
               Claim.ended_at < end))).all()
    for pid, rating in done:
        rows[pid].services += 1
        if rating is not None:
            rows[pid].ratings.append(rating)
    for pid, n in (await session.execute(
            select(ActivitySignup.person_id, func.count()).where(
                ActivitySignup.person_id.in_(ids), ActivitySignup.attended_at >= start,
                ActivitySignup.attended_at < end).group_by(ActivitySignup.person_id))).all():
        rows[pid].activities = int(n)
    for pid, total in (await session.execute(
            select(PointsEntry.person_id, func.sum(PointsEntry.amount)).where(
                PointsEntry.person_id.in_(ids), PointsEntry.created_at >= start, PointsEntry.created_at < end)
            .group_by(PointsEntry.person_id))).all():
        rows[pid].points = int(total or 0)
    from bot.services import hours

    for record in await hours.records(session=session, person_ids=ids, start=start, end=end):
        rows[record.person_id].minutes += record.minutes
    return list(rows.values())


async def idle_units(*, session: AsyncSession, community_ids: list[str], months: int,
                     now: datetime) -> list[tuple[WorkUnit, list[str]]]:
    """Units supporting these communities whose members did nothing in the last ``months`` months:
    (unit, names of the idle members), units with idle members only."""
    start = now - timedelta(days=30 * months)
    units = list(await session.scalars(select(WorkUnit).join(WorkUnitLink, WorkUnitLink.unit_id == WorkUnit.id)
                                       .where(WorkUnitLink.community_id.in_(community_ids))
                                       .distinct().order_by(WorkUnit.id)))
    out = []
    for unit in units:
        idle = [r.name for r in await member_rows(session=session, unit_id=unit.id, start=start, end=now)
                if not r.served]
        if idle:
            out.append((unit, idle))
    return out


async def unreported(*, session: AsyncSession, community_ids: list[str]) -> list[tuple[WorkUnit, list[str]]]:
    """Units supporting these communities with members who have not reported (报到) where they live:
    on the unit's roster but a member or staff nowhere (at most a resident). (unit, their names; a
    报到 still waiting for the secretary's review is said so)."""
    reported = select(PersonRole.person_id).where(PersonRole.role.in_((MEMBER, *COMMUNITY_STAFF)))
    rows = (await session.execute(
        select(WorkUnitMember.unit_id, Person.id, Person.name)
        .join(WorkUnitLink, WorkUnitLink.unit_id == WorkUnitMember.unit_id)
        .join(Person, Person.id == WorkUnitMember.person_id)
        .where(WorkUnitLink.community_id.in_(community_ids), WorkUnitMember.person_id.not_in(reported))
        .distinct().order_by(WorkUnitMember.unit_id, Person.name))).all()
    waiting = set((await session.scalars(select(MemberProfile.person_id).where(
        MemberProfile.status == "pending", MemberProfile.person_id.in_({pid for _, pid, _ in rows})))).all())
    names: dict[str, list[str]] = {}
    for unit_id, pid, name in rows:
        names.setdefault(unit_id, []).append(say("unit_waiting_review", name=name) if pid in waiting else name)
    found = [await session.get(WorkUnit, unit_id) for unit_id in names]
    return [(unit, names[unit.id]) for unit in found if unit is not None]


def report_text(unit: WorkUnit, rows: list[MemberRow], title: str) -> str:
    from bot.services.hours import hours_text

    items = "".join(say("unit_report_item", name=r.name, services=r.services, activities=r.activities,
                        hours=hours_text(r.minutes), points=r.points,
                        rating=f"{r.avg_rating:.1f}" if r.avg_rating is not None else "—")
                    for r in rows)
    return say("unit_report", unit=unit.name, title=title, served=sum(r.served for r in rows), total=len(rows),
               items=items or say("stats_none"))


def workbook(unit: WorkUnit, rows: list[MemberRow], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = say("xlsx_sheet_unit")
    ws.append([unit.name, title])
    ws.append(say("xlsx_head_unit").split("|"))
    for r in rows:
        ws.append([r.name, r.services, r.activities, round(r.minutes / 60, 1), r.points, r.avg_rating,
                   say("xlsx_yes") if r.served
                   else say("xlsx_no")])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_url(settings, unit_id: str, month: str) -> str:
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    return f"{base.rstrip('/')}{signed_path(getattr(settings, 'api_token', None), f'/api/reports/unit/{unit_id}/{month}.xlsx')}"


async def plan(*, session: AsyncSession, part: str, due_at: datetime) -> int:
    """One ``unit_monthly`` job per unit with a contact (the job row names its first community)."""
    added = 0
    for unit in await session.scalars(select(WorkUnit).where(WorkUnit.contact_id.is_not(None)).order_by(WorkUnit.id)):
        community = await session.scalar(select(WorkUnitLink.community_id).where(WorkUnitLink.unit_id == unit.id)
                                         .order_by(WorkUnitLink.community_id).limit(1))
        if community:
            added += await jobs.add(session=session, key=f"unit_monthly:{unit.id}:{part}", kind="unit_monthly",
                                    community_id=community, due_at=due_at)
    return added


async def monthly(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    unit = await session.get(WorkUnit, job.key.split(":")[1])
    if unit is None or unit.contact_id is None:
        return None
    first = to_local(job.due_at).date().replace(day=1)
    prev = (first - timedelta(days=1)).replace(day=1)
    start, end = stats.month_span(prev.year, prev.month)
    rows = await member_rows(session=session, unit_id=unit.id, start=start, end=end)
    title = say("report_title_month", year=prev.year, month=prev.month)
    text = report_text(unit, rows, title) + say("report_link", url=report_url(settings, unit.id,
                                                                              prev.strftime("%Y-%m")))
    return jobs.Batch([Outgoing(text=text, to=unit.contact_id)])
