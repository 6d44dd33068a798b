"""Same problem, one ticket: a near-duplicate report within 24 hours joins the open ticket."""
from __future__ import annotations

from datetime import timedelta

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import nlp
from bot.clock import utcnow
from bot.db.models import Ticket, TicketWatcher
from bot.db.prepared import Prepared, any_of
from bot.db.upsert import prepared_insert_ignore
from bot.services.tickets import ACTIVE, record_event

WINDOW = timedelta(hours=24)
# Text similarity (0..1) above which two reports in one grid and category are one problem.
SIMILAR_TEXT = 0.5


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An open ticket a new report is the same problem as."""

    id: int
    number: int
    reporter_id: str
    affected_count: int


_T = Ticket.__table__.c
_CANDIDATE_COLUMNS = (_T.id, _T.number, _T.reporter_id, _T.affected_count, _T.text, _T.building, _T.unit,
                      _T.room_no)


def _candidates(in_grid: bool):
    where = [_T.community_id == bindparam("community_id"), _T.category == bindparam("category"),
             any_of(_T.status, ACTIVE), _T.created_at >= bindparam("since", type_=_T.created_at.type),
             _T.grid_id == bindparam("grid_id") if in_grid else _T.grid_id.is_(None)]
    return Prepared(select(*_CANDIDATE_COLUMNS).where(*where).order_by(_T.id.desc()).limit(20))


# Built once: the newest 20 open tickets of one grid (or of no grid) and category.
_IN_GRID, _NO_GRID = _candidates(True), _candidates(False)
_BUMP = Prepared(update(Ticket.__table__).where(_T.id == bindparam("ticket_id"))
                 .values(affected_count=_T.affected_count + 1).returning(_T.affected_count))
_ADD_WATCHER = prepared_insert_ignore(TicketWatcher.__table__)
_W = TicketWatcher.__table__.c
_WATCHERS = Prepared(select(*TicketWatcher.__table__.c).where(_W.ticket_id == bindparam("ticket_id")).order_by(_W.id))


def _same_place(ticket, building: str | None, unit: str | None, room_no: str | None) -> bool:
    if building is None or ticket.building is None:
        return False
    if building != ticket.building:
        return False
    # Same building; a unit or room named on both sides must agree.
    return all(a is None or b is None or a == b for a, b in ((unit, ticket.unit), (room_no, ticket.room_no)))


async def find_duplicate(
    *, session: AsyncSession, community_id: str, grid_id: int | None, category: str,
    text: str, building: str | None, unit: str | None, room_no: str | None,
) -> Duplicate | None:
    params = {"community_id": community_id, "category": category, "since": utcnow() - WINDOW}
    if grid_id is not None:
        params["grid_id"] = grid_id
    candidates = await (_NO_GRID if grid_id is None else _IN_GRID).run(session, params)
    best, best_score = None, 0.0
    for ticket in candidates:
        if building is not None and ticket.building is not None and building != ticket.building:
            continue  # both name a place and the places differ: two problems
        score = nlp.similarity(text, ticket.text)
        if _same_place(ticket, building, unit, room_no):
            score = max(score, SIMILAR_TEXT + 0.01)
        if score >= SIMILAR_TEXT and score > best_score:
            best, best_score = ticket, score
    if best is None:
        return None
    return Duplicate(best.id, best.number, best.reporter_id, best.affected_count)


async def attach(
    *, session: AsyncSession, ticket: Duplicate, person_id: str, room_id: str | None, text: str
) -> int | None:
    """Add a "+1" and return how many residents now report the problem; None when this
    person already reported or watches the ticket."""
    if ticket.reporter_id == person_id:
        return None
    added = await _ADD_WATCHER.run(session, {
        "ticket_id": ticket.id, "person_id": person_id, "room_id": room_id, "text": text[:500],
        "created_at": utcnow(),
    })
    if added.first() is None:
        return None
    count = (await _BUMP.run(session, {"ticket_id": ticket.id})).scalar()
    await record_event(session=session, ticket_id=ticket.id, action="plus_one", actor_id=person_id,
                       note=text[:200])
    return count


async def watchers(*, session: AsyncSession, ticket_id: int) -> list:
    """Who +1'd the ticket (rows with the columns of ``TicketWatcher``), first first."""
    return list((await _WATCHERS.run(session, {"ticket_id": ticket_id})).rows)
