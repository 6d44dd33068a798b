"""Import a roster of members from a spreadsheet (``gridbot import-members FILE.xlsx``).

All or nothing: every row is checked first; if any row is bad, the reasons are
returned row by row and nothing is written. The columns (first sheet, first
row is the header; see examples/roster.md):

    姓名*  账号*  社区  网格  身份  特长  工作单位  服务时间  手机

``账号`` is the person's id on the chat platform (wxid / WeCom userid); ``社区`` may be
left out when ``--community`` is given; ``身份`` defaults to 党员.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Grid
from bot.replies import say
from bot.services import directory, registration

# Header words → field; several spellings are accepted.
COLUMNS = {
    "姓名": "name", "账号": "id", "微信号": "id", "ID": "id", "id": "id", "社区": "community",
    "网格": "grid", "楼栋": "grid", "身份": "role", "特长": "skills", "技能": "skills",
    "工作单位": "work_unit", "单位": "work_unit", "服务时间": "availability", "手机": "phone", "电话": "phone",
}
REQUIRED = ("name", "id")
ROLES = {"党员": "member", "志愿者": "member", "在职党员": "member", "居民": "resident",
         "网格员": "grid_worker", "书记": "secretary"}
_PHONE = re.compile(r"^1\d{10}$")
_ID = re.compile(r"^[A-Za-z0-9_.@\-]{1,128}$")
MAX_TEXT = 100


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    key: str
    fields: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return say("roster_row_error", row=self.row, reason=say(self.key, **self.fields)) if self.row else \
            say(self.key, **self.fields)


@dataclass
class Roster:
    rows: list[tuple[int, dict]]  # (row number, values by field)
    errors: list[RowError]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read(source: str | Path | bytes) -> Roster:
    from openpyxl import load_workbook

    try:
        data = io.BytesIO(source) if isinstance(source, bytes) else source
        sheet = load_workbook(data, read_only=True, data_only=True).worksheets[0]
        table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear error
        return Roster([], [RowError(0, "roster_unreadable", {"error": type(exc).__name__})])
    if not table:
        return Roster([], [RowError(0, "roster_empty")])
    header = [COLUMNS.get(h) for h in table[0]]
    missing = [word for word, name in (("姓名", "name"), ("账号", "id")) if name not in header]
    if missing:
        return Roster([], [RowError(1, "roster_missing_columns", {"columns": "、".join(missing)})])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        row = {name: values[i] for i, name in enumerate(header) if name and i < len(values) and values[i]}
        rows.append((number, row))
    if not rows:
        return Roster([], [RowError(0, "roster_empty")])
    return Roster(rows, [])


async def check(*, session: AsyncSession, roster: Roster, community_id: str | None = None) -> list[RowError]:
    """Every reason a row cannot be imported; an empty list means the file is clean."""
    errors = list(roster.errors)
    communities = {c.id for c in await session.scalars(select(Community))}
    grids: dict[str, set[str]] = {}
    for grid in await session.scalars(select(Grid)):
        grids.setdefault(grid.community_id, set()).update({grid.name, grid.building_no or grid.name})
    seen: dict[tuple[str, str], int] = {}
    for number, row in roster.rows:
        def bad(key: str, **fields) -> None:
            errors.append(RowError(number, key, fields))  # noqa: B023 - used inside the loop only
        for name in REQUIRED:
            if not row.get(name):
                bad("roster_missing", column="姓名" if name == "name" else "账号")
        if row.get("id") and not _ID.match(row["id"]):
            bad("roster_bad_id", value=row["id"])
        if len(row.get("name", "")) > 64:
            bad("roster_too_long", column="姓名", limit=64)
        community = row.get("community") or community_id
        if not community:
            bad("roster_no_community")
        elif community not in communities:
            bad("roster_unknown_community", value=community)
        elif row.get("grid") and row["grid"] not in grids.get(community, set()):
            bad("roster_unknown_grid", value=row["grid"], community=community)
        if row.get("role") and row["role"] not in ROLES:
            bad("roster_bad_role", value=row["role"], valid="、".join(ROLES))
        if row.get("phone") and not _PHONE.match(row["phone"]):
            bad("roster_bad_phone", value=row["phone"])
        for name, word in (("skills", "特长"), ("work_unit", "工作单位"), ("availability", "服务时间")):
            if len(row.get(name, "")) > MAX_TEXT:
                bad("roster_too_long", column=word, limit=MAX_TEXT)
        key = (row.get("id", ""), community or "")
        if row.get("id") and key in seen:
            bad("roster_duplicate", value=row["id"], first=seen[key])
        seen.setdefault(key, number)
    return errors


async def import_rows(*, session: AsyncSession, roster: Roster, community_id: str | None = None) -> int:
    """Write a clean roster (call ``check`` first); returns the number of people imported."""
    for _, row in roster.rows:
        community = row.get("community") or community_id
        await directory.ensure_person(session=session, person_id=row["id"], name=row["name"])
        role = ROLES.get(row.get("role", "党员"), "member")
        form = registration.Form(grid=row.get("grid"), skills=row.get("skills"), work_unit=row.get("work_unit"),
                                 availability=row.get("availability"), phone=row.get("phone"))
        if role == "member":
            await registration.register(session=session, person_id=row["id"], community_id=community, form=form,
                                        source="import", approved=True)
        else:
            grid = await registration.resolve_grid(session=session, community_id=community, name=form.grid)
            await directory.add_role(session=session, person_id=row["id"], community_id=community, role=role,
                                     grid_id=grid.id if grid else None, skills=form.skills)
    await session.flush()
    return len(roster.rows)
