"""Service hours (志愿服务时长): what roll calls (到岗 → 结束), activities (签到 → 签退) and
parts of tasks for several people (接单 → 完成, confirmed at 验收) recorded, per person; shown in
我的存折, in the ledger spreadsheet, and in a member's
half-year statement (.xlsx) with the points of the same period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Person, PointsEntry, Ticket
from bot.db.models_members import Activity, ActivitySignup
from bot.db.models_mobilise import RollCall, RollCallAnswer
from bot.db.models_tasks import TaskPlace
from bot.errors import DomainError
from bot.replies import say
from bot.services import rules
from bot.services.exports import _bytes, _headers, _local
from bot.services.ranking import HalfYear


@dataclass(frozen=True, slots=True)
class Record:
    person_id: str
    name: str
    kind: str  # how it reads: 集结 / 活动
    title: str
    start: datetime
    end: datetime
    minutes: int
    community_id: str


async def records(*, session: AsyncSession, person_id: str | None = None, community_id: str | None = None,
                  start: datetime | None = None, end: datetime | None = None,
                  person_ids: list[str] | None = None) -> list[Record]:
    """Every service record with a time, oldest first (filtered by person or people, community, end time)."""
    calls = (select(RollCallAnswer, RollCall, Person.name).join(RollCall, RollCall.id == RollCallAnswer.roll_call_id)
             .join(Person, Person.id == RollCallAnswer.person_id).where(RollCallAnswer.minutes.is_not(None)))
    acts = (select(ActivitySignup, Activity, Person.name).join(Activity, Activity.id == ActivitySignup.activity_id)
            .join(Person, Person.id == ActivitySignup.person_id).where(ActivitySignup.minutes.is_not(None)))
    parts = (select(TaskPlace, Ticket, Person.name).join(Ticket, Ticket.id == TaskPlace.ticket_id)
             .join(Person, Person.id == TaskPlace.person_id).where(TaskPlace.minutes.is_not(None)))
    if person_id is not None:
        calls = calls.where(RollCallAnswer.person_id == person_id)
        acts = acts.where(ActivitySignup.person_id == person_id)
        parts = parts.where(TaskPlace.person_id == person_id)
    if person_ids is not None:
        calls = calls.where(RollCallAnswer.person_id.in_(person_ids))
        acts = acts.where(ActivitySignup.person_id.in_(person_ids))
        parts = parts.where(TaskPlace.person_id.in_(person_ids))
    if community_id is not None:
        calls = calls.where(RollCall.community_id == community_id)
        acts = acts.where(Activity.community_id == community_id)
        parts = parts.where(Ticket.community_id == community_id)
    if start is not None:
        calls, acts = calls.where(RollCall.closed_at >= start), acts.where(ActivitySignup.left_at >= start)
        parts = parts.where(TaskPlace.verified_at >= start)
    if end is not None:
        calls, acts = calls.where(RollCall.closed_at < end), acts.where(ActivitySignup.left_at < end)
        parts = parts.where(TaskPlace.verified_at < end)
    found = [Record(a.person_id, name, say("hours_kind_rollcall"), say("hours_title_rollcall", number=c.number,
                                                                          place=c.place),
                    a.arrived_at, c.closed_at, int(a.minutes), c.community_id)
             for a, c, name in await session.execute(calls)]
    found += [Record(s.person_id, name, say("hours_kind_activity"), a.title, s.attended_at, s.left_at,
                     int(s.minutes), a.community_id) for s, a, name in await session.execute(acts)]
    found += [Record(p.person_id, name, say("hours_kind_task"),
                     say("hours_title_task", number=t.number, excerpt=" ".join(t.text.split())[:30]), p.claimed_at,
                     p.done_at or p.verified_at, int(p.minutes), t.community_id)
              for p, t, name in await session.execute(parts)]
    return sorted(found, key=lambda r: (r.end, r.person_id))


def as_hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def hours_text(minutes: int) -> str:
    value = as_hours(minutes)
    return str(int(value)) if value == int(value) else str(value)


async def total_minutes(*, session: AsyncSession, person_id: str, community_id: str | None = None) -> int:
    return sum(r.minutes for r in await records(session=session, person_id=person_id, community_id=community_id))


async def half_year_xlsx(*, session: AsyncSession, person_id: str, period: HalfYear) -> bytes:
    """A member's half-year statement: each service record with its hours, each points entry,
    and the totals (hours, points earned, points spent)."""
    person = await session.get(Person, person_id)
    if person is None:
        raise DomainError("err_unknown_person_id", person=person_id)
    book = Workbook()
    sheet = book.active
    sheet.title = say("xlsx_hours_sheet")
    sheet.append([say("xlsx_half_title", name=person.name, id=person.id, period=period.code)])
    sheet.append(_headers("xlsx_hours_headers"))
    found = await records(session=session, person_id=person_id, start=period.start, end=period.end)
    names = {c.id: c.name for c in await session.scalars(select(Community))}
    for r in found:
        sheet.append([r.kind, r.title, names.get(r.community_id, r.community_id), _local(r.start), _local(r.end),
                      as_hours(r.minutes)])
    minutes = sum(r.minutes for r in found)
    sheet.append([say("xlsx_total"), "", "", "", "", as_hours(minutes)])
    ledger = book.create_sheet(say("xlsx_statement_sheet"))
    ledger.append(_headers("xlsx_half_points_headers"))
    earned = spent = 0
    for entry in await session.scalars(select(PointsEntry).where(
            PointsEntry.person_id == person_id, PointsEntry.created_at >= period.start,
            PointsEntry.created_at < period.end).order_by(PointsEntry.id)):
        ledger.append([entry.id, _local(entry.created_at), names.get(entry.community_id, entry.community_id),
                       entry.amount, rules.rule_name(entry.rule), entry.reason])
        if entry.amount >= 0:
            earned += entry.amount
        else:
            spent -= entry.amount
    summary = book.create_sheet(say("xlsx_summary_sheet"))
    summary.append(_headers("xlsx_half_summary_headers"))
    summary.append([person.name, person.id, period.code, len(found), as_hours(minutes), earned, spent])
    return _bytes(book)


async def ledger_sheet(book: Workbook, *, session: AsyncSession, community_id: str,
                       start: datetime | None = None, end: datetime | None = None) -> None:
    """The ledger spreadsheet's 服务时长 sheet: every record of the community (in the year)."""
    sheet = book.create_sheet(say("xlsx_hours_sheet"))
    sheet.append(_headers("xlsx_ledger_hours_headers"))
    for r in await records(session=session, community_id=community_id, start=start, end=end):
        sheet.append([r.name, r.person_id, r.kind, r.title, _local(r.start), _local(r.end), as_hours(r.minutes)])
