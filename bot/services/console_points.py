"""What the console's 积分 page reads (issue 14): the community's ledger with filters, each member's
balance, and the rule table in force (defaults, the community's changes, its own rules).
Writes go through the chat commands (/加分, /扣分, /冲正, /积分规则), see bot.web.console.points_pages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Person, PointsEntry
from bot.services import custom_rules, points, rules
from bot.services.stats import local_midnight


@dataclass(frozen=True)
class LedgerFilters:
    name: str = ""
    start: date | None = None
    end: date | None = None
    sign: str = ""  # "" | "plus" | "minus"


@dataclass(frozen=True)
class LedgerLine:
    id: int
    created_at: datetime
    name: str
    amount: int
    rule: str
    reason: str
    by: str
    reversible: bool


@dataclass(frozen=True)
class RuleLine:
    name: str
    points: int
    unit: str
    kind: str  # default | changed | own
    note: str = ""


async def ledger(*, session: AsyncSession, community_id: str, filters: LedgerFilters,
                 limit: int = 200) -> list[LedgerLine]:
    actor = aliased(Person)
    query = (select(PointsEntry, Person.name, actor.name)
             .join(Person, Person.id == PointsEntry.person_id)
             .outerjoin(actor, actor.id == PointsEntry.actor_id)
             .where(PointsEntry.community_id == community_id))
    if filters.name:
        query = query.where(Person.name.contains(filters.name, autoescape=True))
    if filters.start:
        query = query.where(PointsEntry.created_at >= local_midnight(filters.start))
    if filters.end:
        query = query.where(PointsEntry.created_at < local_midnight(filters.end + timedelta(days=1)))
    if filters.sign == "plus":
        query = query.where(PointsEntry.amount > 0)
    elif filters.sign == "minus":
        query = query.where(PointsEntry.amount < 0)
    rows = await session.execute(query.order_by(PointsEntry.id.desc()).limit(limit))
    reversed_ids = await _reversed(session, community_id)
    return [LedgerLine(e.id, e.created_at, name, e.amount, rules.rule_name(e.rule), e.reason, by or "—",
                       not e.rule.endswith(points.REVERSAL) and not e.rule.startswith("shop.")
                       and e.id not in reversed_ids)
            for e, name, by in rows]


async def _reversed(session: AsyncSession, community_id: str) -> set[int]:
    keys = await session.scalars(select(PointsEntry.idempotency_key).where(
        PointsEntry.community_id == community_id, PointsEntry.idempotency_key.like("reversal:%")))
    return {int(k.split(":", 1)[1]) for k in keys if k.split(":", 1)[1].isdigit()}


async def balances(*, session: AsyncSession, community_id: str, limit: int = 500) -> list[tuple[str, int]]:
    """(name, balance in this community), highest first."""
    return [(name, total) for _, name, total in await points.leaderboard(session=session, community_id=community_id,
                                                                        limit=limit)]


@dataclass(frozen=True)
class RuleVersion:
    version: int
    name: str
    points: int
    unit: str
    retired: bool
    at: datetime


async def rule_history(*, session: AsyncSession, community_id: str) -> list[tuple[str, list[RuleVersion]]]:
    """Every rule the community added, retired ones too, each with all its versions (its current name)."""
    from bot.db.models_mobilise import CommunityRule

    by_key: dict[int, list[RuleVersion]] = {}
    names: dict[int, str] = {}
    for r in await session.scalars(select(CommunityRule).where(CommunityRule.community_id == community_id)
                                   .order_by(CommunityRule.rule_key, CommunityRule.version)):
        by_key.setdefault(r.rule_key, []).append(RuleVersion(r.version, r.name, r.points, custom_rules.unit_of(r),
                                                             r.status == custom_rules.RETIRED, r.created_at))
        names[r.rule_key] = r.name
    return [(names[k], versions) for k, versions in by_key.items()]


async def rule_table(*, session: AsyncSession, community_id: str) -> list[RuleLine]:
    lines = [RuleLine(r.name, r.points, r.unit, "changed" if r.overridden else "default")
             for r in await rules.table(session=session, community_id=community_id)]
    lines += [RuleLine(r.name, r.points, custom_rules.unit_of(r), "own", r.note or "")
              for r in await custom_rules.listing(session=session, community_id=community_id)]
    return lines
