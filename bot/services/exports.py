"""Spreadsheets for the year-end review: a community's ledger and a member's statement (.xlsx bytes)."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.clock import LOCAL_TZ, to_local
from bot.db.models import Community, Person, PointsEntry
from bot.errors import DomainError
from bot.replies import say
from bot.services import points, rules


def _headers(key: str) -> list[str]:
    return say(key).split("|")


def _local(dt: datetime) -> str:
    return to_local(dt).strftime("%Y-%m-%d %H:%M")


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def ledger_xlsx(*, session: AsyncSession, community_id: str, year: int | None = None) -> bytes:
    """Every entry posted in the community (optionally in one year), and a per-person summary."""
    community = await session.get(Community, community_id)
    if community is None:
        raise DomainError("err_unknown_community", community=community_id)
    actor = aliased(Person)
    query = (
        select(PointsEntry, Person.name, actor.name)
        .join(Person, Person.id == PointsEntry.person_id)
        .outerjoin(actor, actor.id == PointsEntry.actor_id)
        .where(PointsEntry.community_id == community_id).order_by(PointsEntry.id)
    )
    if year is not None:
        query = query.where(PointsEntry.created_at >= datetime(year, 1, 1, tzinfo=LOCAL_TZ),
                            PointsEntry.created_at < datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ))
    book = Workbook()
    sheet = book.active
    sheet.title = say("xlsx_ledger_sheet")
    sheet.append(_headers("xlsx_ledger_headers"))
    totals: dict[str, list] = {}
    for entry, name, by in await session.execute(query):
        sheet.append([entry.id, _local(entry.created_at), name, entry.person_id, entry.amount,
                      rules.rule_name(entry.rule), entry.rule, entry.reason, by or "", entry.ticket_id or ""])
        row = totals.setdefault(entry.person_id, [name, entry.person_id, 0])
        row[2] += entry.amount
    summary = book.create_sheet(say("xlsx_summary_sheet"))
    summary.append(_headers("xlsx_summary_headers"))
    for row in sorted(totals.values(), key=lambda r: (-r[2], r[0])):
        summary.append(row)
    summary.append([say("xlsx_total"), "", sum(r[2] for r in totals.values())])
    from bot.services import hours  # its module reads this one's helpers

    await hours.ledger_sheet(book, session=session, community_id=community_id,
                             start=datetime(year, 1, 1, tzinfo=LOCAL_TZ) if year else None,
                             end=datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ) if year else None)
    return _bytes(book)


async def statement_xlsx(*, session: AsyncSession, person_id: str) -> bytes:
    """A member's whole ledger across communities, oldest first, with the running balance."""
    person = await session.get(Person, person_id)
    if person is None:
        raise DomainError("err_unknown_person_id", person=person_id)
    rows = await session.execute(
        select(PointsEntry, Community.name).join(Community, Community.id == PointsEntry.community_id)
        .where(PointsEntry.person_id == person_id).order_by(PointsEntry.id)
    )
    book = Workbook()
    sheet = book.active
    sheet.title = say("xlsx_statement_sheet")
    sheet.append([say("xlsx_statement_title", name=person.name, id=person.id)])
    sheet.append(_headers("xlsx_statement_headers"))
    running = 0
    for entry, community in rows:
        running += entry.amount
        sheet.append([entry.id, _local(entry.created_at), community, entry.amount, rules.rule_name(entry.rule),
                      entry.reason, running])
    sheet.append([say("xlsx_balance"), "", "", "", "", "", await points.balance(session=session, person_id=person_id)])
    return _bytes(book)
