"""Roll-up above the community (issue 13): the same measures at grid, community and street level,
plus department work (escalations by department and their on-time rate).

- escalations: department tasks of kind ``transfer`` on the period's tickets;
- finished on time: the department's 办结 came by its deadline; overdue: 办结 after it, or still not
  finished after it; the on-time rate is over the tasks whose outcome is known (finished, or overdue);
- a street's figures are its communities' figures put together (medians over all their tickets).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community
from bot.db.models_streets import Department, DepartmentTask, Street
from bot.services import departments, stats, streets
from bot.services.deadlines import is_overdue
from bot.services.stats import Figures


@dataclass
class DepartmentRow:
    name: str
    handed: int = 0
    finished: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def on_time_rate(self) -> float | None:
        known = self.on_time + self.overdue
        return self.on_time / known if known else None


@dataclass
class StreetFigures:
    street: Street
    total: Figures
    communities: list[tuple[Community, Figures]] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    ticket_departments: dict[int, str] = field(default_factory=dict)  # ticket id → 城管、供水


async def department_rows(*, session: AsyncSession, ticket_ids: list[int],
                          now: datetime) -> tuple[list[DepartmentRow], dict[int, str]]:
    """Escalations by department over these tickets, and each ticket's departments by name."""
    if not ticket_ids:
        return [], {}
    rows = (await session.execute(
        select(DepartmentTask, Department.name).join(Department, Department.id == DepartmentTask.department_id)
        .where(DepartmentTask.ticket_id.in_(ticket_ids), DepartmentTask.kind == departments.TRANSFER)
        .order_by(Department.name, DepartmentTask.id))).all()
    by_name: dict[str, DepartmentRow] = {}
    named: dict[int, list[str]] = {}
    for task, name in rows:
        row = by_name.setdefault(name, DepartmentRow(name))
        row.handed += 1
        late = departments.overdue(task, now)
        row.finished += task.status == departments.DONE
        row.on_time += task.status == departments.DONE and not late
        row.overdue += late
        named.setdefault(task.ticket_id, []).append(name)
    ordered = sorted(by_name.values(), key=lambda r: (-r.handed, r.name))
    return ordered, {k: "、".join(dict.fromkeys(v)) for k, v in named.items()}


def combine(parts: list[Figures], start: datetime, end: datetime, now: datetime, top: int = 5) -> Figures:
    """Several communities' figures as one (recomputed from their tickets)."""
    f = Figures(start, end)
    f.tickets = [t for p in parts for t in p.tickets]
    f.created = len(f.tickets)
    counts: dict[str, int] = {}
    for t in f.tickets:
        counts[t.category] = counts.get(t.category, 0) + 1
        f.by_status[t.status] = f.by_status.get(t.status, 0) + 1
    f.by_category = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    claim = [(t.claimed_at - t.created_at).total_seconds() / 60 for t in f.tickets if t.claimed_at]
    close = [(t.verified_at - t.created_at).total_seconds() / 3600 for t in f.tickets if t.verified_at]
    f.claimed, f.verified = len(claim), len(close)
    f.median_claim_minutes = median(claim) if claim else None
    f.median_close_hours = median(close) if close else None
    live = [t for t in f.tickets if t.deadline_at is not None and t.status != "cancelled"]
    f.with_deadline, f.overdue = len(live), sum(1 for t in live if is_overdue(t, now))
    ratings = [t.rating for t in f.tickets if t.rating is not None]
    f.avg_rating = sum(ratings) / len(ratings) if ratings else None
    f.top_members = sorted((m for p in parts for m in p.top_members), key=lambda m: (-m[1], -m[2], m[0]))[:top]
    return f


async def street_figures(*, session: AsyncSession, street: Street, start: datetime, end: datetime,
                         now: datetime) -> StreetFigures:
    parts = []
    for community in await streets.communities_of(session=session, street_id=street.id):
        parts.append((community, await stats.figures(session=session, community_id=community.id, start=start,
                                                     end=end, now=now)))
    total = combine([f for _, f in parts], start, end, now)
    rows, named = await department_rows(session=session, ticket_ids=[t.id for t in total.tickets], now=now)
    for _, f in parts:
        f.departments = [r for r in (await department_rows(session=session, ticket_ids=[t.id for t in f.tickets],
                                                           now=now))[0]]
    total.departments = rows
    return StreetFigures(street, total, parts, rows, named)
