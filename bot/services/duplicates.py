"""Same problem, one ticket: a report of the same thing at the same place within 24 hours
joins the open ticket ("+1"); the resident who reported or joined it already is told so.

Which reports are one problem is decided by ``nlp.duplicate_score`` (place, object, fault);
this module picks the candidates: open tickets of the last 24 hours in the same grid (or,
for a private chat, with no grid), plus any the person reported or joined, wherever.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession

import nlp
from bot.clock import utcnow
from bot.db.hooks import before_commit
from bot.db.models import Ticket, TicketWatcher
from bot.db.prepared import Prepared, any_of
from bot.db.upsert import prepared_insert_ignore
from bot.errors import RaceLost
from bot.services.tickets import ACTIVE, record_event
from nlp.location import Place

WINDOW = timedelta(hours=24)
# Open tickets looked at per report, newest first: more than a grid has open in a day.
CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An open ticket a new report is the same problem as."""

    id: int
    number: int
    reporter_id: str
    affected_count: int
    # The person reported it or has already joined it: a repeat, not a +1.
    already: bool = False


_T = Ticket.__table__.c
_W = TicketWatcher.__table__.c
_JOINED = exists().where(_W.ticket_id == _T.id, _W.person_id == bindparam("person_id"))
_MINE = or_(_T.reporter_id == bindparam("person_id"), _JOINED)


def _candidates(where):
    """Open tickets of the window matching ``where``, newest first. Two narrow lookups rather than
    one "this grid OR the person's own": with the OR neither database could walk an index, and every
    active ticket of the community was read (the 10-minute soak's growing cost, issue 15)."""
    where = and_(_T.community_id == bindparam("community_id"), any_of(_T.status, ACTIVE),
                 _T.created_at >= bindparam("since", type_=_T.created_at.type), where)
    return Prepared(select(_T.id, _T.number, _T.reporter_id, _T.affected_count, _T.text, _T.building, _T.unit,
                           _T.room_no, _MINE.label("mine"))
                    .where(where).order_by(_T.id.desc()).limit(CANDIDATES))


_WATCHED = select(_W.ticket_id).where(_W.person_id == bindparam("person_id")).scalar_subquery()
# Built once: the open tickets of one grid (or of no grid), and the person's own (reported or joined).
_IN_GRID = _candidates(_T.grid_id == bindparam("grid_id"))
_NO_GRID = _candidates(_T.grid_id.is_(None))
_OWN = _candidates(or_(_T.reporter_id == bindparam("person_id"), _T.id.in_(_WATCHED)))
_BUMP = Prepared(update(Ticket.__table__).where(_T.id == bindparam("ticket_id"))
                 .values(affected_count=_T.affected_count + 1).returning(_T.affected_count))
_ADD_WATCHER = prepared_insert_ignore(TicketWatcher.__table__)
_WATCHERS = Prepared(select(*TicketWatcher.__table__.c).where(_W.ticket_id == bindparam("ticket_id")).order_by(_W.id))
_INTAKE_LOCK = sql_text("SELECT pg_advisory_xact_lock(hashtext('gridbot-intake:' || :community_id))")
# Ids of the tickets this transaction opened (tickets.insert adds them).
OPENED_HERE = "gridbot_opened_tickets"


async def find_duplicate(
    *, session: AsyncSession, community_id: str, grid_id: int | None, person_id: str, text: str,
    place: Place | None = None,
) -> Duplicate | None:
    """The open ticket this report is the same problem as: the person's own first, then the
    best match (``nlp.duplicate_score``), then the newest.

    Two reports of one problem at the same moment must not open two tickets. SQLite writers
    take turns (BEGIN IMMEDIATE), so there the answer holds. On PostgreSQL the check is
    optimistic: when nothing matches, the same check runs again as the transaction's last
    step under a per-community lock (held only for the commit, not while the ticket, its
    offers and replies are written), and anything opened meanwhile that matches raises
    ``RaceLost`` (the message is then handled again, and joins that ticket).

    ``place``: the report's own (building, unit, room) where it is not its text's, as for "+1 我们5号楼也是"
    under a report about 6号楼: the text is the quote's, the place the reply's, and 5号楼 is another problem."""
    candidates = await _candidates(session, community_id, grid_id, person_id)
    best = _best(text, candidates, place)
    if best is None:
        if session.bind.dialect.name == "postgresql":
            seen = frozenset(ticket.id for ticket in candidates)

            async def recheck(session: AsyncSession) -> None:
                await session.execute(_INTAKE_LOCK, {"community_id": community_id})
                mine = session.info.get(OPENED_HERE, set())
                fresh = [t for t in await _candidates(session, community_id, grid_id, person_id)
                         if t.id not in seen and t.id not in mine]
                if _best(text, fresh, place) is not None:
                    raise RaceLost(community_id)

            before_commit(session, recheck)
        return None
    return Duplicate(best.id, best.number, best.reporter_id, best.affected_count, bool(best.mine))


async def _candidates(session: AsyncSession, community_id: str, grid_id: int | None, person_id: str) -> list:
    params = {"community_id": community_id, "person_id": person_id, "since": utcnow() - WINDOW}
    if grid_id is not None:
        params["grid_id"] = grid_id
    found = {row.id: row for row in await (_NO_GRID if grid_id is None else _IN_GRID).run(session, params)}
    found.update((row.id, row) for row in await _OWN.run(session, params))
    return [found[i] for i in sorted(found, reverse=True)[:CANDIDATES]]


def _best(text: str, candidates: list, place: Place | None = None):
    best, best_key = None, None
    for ticket in candidates:  # newest first, so a tie keeps the newest
        # The ticket's stored place wins over its text: it may come from the reporter's home
        # or from their answer to "where is it?".
        score = nlp.duplicate_score(text, ticket.text or "", a_place=place,
                                    b_place=(ticket.building, ticket.unit, ticket.room_no))
        key = (bool(ticket.mine), score)
        if score > 0 and (best_key is None or key > best_key):
            best, best_key = ticket, key
    return best


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
