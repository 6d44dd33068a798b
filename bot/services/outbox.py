"""The outbox: what the bot sends is written in the same transaction as the change.

A sender task (``bot.sender``) drains it, so a crash between the change and the
send loses nothing, and a rolled-back change sends nothing. Row life cycle::

    pending ──claim──▶ sending ──transport confirms──▶ sent
       ▲                  │
       └── retry later ◀──┤ (retryable error, attempts left; next_attempt_at set)
                          └──▶ failed (permanent error or attempts used up)

A row with a guard (``bot.messages.Guard``) that no longer holds when the sender
claims it becomes 'dropped' in the claim's transaction, never sent (bot.services.guards).

Order is kept per ``conversation`` (the room, or ``to:<person>``): only the
*head* of a conversation, its lowest-id row that is pending or sending, may be
claimed, so a row waiting for a retry or held by a sender blocks the rows after
it in the same conversation and nowhere else. A row whose ``not_before`` lies in
the future is scheduled for later and does not block.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import utcnow
from bot.db.models import BLOCKER_SQL, Broadcast, OutboxMessage, Room
from bot.db.prepared import Prepared
from bot.messages import Guard, Outgoing

# Longest text stored per message; transports split further to their own limits.
MAX_TEXT = 4000
ACTIVE = ("pending", "sending")


@dataclass(frozen=True, slots=True)
class BroadcastOutgoing(Outgoing):
    """An ``Outgoing`` that belongs to a tracked broadcast (see ``open_broadcast``)."""

    broadcast_id: int | None = None


def conversation_of(room_id: str | None, to: str | None) -> str:
    return room_id if room_id else f"to:{to or ''}"


@dataclass(frozen=True, slots=True)
class Queued:
    """A message written to the outbox, as the caller sees it (the row id comes later)."""

    room_id: str | None
    to_person: str | None
    text: str
    mentions: list[str]
    cause: str | None
    reply_key: str | None = None
    image_id: int | None = None  # a photo sent with the text (issue 12)


_INSERT = Prepared(OutboxMessage.__table__.insert())


def guard_columns(guard: Guard | None) -> dict:
    if guard is None:
        return {"guard_ticket_id": None, "guard_statuses": None, "guard_claimer": None}
    return {"guard_ticket_id": guard.ticket_id, "guard_statuses": ",".join(guard.statuses),
            "guard_claimer": guard.claimer}


async def enqueue(
    *, session: AsyncSession, messages: Iterable[Outgoing], cause: str | None,
    not_before: datetime | None = None, exclude_account: str | None = None,
) -> list[Queued]:
    """Write messages to the outbox in one statement; ids follow the given order. Each row is
    bound to the account that will send it (``bot.services.accounts.bind``; never ``exclude_account``)."""
    from bot.services import accounts

    now = utcnow()
    rows = [
        {
            "room_id": m.room_id, "to_person": m.to, "conversation": conversation_of(m.room_id, m.to),
            "text": m.text[:MAX_TEXT], "mentions": list(m.mentions), "cause": cause, "reply_key": m.key,
            "status": "pending", "attempts": 0, "parts_sent": 0, "not_before": m.not_before or not_before,
            "broadcast_id": getattr(m, "broadcast_id", None), "created_at": now, "image_id": m.image_id,
            **guard_columns(m.guard),
        }
        for m in messages
    ]
    await accounts.bind(session=session, rows=rows, exclude=exclude_account)
    await _INSERT.run_many(session, rows)
    return [Queued(r["room_id"], r["to_person"], r["text"], r["mentions"], cause, r["reply_key"], r["image_id"])
            for r in rows]


# -- broadcasts ----------------------------------------------------------------
async def open_broadcast(*, session: AsyncSession, requested_by: str, report_room: str | None,
                         total: int, community_id: str | None = None) -> Broadcast:
    """Track a notice to ``total`` rooms; tag its messages with ``broadcast_message``."""
    b = Broadcast(community_id=community_id, requested_by=requested_by, report_room=report_room, total=total,
                  status="sending" if total else "done")
    session.add(b)
    await session.flush()
    return b


def broadcast_message(broadcast: Broadcast, room_id: str, text: str) -> BroadcastOutgoing:
    return BroadcastOutgoing(text=text, room_id=room_id, broadcast_id=broadcast.id)


async def _count_broadcast(session: AsyncSession, broadcast_id: int, ok: bool, now: datetime) -> None:
    """Count one finished row; the row that finishes the broadcast queues the report.

    The counter update is one atomic statement (a row lock on PostgreSQL), so
    exactly one finisher sees the total reached, even with several senders.
    """
    column = Broadcast.sent_count if ok else Broadcast.failed_count
    result = await session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id).values({column.key: column + 1})
        .returning(Broadcast.sent_count, Broadcast.failed_count, Broadcast.total, Broadcast.status)
    )
    row = result.first()
    if row is None or row.status == "done" or row.sent_count + row.failed_count < row.total:
        return
    await session.execute(update(Broadcast).where(Broadcast.id == broadcast_id)
                          .values(status="done", finished_at=now))
    b = await session.get(Broadcast, broadcast_id)
    await session.refresh(b)
    await enqueue(session=session, messages=[await _report(session, b)], cause=f"broadcast:{b.id}:report")


async def _report(session: AsyncSession, b: Broadcast) -> Outgoing:
    from bot.replies import say

    failed = list(await session.scalars(
        select(func.coalesce(Room.name, OutboxMessage.room_id))
        .select_from(OutboxMessage).outerjoin(Room, Room.id == OutboxMessage.room_id)
        .where(OutboxMessage.broadcast_id == b.id, OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id)
    ))
    text = say("delivery_report", sent=b.sent_count, total=b.total)
    if failed:
        text += "\n" + say("delivery_report_failed", count=len(failed), rooms="、".join(failed[:20]))
    if b.report_room:
        return Outgoing(text=text, room_id=b.report_room, to=b.requested_by, mentions=(b.requested_by,))
    return Outgoing(text=text, to=b.requested_by)


def later_cause(cause: str) -> str:
    """The cause for messages a message set off but held for later (quiet hours).

    They are not part of its answer, so a redelivery, which returns ``by_cause`` of the
    message's key, must not find them (issue 15, item 10). No dedup key starts with
    "later:" (keys start with the platform)."""
    return f"later:{cause}"


# -- reading ---------------------------------------------------------------------
async def by_cause(*, session: AsyncSession, cause: str) -> list[OutboxMessage]:
    """The rows queued under ``cause``; for an inbound message's key, its answer."""
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.cause == cause).order_by(OutboxMessage.id)
    ))


async def after(*, session: AsyncSession, seq: int, viewer: str | None, limit: int = 500) -> list[OutboxMessage]:
    """Messages after ``seq`` as ``viewer`` sees them: every room message, and private ones to them only."""
    visible = OutboxMessage.room_id.is_not(None)
    if viewer is not None:
        visible = or_(visible, OutboxMessage.to_person == viewer)
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > seq, visible).order_by(OutboxMessage.id).limit(limit)
    ))


async def sent_before(*, session: AsyncSession, before: datetime, limit: int = 500) -> list[OutboxMessage]:
    """The last ``limit`` rows delivered before ``before``, oldest first (the simulator's history)."""
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "sent", OutboxMessage.sent_at < before)
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()).limit(limit)
    )
    return list(reversed(rows.all()))


def _due(now: datetime, row=OutboxMessage):
    return or_(row.not_before.is_(None), row.not_before <= now)


def _is_head(now: datetime):
    """No earlier active, due row in the same conversation."""
    earlier = aliased(OutboxMessage)
    return ~exists().where(and_(
        earlier.conversation == OutboxMessage.conversation, earlier.id < OutboxMessage.id,
        earlier.status.in_(ACTIVE), _due(now, earlier),
    ))


async def heads(*, session: AsyncSession, now: datetime | None = None, limit: int = 200,
                conversation: str | None = None, account: str | None = None) -> list[OutboxMessage]:
    """Rows that may be sent now: conversation heads that are pending and due (of ``account``, if given).
    The head test spans every account: a conversation's order holds across a change of account."""
    now = now or utcnow()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", _due(now))
        .where(or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
        .where(_is_head(now))
    )
    if conversation is not None:
        query = query.where(OutboxMessage.conversation == conversation)
    if account is not None:
        query = query.where(OutboxMessage.account_id == account)
    return list(await session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


def _ready(now: datetime, row=OutboxMessage):
    return or_(row.next_attempt_at.is_(None), row.next_attempt_at <= now)


# Rows that can hold up the rest of their conversation: being sent, or waiting for a retry.
# A partial index (ix_outbox_blockers) holds only these, so finding them costs the same
# however many rows wait behind them; the predicate is written once, here and in the index.
BLOCKER = sql_text(f"({BLOCKER_SQL})")


async def _blocked_from(session: AsyncSession, now: datetime) -> dict[str, int]:
    """conversation → the id of its first due row that is being sent or waits for a retry."""
    result = await session.execute(
        select(OutboxMessage.conversation, func.min(OutboxMessage.id))
        .where(BLOCKER, _due(now), or_(OutboxMessage.status == "sending", ~_ready(now)))
        .group_by(OutboxMessage.conversation))
    return dict(result.all())


async def _mark_sending(session: AsyncSession, rows: list[OutboxMessage], owner: str, now: datetime) -> None:
    """One UPDATE for the whole claim (the ORM's flush wrote one per row)."""
    if not rows:
        return
    await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
                          .values(status="sending", claimed_by=owner, claimed_at=now)
                          .execution_options(synchronize_session=False))
    for row in rows:
        set_committed_value(row, "status", "sending")
        set_committed_value(row, "claimed_by", owner)
        set_committed_value(row, "claimed_at", now)


async def claim_runs(*, session: AsyncSession, owner: str, limit: int = 200,
                     now: datetime | None = None, account: str | None = None) -> list[OutboxMessage]:
    """Claim the first ``limit`` sendable rows by id: pending, due, and nothing earlier in
    their conversation being sent or waiting for a retry. Per conversation that is a run
    of consecutive rows from its head, so a busy room drains many rows per round, not
    one, and the scan stops after ``limit`` rows however long the backlog behind them.

    The few rows that hold conversations up are read first (a partial index); the claim
    then skips what lies behind them. It used to ask, for every waiting row, whether an
    earlier one held it up: on PostgreSQL without fresh statistics that was a pass per
    row over its conversation, 14–20 s a pass at 17,000 rows waiting (issue 16).

    On PostgreSQL another sender may hold (``SKIP LOCKED``) or have just claimed an
    earlier row of a conversation; the claim then keeps, per conversation, only the
    rows before the first due, active row it did not claim itself, and gives the rest back.
    With ``account`` only that account's rows are claimed; another account's earlier
    pending row in a conversation then holds it up too (checked the same way, on both databases).
    """
    now = now or utcnow()
    blocked = await _blocked_from(session, now)
    behind = [and_(OutboxMessage.conversation == conversation, OutboxMessage.id > first)
              for conversation, first in blocked.items()]
    query = select(OutboxMessage).where(OutboxMessage.status == "pending", _due(now), _ready(now))
    if behind:
        query = query.where(~or_(*behind))
    if account is not None:
        query = query.where(OutboxMessage.account_id == account)
    rows = list(await session.scalars(
        query.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True, of=OutboxMessage)
    ))
    await _mark_sending(session, rows, owner, now)
    # SQLite has one writer, so without an account filter the select above is exact.
    if rows and (account is not None or session.bind.dialect.name != "sqlite"):
        first_foreign = dict((await session.execute(
            select(OutboxMessage.conversation, func.min(OutboxMessage.id))
            .where(OutboxMessage.conversation.in_({r.conversation for r in rows}),
                   OutboxMessage.status.in_(ACTIVE), _due(now), OutboxMessage.id <= rows[-1].id,
                   or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_by != owner,
                       OutboxMessage.status != "sending"))
            .group_by(OutboxMessage.conversation)
        )).all())
        back = [r for r in rows if r.id > first_foreign.get(r.conversation, r.id)]
        if back:
            await release(session=session, row_ids=[r.id for r in back], owner=owner)
            rows = [r for r in rows if r not in back]
    return rows


# -- the sender's writes -------------------------------------------------------------
async def claim(*, session: AsyncSession, row_id: int, owner: str, now: datetime | None = None,
                account: str | None = None) -> OutboxMessage | None:
    """Take a row for sending if it is still a pending, due head (of ``account``); None if someone else has it."""
    rows = await claim_many(session=session, row_ids=[row_id], owner=owner, now=now, account=account)
    return rows[0] if rows else None


async def claim_many(*, session: AsyncSession, row_ids: list[int], owner: str,
                     now: datetime | None = None, account: str | None = None) -> list[OutboxMessage]:
    """Take those of ``row_ids`` that are still pending, due conversation heads, in id order.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` so concurrent senders never wait on or
    share a row; SQLite has one writer at a time (BEGIN IMMEDIATE) and ignores it.
    """
    now = now or utcnow()
    rows = list(await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(row_ids), OutboxMessage.status == "pending", _due(now))
        .where(or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
        .where(_is_head(now), *([OutboxMessage.account_id == account] if account is not None else []))
        .order_by(OutboxMessage.id)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    ))
    for row in rows:
        row.status, row.claimed_by, row.claimed_at = "sending", owner, now
    await session.flush()
    return rows


async def mark_part(*, session: AsyncSession, row_id: int, parts_sent: int) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(parts_sent=parts_sent))


async def finish(*, session: AsyncSession, row_id: int, ok: bool, error: str | None = None,
                 parts_sent: int | None = None, now: datetime | None = None) -> None:
    """Mark a row sent (``ok``) or permanently failed; count it for its broadcast."""
    now = now or utcnow()
    values: dict = {"status": "sent" if ok else "failed", "claimed_by": None}
    if ok:
        values["sent_at"] = now
    else:
        values.update(attempts=OutboxMessage.attempts + 1, last_error=(error or "")[:500])
    if parts_sent is not None:
        values["parts_sent"] = parts_sent
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status.in_(ACTIVE))
        .values(**values).returning(OutboxMessage.broadcast_id)
    )
    row = result.first()
    if row is not None and row.broadcast_id is not None:
        await _count_broadcast(session, row.broadcast_id, ok, now)


async def finish_sent(*, session: AsyncSession, done: list[tuple[int, int]], now: datetime | None = None) -> None:
    """Mark many rows sent in one statement per ``parts_sent`` value; ``done`` is (row id, parts sent)."""
    now = now or utcnow()
    by_parts: dict[int, list[int]] = {}
    for row_id, parts in done:
        by_parts.setdefault(parts, []).append(row_id)
    for parts, ids in by_parts.items():
        result = await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(ACTIVE))
            .values(status="sent", claimed_by=None, sent_at=now, parts_sent=parts)
            .returning(OutboxMessage.broadcast_id)
        )
        for (broadcast_id,) in result.all():
            if broadcast_id is not None:
                await _count_broadcast(session, broadcast_id, True, now)


async def retry_later(*, session: AsyncSession, row_id: int, error: str, at: datetime,
                      parts_sent: int | None = None) -> None:
    values = dict(status="pending", attempts=OutboxMessage.attempts + 1, last_error=error[:500],
                  next_attempt_at=at, claimed_by=None)
    if parts_sent is not None:
        values["parts_sent"] = parts_sent
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def release(*, session: AsyncSession, row_ids: list[int], owner: str) -> None:
    """Give back rows this sender claimed but never handed to the transport."""
    if row_ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(row_ids), OutboxMessage.status == "sending",
                   OutboxMessage.claimed_by == owner)
            .values(status="pending", claimed_by=None, claimed_at=None)
        )


async def stale(*, session: AsyncSession, older_than: datetime | None, owner: str | None,
                account: str | None = None) -> list[OutboxMessage]:
    """Rows in 'sending' not held by ``owner`` (``None``: every one), claimed before
    ``older_than`` if given (SQLite: at start every row, later a lease); only ``account``'s
    rows if given (one process drives several accounts, each sender recovers its own)."""
    query = select(OutboxMessage).where(OutboxMessage.status == "sending")
    if account is not None:
        query = query.where(OutboxMessage.account_id == account)
    if owner is not None:
        query = query.where(or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_by != owner))
    if older_than is not None:
        query = query.where(OutboxMessage.claimed_at < older_than)
    return list(await session.scalars(query.order_by(OutboxMessage.id).with_for_update(skip_locked=True)))


async def claimers(*, session: AsyncSession) -> list[str | None]:
    """The owner ids holding rows in 'sending' (``None`` for a row without one)."""
    return list(await session.scalars(
        select(OutboxMessage.claimed_by).where(OutboxMessage.status == "sending").distinct()))


async def own_stale(*, session: AsyncSession, owner: str, before: datetime) -> list[OutboxMessage]:
    """This sender's own rows in 'sending' since before ``before``: a mark that failed (the
    database was away for a moment) left them there while the process lives on."""
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.claimed_by == owner,
                                    OutboxMessage.claimed_at < before)
        .order_by(OutboxMessage.id).with_for_update(skip_locked=True)))


async def held_by(*, session: AsyncSession, owners: list[str], unowned_before: datetime) -> list[OutboxMessage]:
    """Rows in 'sending' held by ``owners``, and rows without an owner claimed before ``unowned_before``."""
    if not owners:
        who = OutboxMessage.claimed_by.is_(None) & (OutboxMessage.claimed_at < unowned_before)
    else:
        who = OutboxMessage.claimed_by.in_(owners) | (
            OutboxMessage.claimed_by.is_(None) & (OutboxMessage.claimed_at < unowned_before))
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "sending", who)
        .order_by(OutboxMessage.id).with_for_update(skip_locked=True)))


# -- health ------------------------------------------------------------------------
async def stats(*, session: AsyncSession, now: datetime | None = None) -> dict:
    now = now or utcnow()
    counts = dict((await session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.status != "sent")
        .group_by(OutboxMessage.status)
    )).all())
    retrying = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > now))
    oldest = await session.scalar(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status == "pending", _due(now)))
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return {
        "pending": int(counts.get("pending", 0)), "sending": int(counts.get("sending", 0)),
        "failed": int(counts.get("failed", 0)), "retrying": int(retrying or 0),
        "dropped": int(counts.get("dropped", 0)),
        "oldest_pending_age_seconds": round((now - oldest) / timedelta(seconds=1), 1) if oldest else 0.0,
    }


async def backlog(*, session: AsyncSession) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    ) or 0)
