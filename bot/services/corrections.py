"""Learning from corrections (issue 11): a secretary's /改 changes a ticket and is kept as a
labelled example of its community; ``retrain`` compiles each community's examples into its
correction layer (nlp.corrections), which ``adjust`` applies after ``classify()`` at intake.

The layer is kept in the database (``correction_layer``), not in a file: every bot process on
the database reads the same one, ``gridbot nlp retrain`` replaces it in one transaction, it
needs no writable data directory (FILE_STORE may be S3), and it is backed up with the
corrections it was learnt from. A process keeps a community's layer for ``LAYER_TTL_SECONDS``,
so a retrain run elsewhere is in force within a minute.
"""
from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import nlp
from bot.clock import utcnow
from bot.db import rows
from bot.db.directory_cache import SESSION_KEY as CACHE_KEY
from bot.db.directory_cache import DirectoryCache
from bot.db.models import Community, Ticket
from bot.db.models_learning import CorrectionLayer, TicketCorrection
from bot.errors import DomainError
from bot.services import tickets
from nlp import corrections as layers
from nlp.correction_words import CATEGORY, LOCATION, URGENCY, Change, location_value, read_location

LAYER_TTL_SECONDS = 60.0
MAX_BACKGROUND = 300  # the community's most recent uncorrected tickets used as counter-examples
# The ticket's history: how each kind of correction reads in its timeline (bot/web/console/pages.py).
EVENT_ACTIONS = {CATEGORY: "recategorize", URGENCY: "urgency", LOCATION: "relocate"}


@dataclass(frozen=True)
class Corrected:
    field: str
    old: str | None
    new: str


def current_value(ticket, field: str) -> str | None:
    if field == CATEGORY:
        return ticket.category
    if field == URGENCY:
        return ticket.urgency
    return location_value(ticket.building, ticket.unit, ticket.room_no)


async def correct(*, session: AsyncSession, ticket, change: Change, actor_id: str) -> Corrected:
    """Change one field of the ticket, in its history, and keep the correction as an example.

    Correcting a field to what it already is changes nothing and is refused (err_correct_same)."""
    old = current_value(ticket, change.field)
    where = read_location(change.value) if change.field == LOCATION else None
    if old == change.value:
        raise DomainError("err_correct_same", number=ticket.number)
    values: dict = {"updated_at": utcnow()}
    if change.field == CATEGORY:
        values["category"] = change.value
    elif change.field == URGENCY:
        values["urgency"] = change.value
    else:
        assert where is not None
        values.update(building=where["building"], unit=where["unit"], room_no=where["room"])
        if where["place"]:
            values["text"] = f"{ticket.text}（位置：{where['place']}）"[:tickets.MAX_TEXT]
    await session.execute(update(Ticket).where(Ticket.id == ticket.id).values(**values))
    await remember(session=session, ticket=ticket, field=change.field, old=old, new=change.value,
                   actor_id=actor_id)
    for key, value in values.items():
        setattr(ticket, key, value)
    return Corrected(change.field, old, change.value)


async def remember(*, session: AsyncSession, ticket, field: str, old: str | None, new: str,
                   actor_id: str | None) -> None:
    """Record a correction in the ticket's timeline and keep it as a labelled example."""
    await tickets.record_event(session=session, ticket_id=ticket.id, action=EVENT_ACTIONS[field],
                               actor_id=actor_id, note=f"{old or '—'} → {new}"[:500])
    await keep(session=session, ticket=ticket, field=field, old=old, new=new, actor_id=actor_id)


async def keep(*, session: AsyncSession, ticket, field: str, old: str | None, new: str,
               actor_id: str | None) -> None:
    """Keep a correction as a labelled example of the ticket's community (the console's 改类别
    records its own timeline entry and comes here too)."""
    await rows.add(session, TicketCorrection, community_id=ticket.community_id, ticket_id=ticket.id,
                   text=ticket.text, field=field, old_value=old, new_value=new,
                   evidence=(ticket.evidence or None) and ticket.evidence[:500], actor_id=actor_id)


# -- retrain -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Retrained:
    community_id: str
    examples: int  # corrections of the community
    labels: tuple[str, ...]  # what its layer learnt: "category:dispute", "urgency:urgent", "location:村东头={…}"


async def _examples(session: AsyncSession, community_id: str) -> list[layers.Example]:
    found = await session.scalars(select(TicketCorrection).where(TicketCorrection.community_id == community_id)
                                  .order_by(TicketCorrection.id))
    return [layers.Example(c.text, c.field, c.old_value, c.new_value,
                           tuple(w for w in (c.evidence or "").split("、") if w)) for c in found]


async def _background(session: AsyncSession, community_id: str) -> list[layers.Ticketed]:
    corrected = select(TicketCorrection.ticket_id).where(TicketCorrection.community_id == community_id)
    found = await session.execute(
        select(Ticket.text, Ticket.category, Ticket.urgency)
        .where(Ticket.community_id == community_id, Ticket.id.not_in(corrected))
        .order_by(Ticket.id.desc()).limit(MAX_BACKGROUND))
    return [layers.Ticketed(t, c, u) for t, c, u in found.all()]


async def retrain(*, session: AsyncSession, min_examples: int = layers.MIN_EXAMPLES,
                  threshold: float = layers.THRESHOLD) -> list[Retrained]:
    """Compile every community's corrections into its layer (replacing the old one); a community
    whose corrections teach nothing yet (fewer than ``min_examples`` of a kind) has none."""
    done = []
    for community_id in await session.scalars(select(Community.id).order_by(Community.id)):
        examples = await _examples(session, community_id)
        data = layers.compile_layer(examples, await _background(session, community_id),
                                    min_examples=min_examples, threshold=threshold) if examples else None
        await session.execute(delete(CorrectionLayer).where(CorrectionLayer.community_id == community_id))
        if data is not None:
            session.add(CorrectionLayer(community_id=community_id, data=data, examples=len(examples)))
        learnt = tuple([f"{lab['field']}:{lab['label']}" for lab in (data or {}).get("labels", [])]
                       + [f"location:{p['landmark']}={p['location']}" for p in (data or {}).get("places", [])])
        if examples:
            done.append(Retrained(community_id, len(examples), learnt))
    await session.flush()
    forget_layers()
    return done


# -- applying a community's layer at intake ---------------------------------------------------------
# Per database (its directory cache object stands for it: a test suite runs many), per community.
_cache: "weakref.WeakKeyDictionary[object, dict[str, tuple[float, layers.Layer | None]]]" = weakref.WeakKeyDictionary()
_NO_DATABASE = DirectoryCache(max_people=1)


def forget_layers() -> None:
    """Read every community's layer again on next use (after a retrain in this process)."""
    _cache.clear()


async def layer_for(*, session: AsyncSession, community_id: str) -> layers.Layer | None:
    now = time.monotonic()
    known = _cache.setdefault(session.info.get(CACHE_KEY) or _NO_DATABASE, {})
    hit = known.get(community_id)
    if hit is not None and now - hit[0] < LAYER_TTL_SECONDS:
        return hit[1]
    data = await session.scalar(select(CorrectionLayer.data).where(CorrectionLayer.community_id == community_id))
    layer = layers.load(data)
    known[community_id] = (now, layer)
    return layer


async def adjust(*, session: AsyncSession, community_id: str, text: str,
                 result: nlp.Classification) -> nlp.Classification:
    """``result`` with the community's corrections applied (nlp.corrections.apply)."""
    if result.intent == "chat":
        return result
    return layers.apply(result, text, await layer_for(session=session, community_id=community_id))


# -- export for the global model -------------------------------------------------------------------
async def export_rows(*, session: AsyncSession) -> list[dict]:
    """One labelled row per corrected ticket, in the corpus format (tests/nlp/corpus/*.jsonl):
    the ticket's labels after its corrections, ``corrected`` naming the fields a person set."""
    found = await session.execute(
        select(TicketCorrection, Ticket).join(Ticket, Ticket.id == TicketCorrection.ticket_id)
        .order_by(TicketCorrection.ticket_id, TicketCorrection.id))
    by_ticket: dict[int, dict] = {}
    for corr, ticket in found.all():
        row = by_ticket.get(ticket.id)
        if row is None:
            where = {"building": ticket.building, "unit": ticket.unit, "room": ticket.room_no}
            row = by_ticket[ticket.id] = {
                "id": f"corr-{ticket.community_id}-{ticket.number}", "text": corr.text, "intent": "demand",
                "category": ticket.category, "urgency": ticket.urgency, **where,
                "voice": "correction", "writer": f"community:{ticket.community_id}", "corrected": []}
        if corr.field == LOCATION:
            where = read_location(corr.new_value)
            row.update(building=where["building"], unit=where["unit"], room=where["room"])
        else:
            row[corr.field] = corr.new_value
        if corr.field not in row["corrected"]:
            row["corrected"].append(corr.field)
    return list(by_ticket.values())
