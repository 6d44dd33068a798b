"""The points ledger: append-only entries, each with a rule, a reason and an idempotency key.

The balance is always the sum of entries; nothing is ever edited or deleted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from bot.clock import utcnow
from bot.db.models import Person, PointsEntry
from bot.db.models_members import PointsBalance
from bot.db.prepared import Prepared
from bot.errors import DomainError
from bot.replies import say

# A manual /加分 or /扣分 is a whole number of points in 1..MAX_MANUAL.
MAX_MANUAL = 100
# What starts like a number, so it is read as one (and refused unless whole and in range)
# rather than as a rule name: "1e9", "2.5", "-3", "+5", ".5", "1,000".
_NUMBERISH = re.compile(r"^[+\-\u2212]?[0-9.,][0-9.,eE+\-\u2212]*")
_POINTS_WORD = re.compile(r"^\s*分")


def read_amount(text: str) -> tuple[int, str] | None:
    """``"2 组织活动"`` → ``(2, "组织活动")``; None when ``text`` does not start with a number.

    Anything that starts like a number must be a whole number in 1..MAX_MANUAL, else
    ``err_bad_amount``: "1e9" is not 1 point with the reason "e9". Full-width digits are
    folded to ASCII before (``bot.commands.normalize_command_text``)."""
    match = _NUMBERISH.match(text)
    if match is None:
        return None
    digits = match.group()
    if not digits.isascii() or not digits.isdigit() or len(digits) > 3 or not 1 <= int(digits) <= MAX_MANUAL:
        raise DomainError("err_bad_amount")
    rest = text[match.end():]
    rest = rest[_POINTS_WORD.match(rest).end():] if _POINTS_WORD.match(rest) else rest
    return int(digits), rest.strip()


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


def _statements(dialect: str) -> dict:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    entry, bal = PointsEntry.__table__, PointsBalance.__table__
    credit = insert(bal)
    return {
        "entry": insert(entry).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(entry.c.id),
        "credit": credit.on_conflict_do_update(index_elements=["person_id"],
                                               set_={"balance": bal.c.balance + credit.excluded.balance}),
    }


# Built once per dialect: constructing these costs more than running them.
_STATEMENTS = {key: Prepared(stmt, postgresql=_statements("postgresql")[key])
               for key, stmt in _statements("sqlite").items()}
_B = PointsBalance.__table__.c
_E = PointsEntry.__table__.c
_KEY_USED = Prepared(select(_E.id).where(_E.idempotency_key == bindparam("key")))
# (bind names must differ from the column names in an UPDATE)
_DEBIT = Prepared(update(PointsBalance.__table__)
                  .where(_B.person_id == bindparam("b_person"), _B.balance + bindparam("b_amount") >= 0)
                  .values(balance=_B.balance + bindparam("b_amount")))
_UNDO = Prepared(update(PointsBalance.__table__).where(_B.person_id == bindparam("b_person"))
         .values(balance=_B.balance - bindparam("b_amount")))


async def post(
    *, session: AsyncSession, person_id: str, community_id: str, amount: int, rule: str,
    reason: str, idempotency_key: str, actor_id: str | None = None, ticket_id: int | None = None,
) -> PointsEntry | None:
    """Append an entry; returns None when the key was used before (nothing is posted twice).

    The person's balance row moves in the same transaction as the entry is written, so
    the row always equals the ledger sum. A credit writes the entry first (one
    ``INSERT … ON CONFLICT DO NOTHING``: a concurrent poster of the same key waits and
    then inserts nothing) and moves the balance only when the entry went in. A debit is
    a conditional UPDATE first (``balance + amount >= 0``): concurrent debits serialize
    on the row and the balance never goes below zero; when it would,
    ``err_points_insufficient`` before anything is written.
    """
    values = dict(
        person_id=person_id, community_id=community_id, amount=amount, rule=rule,
        reason=reason[:200], idempotency_key=idempotency_key, actor_id=actor_id, ticket_id=ticket_id,
        created_at=utcnow(),
    )
    statements = _STATEMENTS
    if amount >= 0:
        new_id = (await statements["entry"].run(session, values)).scalar()
        if new_id is None:
            return None  # rewarded before: nothing moves
        await statements["credit"].run(session, {"person_id": person_id, "balance": amount})
    else:
        if (await _KEY_USED.run(session, {"key": idempotency_key})).scalar():
            return None  # debited before: nothing moves, whatever the balance
        await _debit(session, person_id, amount)
        new_id = (await statements["entry"].run(session, values)).scalar()
        if new_id is None:
            # A concurrent poster used the key meanwhile: take the move back.
            await _UNDO.run(session, {"b_person": person_id, "b_amount": amount})
            return None
    entry = PointsEntry(id=new_id, **values)
    make_transient_to_detached(entry)
    session.add(entry)  # known to the session as the persistent row it is; no second INSERT
    return entry


async def _debit(session: AsyncSession, person_id: str, amount: int) -> None:
    result = await _DEBIT.run(session, {"b_person": person_id, "b_amount": amount})
    if result.rowcount != 1:
        have = await session.scalar(select(PointsBalance.balance).where(PointsBalance.person_id == person_id))
        raise DomainError("err_points_insufficient", balance=have or 0, amount=-amount)


async def balance(*, session: AsyncSession, person_id: str, community_id: str | None = None) -> int:
    """The balance shown to people: the person's balance row (equal to the ledger sum), or,
    for one community, the sum of the entries posted there."""
    if community_id is None:
        return int((await _BALANCE.run(session, {"person_id": person_id})).scalar() or 0)
    return await ledger_sum(session=session, person_id=person_id, community_id=community_id)


async def ledger_sum(*, session: AsyncSession, person_id: str, community_id: str | None = None) -> int:
    query = select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(PointsEntry.person_id == person_id)
    if community_id is not None:
        query = query.where(PointsEntry.community_id == community_id)
    return int(await session.scalar(query) or 0)


_BALANCE = Prepared(select(_B.balance).where(_B.person_id == bindparam("person_id")))
_ENTRIES: dict[int, Prepared] = {}


async def entries(*, session: AsyncSession, person_id: str, limit: int = 50) -> list:
    """The person's latest entries, newest first (rows with the columns of ``PointsEntry``)."""
    statement = _ENTRIES.get(limit)
    if statement is None:
        statement = _ENTRIES[limit] = Prepared(
            select(*PointsEntry.__table__.c).where(_E.person_id == bindparam("person_id"))
            .order_by(_E.id.desc()).limit(limit))
    return list((await statement.run(session, {"person_id": person_id})).rows)


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


REVERSAL = ".reversal"


async def reverse(*, session: AsyncSession, entry_id: int, community_id: str, actor_id: str,
                  reason: str) -> PointsEntry:
    """A correction: a new entry of the opposite amount naming the original. Never an edit.

    One reversal per entry (its idempotency key is ``reversal:<id>``); a reversal and a
    redemption (undone by cancelling the voucher) cannot themselves be reversed.
    """
    original = await session.get(PointsEntry, entry_id)
    if original is None or original.community_id != community_id:
        raise DomainError("err_entry_not_found", entry=entry_id)
    if original.person_id == actor_id:  # reversing a deduction of one's own would award oneself
        raise DomainError("err_self_reverse", entry=entry_id)
    if original.rule.endswith(REVERSAL) or original.rule.startswith("shop."):
        raise DomainError("err_entry_not_reversible", entry=entry_id)
    entry = await post(
        session=session, person_id=original.person_id, community_id=original.community_id,
        amount=-original.amount, rule=original.rule + REVERSAL, reason=say("pts_reason_reversal", entry=entry_id, reason=reason),
        idempotency_key=f"reversal:{entry_id}", actor_id=actor_id, ticket_id=original.ticket_id,
    )
    if entry is None:
        raise DomainError("err_entry_reversed", entry=entry_id)
    return entry


async def passbook(*, session: AsyncSession, person_id: str, limit: int = 10) -> tuple[int, list[tuple[PointsEntry, int]]]:
    """爱心存折: the balance and the last entries, newest first, each with the balance after it."""
    total = await balance(session=session, person_id=person_id)
    rows, running = [], total
    for entry in await entries(session=session, person_id=person_id, limit=limit):
        rows.append((entry, running))
        running -= entry.amount
    return total, rows


async def by_community(*, session: AsyncSession, person_id: str) -> list[tuple[str, str, int]]:
    """积分互认: (community id, name, sum) for every community where the person has entries."""
    rows = await _BY_COMMUNITY.run(session, {"person_id": person_id})
    return [(cid, name, int(total)) for cid, name, total in rows]


def _by_community():
    from bot.db.models import Community

    c = Community.__table__.c
    return Prepared(
        select(c.id, c.name, func.sum(_E.amount)).select_from(Community.__table__.join(
            PointsEntry.__table__, _E.community_id == c.id))
        .where(_E.person_id == bindparam("person_id")).group_by(c.id, c.name).order_by(c.id))


_BY_COMMUNITY = _by_community()
