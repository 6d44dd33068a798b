"""Import a community's 三单 from a spreadsheet (issue 13, item 4: "importable from .xlsx"):
``gridbot import-lists COMMUNITY FILE.xlsx``.

All or nothing, like the roster (bot.services.roster_import): every row is checked first; if any
row is bad the reasons come back row by row and nothing is written. Columns (first sheet, first row
the header; see examples/lists.md):

    清单*  名称*  说明  提供人

``清单`` is 服务 / 资源 / 需求 (or 服务清单 …); a service needs its 提供人 (an account id or the name
of one person of the community). Importing the same file again is safe: a row whose list already
holds an item of that name updates it (说明, 提供人) instead of adding another.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community
from bot.db.models_lists import ListItem
from bot.errors import DomainError
from bot.replies import say
from bot.services import lists, people
from bot.services.roster_import import RowError, _cell

COLUMNS = {"清单": "kind", "类别": "kind", "名称": "title", "项目": "title", "内容": "title", "说明": "detail",
           "备注": "detail", "时间地点": "detail", "提供人": "provider", "提供人账号": "provider", "账号": "provider"}
REQUIRED = (("清单", "kind"), ("名称", "title"))


@dataclass
class Sheet:
    rows: list[tuple[int, dict]]  # (row number, values by field)
    errors: list[RowError]


def read(source: str | Path | bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        data = io.BytesIO(source) if isinstance(source, bytes) else source
        sheet = load_workbook(data, read_only=True, data_only=True).worksheets[0]
        table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear error
        return Sheet([], [RowError(0, "roster_unreadable", {"error": type(exc).__name__})])
    if not table:
        return Sheet([], [RowError(0, "lists_import_empty")])
    header = [COLUMNS.get(h) for h in table[0]]
    missing = [word for word, name in REQUIRED if name not in header]
    if missing:
        return Sheet([], [RowError(1, "lists_import_missing_columns", {"columns": "、".join(missing)})])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if any(values):
            rows.append((number, {name: values[i] for i, name in enumerate(header)
                                  if name and i < len(values) and values[i]}))
    if not rows:
        return Sheet([], [RowError(0, "lists_import_empty")])
    return Sheet(rows, [])


async def check(*, session: AsyncSession, sheet: Sheet, community_id: str) -> tuple[list[RowError], dict[int, str]]:
    """Every reason a row cannot be imported (empty: the file is clean), and each service row's provider id."""
    errors = list(sheet.errors)
    providers: dict[int, str] = {}
    if await session.get(Community, community_id) is None:
        return [RowError(0, "roster_unknown_community", {"value": community_id})], providers
    seen: dict[tuple[str, str], int] = {}
    for number, row in sheet.rows:
        def bad(key: str, **fields) -> None:
            errors.append(RowError(number, key, fields))  # noqa: B023 - used inside the loop only
        kind = lists.KINDS.get(row.get("kind", ""))
        if not row.get("kind"):
            bad("roster_missing", column="清单")
        elif kind is None:
            bad("lists_import_bad_kind", value=row["kind"])
        title = row.get("title", "")
        if not title:
            bad("roster_missing", column="名称")
        elif len(title) > lists.MAX_TITLE:
            bad("roster_too_long", column="名称", limit=lists.MAX_TITLE)
        if len(row.get("detail", "")) > lists.MAX_DETAIL:
            bad("roster_too_long", column="说明", limit=lists.MAX_DETAIL)
        if row.get("provider"):
            try:
                person = await people.find_named(session=session, community_id=community_id, token=row["provider"])
                providers[number] = person.id
            except DomainError as refused:
                errors.append(RowError(number, refused.key, dict(refused.fields)))
        elif kind == "service":
            bad("lists_import_needs_provider")
        if kind and title:
            if (kind, title) in seen:
                bad("lists_import_duplicate", value=title, first=seen[(kind, title)])
            seen.setdefault((kind, title), number)
    return errors, providers


async def import_rows(*, session: AsyncSession, sheet: Sheet, community_id: str, providers: dict[int, str],
                      actor_id: str | None = None) -> tuple[int, int]:
    """Write a clean sheet (``check`` first); returns (added, updated)."""
    added = updated = 0
    for number, row in sheet.rows:
        kind, title = lists.KINDS[row["kind"]], row["title"]
        existing = await session.scalar(select(ListItem).where(
            ListItem.community_id == community_id, ListItem.kind == kind, ListItem.title == title,
            ListItem.active.is_(True)))
        if existing is not None:
            existing.detail = row.get("detail") or None
            existing.provider_id = providers.get(number)
            updated += 1
            continue
        await lists.add(session=session, community_id=community_id, kind=kind, title=title,
                        detail=row.get("detail"), provider_id=providers.get(number), actor_id=actor_id)
        added += 1
    await session.flush()
    return added, updated


def report(errors: list[RowError]) -> str:
    """The bad-file table: one line per problem, nothing imported."""
    return "\n".join([say("lists_import_rejected", count=len(errors))] + ["  " + e.text for e in errors])
