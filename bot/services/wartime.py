"""战时 mode (急时下沉): while a community is in it, every new ticket is urgent (offered to every
tier at once), quiet hours are off for its automated messages, the dispatch tiers of tickets
already waiting shrink to minutes (T1 10 min, T2 20 min from the start), roll calls go out at
once with a 10-minute reminder, and the secretaries get an hourly summary until it ends.
One open row per community: the row is the log (who, why, when it began and ended).
A street officer can switch it for the whole street (/战时 街道 开启 原因): one row per community of
the street, marked with the street, so 「/战时 街道 结束」 ends exactly those."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import clock
from bot.db.models import Ticket
from bot.db.models_mobilise import RollCall, WartimeMode
from bot.db.models_schedule import ScheduledJob
from bot.errors import DomainError
from bot.services import jobs

log = logging.getLogger(__name__)
T1, T2 = timedelta(minutes=10), timedelta(minutes=20)
SUMMARY_EVERY = timedelta(hours=1)
MAX_REASON = 200


async def active(*, session: AsyncSession, community_id: str) -> WartimeMode | None:
    return await session.scalar(select(WartimeMode).where(
        WartimeMode.community_id == community_id, WartimeMode.ended_at.is_(None)).order_by(WartimeMode.id.desc())
        .limit(1))


async def start(*, session: AsyncSession, community_id: str, reason: str, actor_id: str,
                street_id: str | None = None) -> WartimeMode:
    if not reason.strip():
        raise DomainError("war_usage")
    if await active(session=session, community_id=community_id) is not None:
        raise DomainError("war_already")
    now = clock.utcnow()
    mode = WartimeMode(community_id=community_id, reason=reason.strip()[:MAX_REASON], started_by=actor_id,
                       started_at=now, street_id=street_id)
    session.add(mode)
    await session.flush()
    for kind, wait in (("escalate1", T1), ("escalate2", T2)):  # waiting tickets: tiers in minutes
        await session.execute(
            update(ScheduledJob).where(ScheduledJob.community_id == community_id, ScheduledJob.kind == kind,
                                       ScheduledJob.status == jobs.PENDING, ScheduledJob.due_at > now + wait)
            .values(due_at=now + wait).execution_options(synchronize_session=False))
    await jobs.add(session=session, key=f"wartime_summary:{mode.id}:1", kind="wartime_summary",
                   community_id=community_id, due_at=now + SUMMARY_EVERY)
    log.warning("wartime mode ON in %s by %s: %s", community_id, actor_id, mode.reason)
    return mode


async def end(*, session: AsyncSession, community_id: str, actor_id: str) -> WartimeMode:
    mode = await active(session=session, community_id=community_id)
    if mode is None:
        raise DomainError("war_not_on")
    now = clock.utcnow()
    ended = await session.execute(update(WartimeMode).where(WartimeMode.id == mode.id, WartimeMode.ended_at.is_(None))
                                  .values(ended_at=now, ended_by=actor_id).execution_options(synchronize_session=False))
    if ended.rowcount != 1:
        raise DomainError("war_not_on")
    await session.execute(update(ScheduledJob).where(ScheduledJob.kind == "wartime_summary",
                                                     ScheduledJob.key.like(f"wartime_summary:{mode.id}:%"),
                                                     ScheduledJob.status == jobs.PENDING)
                          .values(status=jobs.CANCELLED).execution_options(synchronize_session=False))
    mode.ended_at, mode.ended_by = now, actor_id
    log.warning("wartime mode OFF in %s by %s", community_id, actor_id)
    return mode


async def figures(*, session: AsyncSession, community_id: str, since: datetime) -> dict[str, int]:
    """What the summary reports: tickets opened since ``since``, tickets still open, roll calls open."""
    opened = await session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.community_id == community_id, Ticket.created_at >= since))
    waiting = await session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.community_id == community_id, Ticket.status == "open"))
    working = await session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.community_id == community_id, Ticket.status == "claimed"))
    calls = await session.scalar(select(func.count()).select_from(RollCall).where(
        RollCall.community_id == community_id, RollCall.status == "open"))
    return {"opened": int(opened or 0), "waiting": int(waiting or 0), "working": int(working or 0),
            "calls": int(calls or 0)}


async def start_street(*, session: AsyncSession, street_id: str, community_ids: list[str], reason: str,
                       actor_id: str) -> list[WartimeMode]:
    """战时 for every community of a street that is not in it already; returns the rows opened."""
    if not reason.strip():
        raise DomainError("war_usage")
    opened = []
    for community_id in community_ids:
        if await active(session=session, community_id=community_id) is None:
            opened.append(await start(session=session, community_id=community_id, reason=reason, actor_id=actor_id,
                                      street_id=street_id))
    if not opened:
        raise DomainError("war_already")
    return opened


async def end_street(*, session: AsyncSession, street_id: str, actor_id: str) -> list[WartimeMode]:
    """End what the street switched on (a community's own 战时 is its secretary's to end)."""
    modes = list(await session.scalars(select(WartimeMode).where(
        WartimeMode.street_id == street_id, WartimeMode.ended_at.is_(None)).order_by(WartimeMode.id)))
    return [await end(session=session, community_id=m.community_id, actor_id=actor_id) for m in modes]
