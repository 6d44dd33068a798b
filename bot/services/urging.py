"""催办: a resident chases a problem already reported ("还没修", "都一个礼拜了", "上次说的那个…").

The chase joins the open ticket it refers to, and opens nothing new: the person's own open
ticket (reported or joined) that matches what the message names, else their newest one when it
names nothing; else an open ticket of the same grid with the same place and thing
(``nlp.duplicate_score``, the rule of bot.services.duplicates, at any age: a chase is late by
nature). The claimer (if any) and the secretaries are told, and the ticket's history records it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import nlp
from bot.db.models import Ticket
from bot.db.prepared import Prepared, any_of
from bot.messages import Outgoing
from bot.replies import say
from bot.replies.tickets import ticket_fields
from bot.services import duplicates
from bot.services.dispatching import secretaries
from bot.services.tickets import ACTIVE, TicketRecord, record_event
from nlp.duplicates import read

# Open tickets looked at per chase, newest first.
CANDIDATES = 50

_T = Ticket.__table__.c
_OPEN = Prepared(
    select(*Ticket.__table__.c, duplicates._MINE.label("mine"))
    .where(and_(_T.community_id == bindparam("community_id"), any_of(_T.status, ACTIVE),
                or_(_T.grid_id == bindparam("grid_id"), duplicates._MINE)))
    .order_by(_T.id.desc()).limit(CANDIDATES),
    record=TicketRecord,
)


@dataclass
class Urged:
    ticket: TicketRecord
    joined: bool  # the chaser had not reported or joined it before: now they watch it
    told_claimer: bool
    offers: list[Outgoing] = field(default_factory=list)


def _names_something(text: str) -> bool:
    """Does the chase name a place or a thing ("1号楼的灯还没修"), or only chase ("还没修好吗")?"""
    report = read(text)
    return bool(report.building or report.unit or report.room or report.gate or report.thing.objects)


async def referred(*, session: AsyncSession, community_id: str, person_id: str, grid_id: int | None,
                   text: str) -> TicketRecord | None:
    """The open ticket a chase refers to, or None."""
    rows = (await _OPEN.run(session, {"community_id": community_id, "person_id": person_id,
                                      "grid_id": grid_id if grid_id is not None else -1})).rows
    named = _names_something(text)
    best, best_key = None, None
    for ticket in rows:  # newest first: a tie keeps the newest
        score = nlp.duplicate_score(text, ticket.text or "", b_place=(ticket.building, ticket.unit, ticket.room_no))
        if named and score <= 0:
            continue
        if not named and not ticket.mine:
            continue  # "还没修" alone can only mean the person's own report
        key = (bool(ticket.mine), score)
        if best_key is None or key > best_key:
            best, best_key = ticket, key
    if best is None:
        return None
    del best.mine
    return best


async def urge(*, session: AsyncSession, community_id: str, person_id: str, person_name: str,
               room_id: str | None, grid_id: int | None, text: str) -> Urged | None:
    """Join the chase to the ticket it refers to and tell who works on it; None when there is none."""
    ticket = await referred(session=session, community_id=community_id, person_id=person_id, grid_id=grid_id,
                            text=text)
    if ticket is None:
        return None
    joined = False
    if ticket.reporter_id != person_id:
        dup = duplicates.Duplicate(ticket.id, ticket.number, ticket.reporter_id, ticket.affected_count)
        joined = await duplicates.attach(session=session, ticket=dup, person_id=person_id, room_id=room_id,
                                         text=text) is not None
    await record_event(session=session, ticket_id=ticket.id, action="urge", actor_id=person_id, note=text[:200])
    fields = ticket_fields(ticket)
    notice = say("urge_staff", who=person_name, words=text[:60], **fields)
    told = {person_id}
    offers: list[Outgoing] = []
    if ticket.claimer_id and ticket.claimer_id not in told:
        offers.append(Outgoing(text=notice, to=ticket.claimer_id))
        told.add(ticket.claimer_id)
    for sid in await secretaries(session=session, community_id=community_id):
        if sid not in told:
            offers.append(Outgoing(text=notice, to=sid))
            told.add(sid)
    return Urged(ticket, joined, bool(ticket.claimer_id and ticket.claimer_id != person_id), offers)
