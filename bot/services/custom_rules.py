"""Rules a community owns (/积分规则 新增 …), next to the defaults of bot/services/rules.py.

Every change is a new version row (``community_rule``): 改名, a new value (设置) and 停用
each mark the current row as no longer current and add the next version, so the old row
stays as it was and a ledger entry's rule code ``custom.<row id>`` cites exactly the
version it was posted under. A rule gives its points each time, or for each hour of
service (``3/小时``). The table goes out and comes back as .xlsx (``table_xlsx``,
``import_xlsx``): default rules' values become overrides, custom rules are added or revised.
"""
from __future__ import annotations

import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_mobilise import CommunityRule
from bot.errors import DomainError
from bot.replies import say
from bot.services import counters, rules

ACTIVE, RETIRED = "active", "retired"
MAX_NAME, MAX_NOTE = 30, 100
_POINTS = re.compile(r"^(?:每小时)?(\d{1,3})(?:分)?(/小时|/时|每小时|/h)?$", re.I)
_HOURS = re.compile(r"(\d{1,2}(?:\.\d)?)\s*(?:小时|个小时|h)", re.I)
CODE_PREFIX = "custom."


def read_points(token: str) -> tuple[int, bool]:
    """``"2"`` → (2, False); ``"3/小时"``, ``"每小时3"`` → (3, True); else ``crule_bad_points``."""
    match = _POINTS.match(token.strip())
    per_hour = bool(match and (match.group(2) or token.strip().startswith("每小时")))
    if match is None or not 0 <= int(match.group(1)) <= rules.MAX_POINTS:
        raise DomainError("crule_bad_points", limit=rules.MAX_POINTS)
    return int(match.group(1)), per_hour


def read_hours(text: str) -> float | None:
    match = _HOURS.search(text)
    return float(match.group(1)) if match else None


def code_of(rule: CommunityRule) -> str:
    return f"{CODE_PREFIX}{rule.id}"


def unit_of(rule: CommunityRule) -> str:
    return say("crule_unit_hour") if rule.per_hour else say("crule_unit_time")


async def find(*, session: AsyncSession, community_id: str, name: str, retired: bool = False) -> CommunityRule | None:
    """The current version of the community's rule called ``name`` (active only, unless ``retired``)."""
    query = select(CommunityRule).where(CommunityRule.community_id == community_id, CommunityRule.current.is_(True),
                                        CommunityRule.name == name.strip())
    if not retired:
        query = query.where(CommunityRule.status == ACTIVE)
    return await session.scalar(query.order_by(CommunityRule.id.desc()).limit(1))


async def listing(*, session: AsyncSession, community_id: str) -> list[CommunityRule]:
    return list(await session.scalars(select(CommunityRule).where(
        CommunityRule.community_id == community_id, CommunityRule.current.is_(True),
        CommunityRule.status == ACTIVE).order_by(CommunityRule.rule_key)))


async def history(*, session: AsyncSession, community_id: str, name: str) -> list[CommunityRule]:
    rule = await find(session=session, community_id=community_id, name=name, retired=True)
    if rule is None:
        raise DomainError("rules_unknown", name=name)
    return list(await session.scalars(select(CommunityRule).where(
        CommunityRule.community_id == community_id, CommunityRule.rule_key == rule.rule_key)
        .order_by(CommunityRule.version)))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or name[0].isdigit() or name.startswith("@"):
        raise DomainError("crule_bad_name", limit=MAX_NAME)
    return name


async def _name_free(session: AsyncSession, community_id: str, name: str) -> None:
    if rules.find(name) is not None or await find(session=session, community_id=community_id, name=name):
        raise DomainError("crule_exists", name=name)


async def add(*, session: AsyncSession, community_id: str, name: str, points: int, per_hour: bool, note: str,
              actor_id: str | None) -> CommunityRule:
    name = _check_name(name)
    await _name_free(session, community_id, name)
    key = await counters.next_number(session=session, community_id=community_id, kind="rule")
    rule = CommunityRule(community_id=community_id, rule_key=key, name=name, points=points, per_hour=per_hour,
                         note=note.strip()[:MAX_NOTE], created_by=actor_id)
    session.add(rule)
    await session.flush()
    return rule


async def revise(*, session: AsyncSession, rule: CommunityRule, actor_id: str | None,
                 **changes: object) -> CommunityRule:
    """The next version of ``rule`` with ``changes`` (name, points, per_hour, note, status)."""
    if "name" in changes:
        changes["name"] = _check_name(str(changes["name"]))
        if changes["name"] != rule.name:
            await _name_free(session, rule.community_id, str(changes["name"]))
    moved = await session.execute(update(CommunityRule).where(CommunityRule.id == rule.id,
                                                              CommunityRule.current.is_(True))
                                  .values(current=False).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # changed meanwhile by someone else
        raise DomainError("crule_changed", name=rule.name)
    values = {k: getattr(rule, k) for k in ("community_id", "rule_key", "name", "points", "per_hour", "note", "status")}
    values.update(changes)
    new = CommunityRule(**values, version=rule.version + 1, created_by=actor_id)
    session.add(new)
    await session.flush()
    return new


async def award_of(rule: CommunityRule, text: str) -> tuple[int, str]:
    """Points and the reason for an award under ``rule``; a per-hour rule needs "N小时" in ``text``."""
    note = text.strip()
    if not rule.per_hour:
        return rule.points, rule.name + (f"：{note}" if note else "")
    hours = read_hours(note)
    if hours is None or hours <= 0:
        raise DomainError("crule_needs_hours", name=rule.name, points=rule.points)
    amount = max(1, round(rule.points * hours))
    if amount > 100:
        raise DomainError("err_bad_amount")
    return amount, say("crule_reason_hours", name=rule.name, hours=f"{hours:g}", points=rule.points) + (
        f"：{note}" if note else "")


# -- the table as a spreadsheet ---------------------------------------------------------------
async def table_xlsx(*, session: AsyncSession, community_id: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = say("xlsx_rules_sheet")
    sheet.append(say("xlsx_rules_headers").split("|"))
    for rule in await rules.table(session=session, community_id=community_id):
        sheet.append([rule.name, rule.code, rule.points, say("crule_unit_time"), rule.unit, say("crule_status_active")])
    for custom in await listing(session=session, community_id=community_id):
        sheet.append([custom.name, code_of(custom), custom.points, unit_of(custom), custom.note,
                      say("crule_status_active")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def import_xlsx(*, session: AsyncSession, community_id: str, data: bytes,
                      actor_id: str | None) -> dict[str, int]:
    """Read a table like ``table_xlsx`` writes: 名称|代码|分值|计分方式|说明|状态. A default rule's
    value becomes an override; a custom rule is added, revised (new version) or retired (状态 停用).
    Any bad row refuses the whole file (``crule_import_bad`` names the row)."""
    try:
        rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    except Exception as exc:  # noqa: BLE001 - not a spreadsheet
        raise DomainError("crule_import_unreadable") from exc
    counts = {"added": 0, "changed": 0, "retired": 0}
    for number, row in enumerate(rows[1:], 2):
        cells = [("" if c is None else str(c)).strip() for c in (list(row) + [None] * 6)[:6]]
        name, _, value, unit, note, status = cells
        if not name:
            continue
        try:
            points, per_hour = read_points(value + ("/小时" if unit == say("crule_unit_hour") else ""))
        except DomainError as bad:
            raise DomainError("crule_import_bad", row=number, why=say(bad.key, **bad.fields)) from bad
        retire = status == say("crule_status_retired")
        default = rules.find(name)
        if default is not None:
            if await rules.value(session=session, community_id=community_id, code=default.code) != points:
                await rules.set_value(session=session, community_id=community_id, code=default.code, points=points,
                                      actor_id=actor_id)
                counts["changed"] += 1
            continue
        existing = await find(session=session, community_id=community_id, name=name)
        if existing is None and not retire:
            await add(session=session, community_id=community_id, name=name, points=points, per_hour=per_hour,
                      note=note, actor_id=actor_id)
            counts["added"] += 1
        elif existing is not None and retire:
            await revise(session=session, rule=existing, actor_id=actor_id, status=RETIRED)
            counts["retired"] += 1
        elif existing is not None and (existing.points, existing.per_hour, existing.note) != (points, per_hour, note):
            await revise(session=session, rule=existing, actor_id=actor_id, points=points, per_hour=per_hour, note=note)
            counts["changed"] += 1
    return counts
