"""The street's figures as a chat message (/统计 街道) and its monthly report (.xlsx, with the
per-community and per-department tables), sent to the street officers on the 1st (issue 13)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models_schedule import ScheduledJob
from bot.db.models_streets import Street
from bot.messages import Outgoing
from bot.replies import category_name, say, status_name
from bot.services import jobs, reports, rollup, stats, streets
from bot.services.deadlines import is_overdue
from bot.services.reports import _num, _pct
from bot.signing import signed_path


def summary_text(sf: rollup.StreetFigures, *, title: str) -> str:
    """The street's totals (the same measures as a community's), then one line per community."""
    items = "".join(say("stats_community_item", community=c.name, created=f.created, verified=f.verified,
                        overdue_rate=_pct(f.overdue_rate), escalated=sum(r.handed for r in f.departments),
                        rating=_num(f.avg_rating)) for c, f in sf.communities)
    return reports.summary_text(sf.total, title=title) + say("stats_communities", items=items)


def _stamp(dt: datetime | None) -> str:
    return to_local(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def workbook(sf: rollup.StreetFigures, *, title: str, now: datetime, private: set[int] = frozenset()) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = say("xlsx_sheet_summary")
    f = sf.total
    for row in [(say("xlsx_street"), sf.street.name), (say("xlsx_period"), title),
                (say("xlsx_created"), f.created), (say("xlsx_claimed"), f.claimed),
                (say("xlsx_verified"), f.verified), (say("xlsx_median_claim"), f.median_claim_minutes),
                (say("xlsx_median_close"), f.median_close_hours), (say("xlsx_with_deadline"), f.with_deadline),
                (say("xlsx_overdue"), f.overdue), (say("xlsx_overdue_rate"), f.overdue_rate),
                (say("xlsx_rating"), f.avg_rating)]:
        ws.append(row)
    ws.column_dimensions["A"].width = 24
    per = wb.create_sheet(say("xlsx_sheet_communities"))
    per.append(say("xlsx_head_communities").split("|"))
    for community, cf in sf.communities:
        per.append([community.name, cf.created, cf.claimed, cf.verified, cf.median_claim_minutes,
                    cf.median_close_hours, cf.overdue, cf.overdue_rate, sum(r.handed for r in cf.departments),
                    cf.avg_rating])
    deps = reports.department_sheet(wb, sf.departments)
    cats = wb.create_sheet(say("xlsx_sheet_categories"))
    cats.append(say("xlsx_head_categories").split("|"))
    for code, n in f.by_category:
        cats.append([category_name(code), n])
    detail = wb.create_sheet(say("xlsx_sheet_tickets"))
    detail.append(say("xlsx_head_street_tickets").split("|"))
    names = {c.id: c.name for c, _ in sf.communities}
    yes, no = say("xlsx_yes"), say("xlsx_no")
    for t in f.tickets:
        detail.append([names.get(t.community_id, t.community_id), t.number, category_name(t.category),
                       status_name(t.status), _stamp(t.created_at), _stamp(t.verified_at), _stamp(t.deadline_at),
                       yes if is_overdue(t, now) else no, sf.ticket_departments.get(t.id, ""),
                       t.rating if t.rating is not None else "", "" if t.id in private else t.text[:200]])
    for sheet in (per, deps, cats, detail):
        for cell in sheet[1]:
            cell.font = bold
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_url(settings, street_id: str, month: str) -> str:
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    path = signed_path(getattr(settings, "api_token", None), f"/api/reports/street/{street_id}/{month}.xlsx")
    return f"{base.rstrip('/')}{path}"


# -- the monthly job: planned with the communities' (bot.services.digests.plan) -------------------------
async def plan(*, session: AsyncSession, part: str, due_at: datetime) -> int:
    """One ``street_monthly`` job per street with communities (a job row names a community: its first)."""
    added = 0
    for street in await session.scalars(select(Street).order_by(Street.id)):
        members = await streets.communities_of(session=session, street_id=street.id)
        if members:
            added += await jobs.add(session=session, key=f"street_monthly:{street.id}:{part}", kind="street_monthly",
                                    community_id=members[0].id, due_at=due_at)
    return added


async def monthly(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    street = await session.get(Street, job.key.split(":")[1])
    if street is None:
        return None
    first = to_local(job.due_at).date().replace(day=1)
    prev = (first - timedelta(days=1)).replace(day=1)
    start, end = stats.month_span(prev.year, prev.month)
    sf = await rollup.street_figures(session=session, street=street, start=start, end=end, now=now)
    title = say("street_report_title", street=street.name, year=prev.year, month=prev.month)
    text = summary_text(sf, title=title) + say("report_link", url=report_url(settings, street.id,
                                                                             prev.strftime("%Y-%m")))
    officers = await streets.officers_of(session=session, street_id=street.id)
    return jobs.Batch([Outgoing(text=text, to=p) for p in officers]) if officers else None
