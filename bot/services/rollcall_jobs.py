"""Scheduler rules for mobilisation: the one reminder of a roll call (集结) and the hourly
summary of 战时 mode."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models_mobilise import RollCall, RollCallAnswer, WartimeMode
from bot.messages import Outgoing
from bot.replies import say
from bot.services import dispatching, jobs, rollcalls, wartime
from bot.services.rollcalls import ACK, OPEN, PENDING


async def remind(*, session: AsyncSession, job, now: datetime, settings) -> jobs.Batch | None:
    """Remind, once and privately, everyone who has not said whether they come.
    Nothing when the roll call is closed or already full."""
    call = await session.get(RollCall, int(job.key.rsplit(":", 1)[1]))
    if call is None or call.status != OPEN or call.accepted >= call.quota:
        return None
    silent = list(await session.scalars(select(RollCallAnswer.person_id).where(
        RollCallAnswer.roll_call_id == call.id, RollCallAnswer.answer.in_((PENDING, ACK)))
        .order_by(RollCallAnswer.id)))
    if not silent:
        return None
    text = say("rc_reminder", number=call.number, when=to_local(call.starts_at).strftime("%m-%d %H:%M"),
               place=call.place, yes=call.accepted, quota=call.quota)
    return jobs.Batch([Outgoing(text=text, to=pid) for pid in silent], urgent=call.urgent)


async def wartime_summary(*, session: AsyncSession, job, now: datetime, settings) -> jobs.Batch | None:
    """Every hour of 战时 mode, to the secretaries: tickets of the last hour, open and in hand,
    and each open roll call's tally; then the next hour's summary is planned."""
    _, mode_id, count = job.key.split(":")
    mode = await session.get(WartimeMode, int(mode_id))
    if mode is None or mode.ended_at is not None:
        return None
    figures = await wartime.figures(session=session, community_id=mode.community_id,
                                    since=job.due_at - wartime.SUMMARY_EVERY)
    calls = ""
    for call in await rollcalls.open_calls(session=session, community_id=mode.community_id):
        calls += "\n" + rollcalls.tally_text(call, await rollcalls.tally(session=session, call=call))
    hours = max(1, round((now - mode.started_at).total_seconds() / 3600))
    text = say("war_summary", hours=hours, reason=mode.reason, calls_detail=calls, **figures)
    await jobs.add(session=session, key=f"wartime_summary:{mode.id}:{int(count) + 1}", kind="wartime_summary",
                   community_id=mode.community_id, due_at=job.due_at + wartime.SUMMARY_EVERY)
    people = await dispatching.secretaries(session=session, community_id=mode.community_id)
    return jobs.Batch([Outgoing(text=text, to=p) for p in people], urgent=True)
