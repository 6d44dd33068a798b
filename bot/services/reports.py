"""The report: figures as a chat message, and as an .xlsx workbook (openpyxl)."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.clock import to_local
from bot.replies import category_name, say, status_name
from bot.services.deadlines import is_overdue
from bot.services.stats import Figures


def _num(value: float | None, digits: int = 1) -> str:
    return say("stats_none") if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return say("stats_none") if value is None else f"{value * 100:.0f}%"


def summary_text(f: Figures, *, title: str) -> str:
    cats = "、".join(say("stats_category_item", category=category_name(c), count=n) for c, n in f.by_category)
    members = "".join(say("stats_member_item", rank=i, name=name, done=done, points=pts)
                      for i, (name, done, pts) in enumerate(f.top_members, 1))
    return say(
        "stats_summary", title=title, created=f.created, categories=cats or say("stats_none"),
        claimed=f.claimed, verified=f.verified,
        claim_minutes=_num(f.median_claim_minutes, 0), close_hours=_num(f.median_close_hours),
        overdue=f.overdue, with_deadline=f.with_deadline, overdue_rate=_pct(f.overdue_rate),
        rating=_num(f.avg_rating), members=members or say("stats_members_none"),
    ) + departments_text(f.departments)


def departments_text(rows) -> str:
    """Escalations by department (issue 13), when there were any."""
    if not rows:
        return ""
    return say("stats_departments", items="".join(
        say("stats_department_item", name=r.name, handed=r.handed, finished=r.finished, on_time=r.on_time,
            overdue=r.overdue, rate=_pct(r.on_time_rate)) for r in rows))


def _stamp(dt: datetime | None) -> str:
    return to_local(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def workbook(f: Figures, *, community: str, title: str, now: datetime, names: dict[str, str],
             private: frozenset[int] | set[int] = frozenset(), links: dict[int, list[str]] | None = None) -> bytes:
    """``private``: ids of tickets whose text the reader may not see (bot.services.visibility);
    ``links``: signed links to each ticket's photos and files (never for a private ticket)."""
    links = links or {}
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = say("xlsx_sheet_summary")
    rows = [
        (say("xlsx_community"), community), (say("xlsx_period"), title),
        (say("xlsx_created"), f.created), (say("xlsx_claimed"), f.claimed), (say("xlsx_verified"), f.verified),
        (say("xlsx_median_claim"), f.median_claim_minutes), (say("xlsx_median_close"), f.median_close_hours),
        (say("xlsx_with_deadline"), f.with_deadline), (say("xlsx_overdue"), f.overdue),
        (say("xlsx_overdue_rate"), f.overdue_rate), (say("xlsx_rating"), f.avg_rating),
    ]
    for row in rows:
        ws.append(row)
    ws.column_dimensions["A"].width = 24
    cats = wb.create_sheet(say("xlsx_sheet_categories"))
    cats.append(say("xlsx_head_categories").split("|"))
    for code, n in f.by_category:
        cats.append([category_name(code), n])
    detail = wb.create_sheet(say("xlsx_sheet_tickets"))
    detail.append(say("xlsx_head_tickets").split("|"))
    yes, no = say("xlsx_yes"), say("xlsx_no")
    for t in f.tickets:
        detail.append([
            t.number, category_name(t.category), yes if t.urgency == "urgent" else no, status_name(t.status),
            _stamp(t.created_at), _stamp(t.claimed_at), _stamp(t.done_at), _stamp(t.verified_at),
            _stamp(t.deadline_at), yes if is_overdue(t, now) else no,
            names.get(t.claimer_id, t.claimer_id or ""), t.rating if t.rating is not None else "", "" if t.id in private else t.text[:200],
            "" if t.id in private else "\n".join(links.get(t.id, [])),
        ])
    members = wb.create_sheet(say("xlsx_sheet_members"))
    members.append(say("xlsx_head_members").split("|"))
    for i, (name, done, pts) in enumerate(f.top_members, 1):
        members.append([i, name, done, pts])
    sheets = [cats, detail, members]
    if f.departments:
        sheets.append(department_sheet(wb, f.departments))
    for sheet in sheets:
        for cell in sheet[1]:
            cell.font = bold
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def department_sheet(wb: Workbook, rows):
    """The per-department table (issue 13): escalations and their on-time rate."""
    sheet = wb.create_sheet(say("xlsx_sheet_departments"))
    sheet.append(say("xlsx_head_departments").split("|"))
    for r in rows:
        sheet.append([r.name, r.handed, r.finished, r.on_time, r.overdue, r.on_time_rate])
    return sheet
