"""Scheduler rules for mobilisation: the one reminder of a roll call (集结)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models_mobilise import RollCall, RollCallAnswer
from bot.messages import Outgoing
from bot.replies import say
from bot.services import jobs
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
