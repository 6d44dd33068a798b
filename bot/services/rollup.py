"""Roll-up above the community (issue 13): the same measures at grid, community and street level,
plus department work (escalations by department and their on-time rate).

- escalations: department tasks of kind ``transfer`` on the period's tickets;
- finished on time: the department's 办结 came by its deadline; overdue: 办结 after it, or still not
  finished after it; the on-time rate is over the tasks whose outcome is known (finished, or overdue);
- a street's figures are its communities' figures put together (medians over all their tickets),
  computed with aggregate SQL like the district's (bot.services.district_stats).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Ticket
from bot.db.models_streets import Department, DepartmentTask, Street
from bot.services import departments, streets
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


async def street_figures(*, session: AsyncSession, street: Street, start: datetime, end: datetime,
                         now: datetime, with_tickets: bool = True) -> StreetFigures:
    """The street's figures from aggregate SQL over its communities (bot.services.district_stats), plus
    the period's tickets themselves for the report's detail sheet (``with_tickets``)."""
    from bot.services import district_stats  # it builds on DepartmentRow here

    communities = await streets.communities_of(session=session, street_id=street.id)
    area = await district_stats.area_figures(
        session=session, places=[(c.id, c.name, street.id, street.name) for c in communities],
        start=start, end=end, now=now)
    total = area.total
    named: dict[int, str] = {}
    if with_tickets and communities:
        total.tickets = list(await session.scalars(select(Ticket).where(
            Ticket.community_id.in_([c.id for c in communities]), Ticket.created_at >= start,
            Ticket.created_at < end).order_by(Ticket.community_id, Ticket.number)))
        _, named = await department_rows(session=session, ticket_ids=[t.id for t in total.tickets], now=now)
    parts = [(c, area.communities[c.id].figures(start, end)) for c in communities]
    return StreetFigures(street, total, parts, total.departments, named)
