"""The district's figures as a chat message (/统计 区) and its monthly report (.xlsx with the
per-street, per-community and per-department tables), sent to the district officers on the 1st
(issue 13). Same style as the street's (bot.services.street_reports)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models import Community
from bot.db.models_schedule import ScheduledJob
from bot.db.models_streets import District, DistrictOfficer, Street
from bot.messages import Outgoing
from bot.replies import category_name, say
from bot.services import district_stats, jobs, reports, stats
from bot.services.reports import _num, _pct
from bot.signing import signed_path


def summary_text(df: district_stats.DistrictFigures, *, title: str) -> str:
    """The district's totals (the same measures as a community's), then one line per street."""
    items = "".join(say("stats_street_item", street=s.name, communities=sum(1 for c in df.communities
                                                                               if c.street == s.name),
                        created=s.created, verified=s.verified, overdue_rate=_pct(s.overdue_rate),
                        escalated=s.escalated, on_time=_pct(s.on_time_rate), rating=_num(s.avg_rating))
                    for s in df.streets)
    return reports.summary_text(df.total, title=title) + say("stats_streets", items=items)


def workbook(df: district_stats.DistrictFigures, *, title: str) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = say("xlsx_sheet_summary")
    f = df.total
    for row in [(say("xlsx_district"), df.district.name), (say("xlsx_period"), title),
                (say("xlsx_created"), f.created), (say("xlsx_claimed"), f.claimed),
                (say("xlsx_verified"), f.verified), (say("xlsx_median_claim"), f.median_claim_minutes),
                (say("xlsx_median_close"), f.median_close_hours), (say("xlsx_with_deadline"), f.with_deadline),
                (say("xlsx_overdue"), f.overdue), (say("xlsx_overdue_rate"), f.overdue_rate),
                (say("xlsx_rating"), f.avg_rating)]:
        ws.append(row)
    ws.column_dimensions["A"].width = 24
    per_street = wb.create_sheet(say("xlsx_sheet_streets"))
    per_street.append(say("xlsx_head_streets").split("|"))
    for s in df.streets:
        per_street.append(_area(s) + [s.escalated_on_time, s.escalated_overdue, s.on_time_rate])
    per = wb.create_sheet(say("xlsx_sheet_communities"))
    per.append(say("xlsx_head_district_communities").split("|"))
    for c in df.communities:
        per.append([c.street] + _area(c))
    deps = wb.create_sheet(say("xlsx_sheet_departments"))
    deps.append(say("xlsx_head_district_departments").split("|"))
    for street, r in df.departments:
        deps.append([street, r.name, r.handed, r.finished, r.on_time, r.overdue, r.on_time_rate])
    cats = wb.create_sheet(say("xlsx_sheet_categories"))
    cats.append(say("xlsx_head_categories").split("|"))
    for code, n in f.by_category:
        cats.append([category_name(code), n])
    for sheet in (per_street, per, deps, cats):
        for cell in sheet[1]:
            cell.font = bold
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _area(a: district_stats.AreaRow) -> list:
    return [a.name, a.created, a.claimed, a.verified, a.median_claim_minutes, a.median_close_hours, a.overdue,
            a.overdue_rate, a.escalated, a.avg_rating]


def report_url(settings, district_id: str, month: str) -> str:
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    path = signed_path(getattr(settings, "api_token", None), f"/api/reports/district/{district_id}/{month}.xlsx")
    return f"{base.rstrip('/')}{path}"


# -- the monthly job: planned with the streets' (bot.services.street_reports.plan) --------------------
async def plan(*, session: AsyncSession, part: str, due_at: datetime) -> int:
    """One ``district_monthly`` job per district with officers and communities (the row names its first
    community)."""
    added = 0
    for district in await session.scalars(select(District).where(District.id.in_(
            select(DistrictOfficer.district_id))).order_by(District.id)):
        first = await session.scalar(select(Community.id).join(Street, Street.id == Community.street_id)
                                     .where(Street.district_id == district.id).order_by(Community.id).limit(1))
        if first is not None:
            added += await jobs.add(session=session, key=f"district_monthly:{district.id}:{part}",
                                    kind="district_monthly", community_id=first, due_at=due_at)
    return added


async def monthly(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    district = await session.get(District, job.key.split(":")[1])
    if district is None:
        return None
    first = to_local(job.due_at).date().replace(day=1)
    prev = (first - timedelta(days=1)).replace(day=1)
    start, end = stats.month_span(prev.year, prev.month)
    df = await district_stats.district_figures(session=session, district=district, start=start, end=end, now=now)
    title = say("district_report_title", district=district.name, year=prev.year, month=prev.month)
    text = summary_text(df, title=title) + say("report_link", url=report_url(settings, district.id,
                                                                             prev.strftime("%Y-%m")))
    officers = await district_stats.officers_of(session=session, district_id=district.id)
    return jobs.Batch([Outgoing(text=text, to=p) for p in officers]) if officers else None
