"""The points ledger: append-only entries, each with a rule, a reason and an idempotency key.

The balance is always the sum of entries; nothing is ever edited or deleted.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, PointsEntry


@dataclass(frozen=True, slots=True)
class TicketRule:
    points: int
    rule: str  # a human-readable rule name, stored on the entry


@lru_cache(maxsize=1)
def _rules() -> dict:
    text = resources.files("bot").joinpath("data/points_rules.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def ticket_rule(category: str, urgency: str) -> TicketRule:
    table = _rules()["ticket"]
    base = int(table.get("base", {}).get(category, table["default"]))
    bonus = int(table.get("urgent_bonus", 0)) if urgency == "urgent" else 0
    name = f"ticket.{category}" + ("+urgent" if bonus else "")
    return TicketRule(base + bonus, name)


async def post(
    *, session: AsyncSession, person_id: str, community_id: str, amount: int, rule: str,
    reason: str, idempotency_key: str, actor_id: str | None = None, ticket_id: int | None = None,
) -> PointsEntry | None:
    """Append an entry; returns None when the key was used before (nothing is posted twice)."""
    existing = await session.scalar(
        select(PointsEntry).where(PointsEntry.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return None
    entry = PointsEntry(
        person_id=person_id, community_id=community_id, amount=amount, rule=rule,
        reason=reason[:200], idempotency_key=idempotency_key, actor_id=actor_id, ticket_id=ticket_id,
    )
    try:
        async with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        # A concurrent transaction posted the same key first.
        return None
    return entry


async def balance(*, session: AsyncSession, person_id: str, community_id: str | None = None) -> int:
    query = select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(PointsEntry.person_id == person_id)
    if community_id is not None:
        query = query.where(PointsEntry.community_id == community_id)
    return int(await session.scalar(query) or 0)


async def entries(*, session: AsyncSession, person_id: str, limit: int = 50) -> list[PointsEntry]:
    return list(await session.scalars(
        select(PointsEntry).where(PointsEntry.person_id == person_id)
        .order_by(PointsEntry.id.desc()).limit(limit)
    ))


async def leaderboard(*, session: AsyncSession, community_id: str, limit: int = 10) -> list[tuple[str, str, int]]:
    total = func.sum(PointsEntry.amount).label("total")
    rows = await session.execute(
        select(Person.id, Person.name, total)
        .join(PointsEntry, PointsEntry.person_id == Person.id)
        .where(PointsEntry.community_id == community_id)
        .group_by(Person.id, Person.name)
        .order_by(total.desc(), Person.name)
        .limit(limit)
    )
    return [(r.id, r.name, int(r.total)) for r in rows]
