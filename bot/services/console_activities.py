"""What the console's 活动 page reads (issue 14): the community's activities with sign-ups,
attendance and service hours, one activity's roster, and the 微心愿 still open. Changes go through
the chat commands (/活动 发布|名额|取消, /心愿 发布) or bot.services.activities (attendance)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket
from bot.db.models_members import Activity, ActivitySignup
from bot.services import activities, wishes


@dataclass(frozen=True)
class ActivityLine:
    number: int
    title: str
    starts_at: datetime
    place: str
    quota: int
    points: int
    signed_up: int
    attended: int
    minutes: int
    status: str


@dataclass(frozen=True)
class RosterLine:
    name: str
    signed_at: datetime
    attended_at: datetime | None
    minutes: int | None
    by_staff: bool


async def listing(*, session: AsyncSession, community_id: str, limit: int = 50) -> list[ActivityLine]:
    """The latest activities, newest first, with attendance and service minutes counted."""
    counted = (select(ActivitySignup.activity_id, func.count(ActivitySignup.attended_at).label("attended"),
                      func.coalesce(func.sum(ActivitySignup.minutes), 0).label("minutes"))
               .group_by(ActivitySignup.activity_id).subquery())
    rows = await session.execute(
        select(Activity, counted.c.attended, counted.c.minutes)
        .outerjoin(counted, counted.c.activity_id == Activity.id)
        .where(Activity.community_id == community_id).order_by(Activity.starts_at.desc()).limit(limit))
    return [ActivityLine(a.number, a.title, a.starts_at, a.place, a.quota, a.points, a.signed_up, int(n or 0),
                         int(m or 0), a.status) for a, n, m in rows]


async def roster(*, session: AsyncSession, community_id: str, number: int) -> tuple[Activity, list[RosterLine]]:
    activity = await activities.get(session=session, community_id=community_id, number=number)
    rows = await activities.roster(session=session, activity=activity)
    return activity, [RosterLine(p.name, s.signed_at, s.attended_at, s.minutes,
                                 s.confirmed_by is not None) for p, s in rows]


async def open_wishes(*, session: AsyncSession, community_id: str) -> list[Ticket]:
    return await wishes.listing(session=session, community_id=community_id, limit=50)
