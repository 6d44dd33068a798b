"""The rule table (积分细则): defaults from bot/data/points_rules.yaml, per-community overrides in the DB.

Every value has a code, and every ledger entry names the code of the rule it
follows: ``service.labour``, ``ticket.repair``, ``ticket.repair+urgent``,
``wish``, ``rating_bonus``, ``activity``, ``manual.award``, ``shop.redeem``;
a reversal appends ``.reversal``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import Ticket
from bot.db.models_members import PointsRuleOverride, Wish
from bot.db.prepared import Prepared
from bot.replies import category_name
from bot.replies.members import RULE_LABELS
from bot.services.points import TicketRule, _rules

MAX_POINTS = 100


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    points: int
    unit: str
    overridden: bool = False


def defaults() -> list[Rule]:
    """The file's table, in a stable order: services, tickets, the rest, star thresholds."""
    data = _rules()
    rows = [Rule(f"service.{code}", s["name"], int(s["points"]), s.get("unit", ""))
            for code, s in data.get("services", {}).items()]
    ticket = data["ticket"]
    for category, points in ticket.get("base", {}).items():
        rows.append(Rule(f"ticket.{category}", category_name(category), int(points), RULE_LABELS["ticket_unit"]))
    rows.append(Rule("ticket.urgent_bonus", RULE_LABELS["urgent_bonus"], int(ticket.get("urgent_bonus", 0)),
                     RULE_LABELS["urgent_unit"]))
    rows.append(Rule("wish", RULE_LABELS["wish"], int(data.get("wish", 3)), RULE_LABELS["wish_unit"]))
    rows.append(Rule("rollcall", RULE_LABELS["rollcall"], int(data.get("rollcall", 2)), RULE_LABELS["rollcall_unit"]))
    bonus = data.get("rating_bonus", {})
    rows.append(Rule("rating_bonus", RULE_LABELS["rating_bonus"], int(bonus.get("points", 0)),
                     RULE_LABELS["rating_unit"].format(stars=bonus.get("stars", 5))))
    for stars, minimum in sorted(data.get("stars", {}).items(), key=lambda kv: -int(kv[0])):
        rows.append(Rule(f"stars.{int(stars)}", RULE_LABELS["stars"].format(stars=int(stars)), int(minimum),
                         RULE_LABELS["stars_unit"]))
    return rows


_O = PointsRuleOverride.__table__.c
_OVERRIDES = Prepared(select(_O.code, _O.points).where(_O.community_id == bindparam("community_id")))


async def _overrides(session: AsyncSession, community_id: str) -> dict[str, int]:
    return {code: points for code, points in await _OVERRIDES.run(session, {"community_id": community_id})}


def _merged(changed: dict[str, int]) -> list[Rule]:
    return [Rule(r.code, r.name, changed[r.code], r.unit, True) if r.code in changed else r for r in defaults()]


async def table(*, session: AsyncSession, community_id: str) -> list[Rule]:
    return _merged(await _overrides(session, community_id))


def _value_in(rules: list[Rule], code: str) -> int:
    for rule in rules:
        if rule.code == code:
            return rule.points
    raise KeyError(code)


async def value(*, session: AsyncSession, community_id: str, code: str) -> int:
    return _value_in(await table(session=session, community_id=community_id), code)


def find(name: str) -> Rule | None:
    """A rule by the word people type (志愿劳动, 设施报修, 紧急加分, 5星) or by its code."""
    name = name.strip()
    for rule in defaults():
        if name in (rule.name, rule.code, rule.code.split(".", 1)[-1]):
            return rule
    return None


def service_rule(name: str) -> Rule | None:
    rule = find(name)
    return rule if rule and rule.code.startswith("service.") else None


async def set_value(*, session: AsyncSession, community_id: str, code: str, points: int, actor_id: str | None) -> None:
    existing = await session.scalar(select(PointsRuleOverride).where(
        PointsRuleOverride.community_id == community_id, PointsRuleOverride.code == code))
    if existing is None:
        session.add(PointsRuleOverride(community_id=community_id, code=code, points=points, updated_by=actor_id))
    else:
        existing.points, existing.updated_by, existing.updated_at = points, actor_id, utcnow()
    await session.flush()


async def reset(*, session: AsyncSession, community_id: str, code: str) -> bool:
    existing = await session.scalar(select(PointsRuleOverride).where(
        PointsRuleOverride.community_id == community_id, PointsRuleOverride.code == code))
    if existing is None:
        return False
    await session.delete(existing)
    await session.flush()
    return True


_IS_WISH = Prepared(select(Wish.__table__.c.id).where(Wish.__table__.c.ticket_id == bindparam("ticket_id")))


async def ticket_rule(*, session: AsyncSession, ticket: Ticket) -> TicketRule:
    """Points for a verified ticket: a 微心愿 has its own value; otherwise category plus urgency."""
    rules = await table(session=session, community_id=ticket.community_id)
    # Only bot.services.wishes opens wish tickets, and it marks them (evidence "wish").
    if ticket.evidence == "wish" and (await _IS_WISH.run(session, {"ticket_id": ticket.id})).scalar() is not None:
        return TicketRule(_value_in(rules, "wish"), "wish")
    try:
        base = _value_in(rules, f"ticket.{ticket.category}")
    except KeyError:
        base = int(_rules()["ticket"]["default"])
    if ticket.urgency != "urgent":
        return TicketRule(base, f"ticket.{ticket.category}")
    bonus = _value_in(rules, "ticket.urgent_bonus")
    return TicketRule(base + bonus, f"ticket.{ticket.category}+urgent")


def rating_bonus_stars() -> int:
    return int(_rules().get("rating_bonus", {}).get("stars", 5))


def checkin_window() -> tuple[int, int]:
    """Minutes before the start and after it during which 签到 is open."""
    data = _rules().get("activity", {})
    return int(data.get("checkin_before", 30)), int(data.get("checkin_after", 180))


async def star_thresholds(*, session: AsyncSession, community_id: str) -> list[tuple[int, int]]:
    """(stars, minimum points), most stars first."""
    rows = [r for r in await table(session=session, community_id=community_id) if r.code.startswith("stars.")]
    return sorted(((int(r.code.split(".")[1]), r.points) for r in rows), reverse=True)


def rule_name(code: str) -> str:
    """How a ledger entry's rule reads to people."""
    base, reversal = (code[: -len(".reversal")], True) if code.endswith(".reversal") else (code, False)
    if base.startswith("custom."):  # a community's own rule (bot.services.custom_rules); the entry's reason names it
        base = "custom"
    name = RULE_LABELS.get(base)
    if name is None:
        urgent = base.endswith("+urgent")
        rule = find(base.removesuffix("+urgent"))
        name = (rule.name if rule else RULE_LABELS["unknown"]) + (RULE_LABELS["urgent_suffix"] if urgent else "")
    return name + (RULE_LABELS["reversal_suffix"] if reversal else "")
