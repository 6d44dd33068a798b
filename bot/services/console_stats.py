"""What the console's 统计 page shows (issue 14): reports by category per week, time to claim and to
finish and the overdue rate per week, the same by grid, departments' escalations, ratings. Each
chart is a ``Table`` (a title, column heads, rows): the page draws it with ECharts and prints the
table beside it, and the .xlsx has one sheet per table. Definitions as in bot.services.stats."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models import Ticket
from bot.replies import CATEGORY_NAMES
from bot.services import console_views, scope
from bot.services.deadlines import is_overdue
from bot.services.stats import local_midnight

MAX_WEEKS = 52


@dataclass
class Table:
    key: str
    title: str
    heads: list[str]
    rows: list[list] = field(default_factory=list)
    kind: str = "bar"  # bar | stack | line | pie
    # What the chart draws (the table shows every column): column indexes on the left axis and on
    # the right one (another unit), with the axes' names; empty ``left``: every column but the first.
    left: list[int] = field(default_factory=list)
    right: list[int] = field(default_factory=list)
    units: tuple[str, str] = ("", "")

    def chart(self) -> dict:
        return {"heads": self.heads, "rows": self.rows, "left": self.left or list(range(1, len(self.heads))),
                "right": self.right, "units": list(self.units)}


@dataclass
class _Acc:
    count: int = 0
    claim: list[float] = field(default_factory=list)
    finish: list[float] = field(default_factory=list)
    deadline: int = 0
    overdue: int = 0
    ratings: list[int] = field(default_factory=list)

    def add(self, facts: tuple) -> None:
        """One ticket's facts (see ``_facts``), counted here."""
        claim, finish, deadline, overdue, rating = facts
        self.count += 1
        if claim is not None:
            self.claim.append(claim)
        if finish is not None:
            self.finish.append(finish)
        self.deadline += deadline
        self.overdue += overdue
        if rating is not None:
            self.ratings.append(rating)

    def row(self, label: str) -> list:
        return [label, self.count, _r(median(self.claim)) if self.claim else None,
                _r(median(self.finish)) if self.finish else None,
                _r(100 * self.overdue / self.deadline) if self.deadline else None,
                _r(sum(self.ratings) / len(self.ratings)) if self.ratings else None]


def _facts(t, now: datetime) -> tuple:
    """(hours to claim, hours to finish, has a deadline, overdue, rating) of a ticket row, worked out once."""
    finished = t.done_at or t.verified_at
    live = t.deadline_at is not None and t.status != "cancelled"
    return ((t.claimed_at - t.created_at).total_seconds() / 3600 if t.claimed_at else None,
            (finished - t.created_at).total_seconds() / 3600 if finished else None,
            live, live and is_overdue(t, now), t.rating)


def _r(value: float) -> float:
    return round(value, 1)


def week_start(now: datetime, weeks: int) -> datetime:
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    return local_midnight(monday - timedelta(weeks=weeks - 1))


async def charts(*, session: AsyncSession, community_id: str, allowed: frozenset[int] | None, weeks: int,
                 now: datetime) -> list[Table]:
    """The page's tables over the last ``weeks`` weeks (this one included), within ``allowed`` grids."""
    weeks = max(1, min(weeks, MAX_WEEKS))
    start = week_start(now, weeks)
    every = await scope.community_grids(session=session, community_id=community_id)
    estate = console_views._estate_names(every)
    buildings = {g.building_no: g.id for g in every if g.level == "building" and g.building_no}

    def place_of(t) -> int | None:  # as scope.ticket_grid, without a pass over the grids per ticket
        return buildings.get(t.building, t.grid_id) if t.building else t.grid_id

    columns = (Ticket.id, Ticket.status, Ticket.category, Ticket.rating, Ticket.building, Ticket.grid_id,
               Ticket.created_at, Ticket.claimed_at, Ticket.done_at, Ticket.verified_at, Ticket.deadline_at,
               Ticket.updated_at)  # plain rows, not ORM objects: thousands of them
    tickets = [t for t in (await session.execute(select(*columns).where(
        Ticket.community_id == community_id, Ticket.created_at >= start))).all()
        if allowed is None or place_of(t) in allowed]
    labels = [to_local(start + timedelta(weeks=i)).strftime("%m-%d") for i in range(weeks)]
    per_week = [_Acc() for _ in labels]
    by_category: dict[str, list[int]] = {}
    by_grid: dict[str, _Acc] = {}
    stars = [0] * 5
    for t in tickets:
        week = min(int((t.created_at - start).total_seconds() // (7 * 86400)), weeks - 1)
        facts = _facts(t, now)
        per_week[week].add(facts)
        by_category.setdefault(t.category, [0] * weeks)[week] += 1
        place = place_of(t)
        by_grid.setdefault(estate.get(place, console_views.NO_GRID) if place else console_views.NO_GRID,
                           _Acc()).add(facts)
        if t.rating in range(1, 6):
            stars[t.rating - 1] += 1
    heads = ["", "诉求数", "认领用时中位数（小时）", "办完用时中位数（小时）", "超时率（%）", "平均评价"]
    out = [Table("category", "各类诉求（按周）", ["周（起）", *(CATEGORY_NAMES.get(c, c) for c in by_category)],
                 [[label, *(counts[i] for counts in by_category.values())] for i, label in enumerate(labels)],
                 "stack"),
           Table("speed", "认领、办完用时和超时率（按周）", ["周（起）", *heads[1:]],
                 [acc.row(label) for acc, label in zip(per_week, labels, strict=True)], "line",
                 left=[2, 3], right=[4], units=("小时", "%")),
           Table("grid", "各网格", ["网格", *heads[1:]],
                 [acc.row(name) for name, acc in sorted(by_grid.items(), key=lambda kv: -kv[1].count)],
                 left=[1], right=[4], units=("件", "%"))]
    from bot.db.models_streets import DepartmentTask
    from bot.services.rollup import department_rows

    handed = set(await session.scalars(select(DepartmentTask.ticket_id).join(
        Ticket, Ticket.id == DepartmentTask.ticket_id).where(Ticket.community_id == community_id,
                                                             Ticket.created_at >= start)))
    visible = [t.id for t in tickets if t.id in handed]  # only tickets some department had: a short IN list
    deps = (await department_rows(session=session, ticket_ids=visible, now=now))[0]
    out.append(Table("department", "各部门转办", ["部门", "转办", "办结", "按时办结", "超时"],
                     [[d.name, d.handed, d.finished, d.on_time, d.overdue] for d in deps]))
    out.append(Table("rating", "评价分布", ["评价", "诉求数"],
                     [[f"{i + 1} 星", n] for i, n in enumerate(stars)], "pie"))
    return out


def workbook(tables: list[Table]) -> bytes:
    from io import BytesIO

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.heads)
        for row in table.rows:
            sheet.append(["" if v is None else v for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
