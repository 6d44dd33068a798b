"""参加次数考核: how many times each member of a community took part in a period (activities
attended, roll calls arrived at, tasks finished: a verified ticket or a verified part of a task
for several people), against the community's required minimum; listed in chat and as .xlsx."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import clock
from bot.db.models import Claim, Person, PersonRole, Ticket
from bot.db.models_members import Activity, ActivitySignup
from bot.db.models_mobilise import RollCall, RollCallAnswer
from bot.db.models_tasks import ParticipationRule
from bot.errors import DomainError
from bot.replies import say
from bot.services import ranking, stats
from bot.services.directory import MEMBER
from bot.services.exports import _bytes, _headers
from bot.signing import signed_path

MAX_MIN = 366
_SPAN = re.compile(r"^(\d{8})-(\d{8})$")


@dataclass(frozen=True, slots=True)
class Row:
    person_id: str
    name: str
    activities: int
    calls: int
    tasks: int

    @property
    def total(self) -> int:
        return self.activities + self.calls + self.tasks


async def set_minimum(*, session: AsyncSession, community_id: str, count: int, actor_id: str) -> None:
    if not 1 <= count <= MAX_MIN:
        raise DomainError("part_bad_min", limit=MAX_MIN)
    rule = await session.get(ParticipationRule, community_id)
    if rule is None:
        session.add(ParticipationRule(community_id=community_id, min_count=count, updated_by=actor_id))
    else:
        rule.min_count, rule.updated_by, rule.updated_at = count, actor_id, clock.utcnow()
    await session.flush()


async def minimum(*, session: AsyncSession, community_id: str) -> int | None:
    rule = await session.get(ParticipationRule, community_id)
    return rule.min_count if rule else None


def period(word: str, now: datetime) -> tuple[datetime, datetime]:
    """本周 / 本月 / 上月 / 本年 (今年) / 2026上半年 → [start, end) in UTC, or ``part_usage``."""
    word = word.strip()
    if word in ("本年", "今年", "全年"):
        year = clock.to_local(now).year
        return stats.local_midnight(date(year, 1, 1)), stats.local_midnight(date(year + 1, 1, 1))
    span = stats.period(word, now)
    if span is not None:
        return span
    try:
        half = ranking.half_year(word)
    except DomainError:
        raise DomainError("part_usage") from None
    return half.start, half.end


def span_code(start: datetime, end: datetime) -> str:
    """The period in a link's path: 20260101-20260701 (local dates, end exclusive)."""
    return f"{clock.to_local(start):%Y%m%d}-{clock.to_local(end):%Y%m%d}"


def parse_span(code: str) -> tuple[datetime, datetime] | None:
    match = _SPAN.match(code)
    if match is None:
        return None
    try:
        first, last = (datetime.strptime(g, "%Y%m%d").date() for g in match.groups())
    except ValueError:
        return None
    if not first < last or (last - first).days > MAX_MIN + 1:
        return None
    return stats.local_midnight(first), stats.local_midnight(last)


async def counts(*, session: AsyncSession, community_id: str, start: datetime, end: datetime) -> list[Row]:
    """Every member of the community with their counts, fewest first."""
    members = dict((await session.execute(
        select(Person.id, Person.name).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.community_id == community_id, PersonRole.role == MEMBER))).all())
    if not members:
        return []
    ids = sorted(members)
    acts = dict((await session.execute(
        select(ActivitySignup.person_id, func.count()).join(Activity, Activity.id == ActivitySignup.activity_id)
        .where(Activity.community_id == community_id, ActivitySignup.person_id.in_(ids),
               ActivitySignup.attended_at >= start, ActivitySignup.attended_at < end)
        .group_by(ActivitySignup.person_id))).all())
    calls = dict((await session.execute(
        select(RollCallAnswer.person_id, func.count()).join(RollCall, RollCall.id == RollCallAnswer.roll_call_id)
        .where(RollCall.community_id == community_id, RollCallAnswer.person_id.in_(ids),
               RollCallAnswer.arrived_at >= start, RollCallAnswer.arrived_at < end)
        .group_by(RollCallAnswer.person_id))).all())
    tasks = dict((await session.execute(
        select(Claim.person_id, func.count()).join(Ticket, Ticket.id == Claim.ticket_id)
        .where(Ticket.community_id == community_id, Claim.person_id.in_(ids), Claim.outcome == "done",
               Claim.ended_at >= start, Claim.ended_at < end)
        .group_by(Claim.person_id))).all())
    found = [Row(pid, members[pid], int(acts.get(pid) or 0), int(calls.get(pid) or 0), int(tasks.get(pid) or 0))
             for pid in ids]
    return sorted(found, key=lambda r: (r.total, r.name, r.person_id))


def workbook(rows: list[Row], *, title: str, least: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = say("xlsx_part_sheet")
    sheet.append([title])
    sheet.append(_headers("xlsx_part_headers"))
    for r in rows:
        sheet.append([r.name, r.person_id, r.activities, r.calls, r.tasks, r.total, least,
                      say("xlsx_part_yes") if r.total >= least else say("xlsx_part_no")])
    return _bytes(book)


def sheet_url(settings, community_id: str, start: datetime, end: datetime) -> str:
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    path = f"/api/reports/participation/{community_id}/{span_code(start, end)}.xlsx"
    return f"{base.rstrip('/')}{signed_path(getattr(settings, 'api_token', None), path)}"
