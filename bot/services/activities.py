"""Activities: publish, sign up (never over the quota), check in, points on attendance.

The quota is kept by a counter on the activity moved only by a conditional
UPDATE (``signed_up < quota``), so of many concurrent sign-ups exactly ``quota``
match a row, on SQLite and PostgreSQL alike. The counter and the sign-up row are
written in one savepoint: a duplicate sign-up undoes its increment.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot import clock
from bot.clock import utcnow
from bot.db.models import Person, PointsEntry
from bot.db.models_members import Activity, ActivitySignup
from bot.errors import DomainError
from bot.replies import say
from bot.services import counters, points, rules, when

OPEN, CANCELLED = "open", "cancelled"
MAX_QUOTA, MAX_POINTS, MAX_TITLE = 1000, 50, 60


def read_start(text: str, now: datetime | None = None) -> tuple[datetime, str]:
    """The start time at the front of ``text`` (read as /定时 reads times, bot/services/when.py)
    and what follows it (the place). A time that cannot be used is a DomainError."""
    try:
        parsed = when.parse_moment(text, now or utcnow())
    except when.BadTime as bad:
        raise DomainError(f"time_bad_{bad.reason}", example=say("act_time_example")) from bad
    return parsed.first, parsed.rest


async def publish(*, session: AsyncSession, community_id: str, title: str, starts_at: datetime, place: str,
                  quota: int, points_each: int, actor_id: str) -> Activity:
    if starts_at <= utcnow():
        raise DomainError("act_time_past")
    if not 1 <= quota <= MAX_QUOTA:
        raise DomainError("act_bad_quota", limit=MAX_QUOTA)
    if not 0 <= points_each <= MAX_POINTS:
        raise DomainError("act_bad_points", limit=MAX_POINTS)
    number = await counters.next_number(session=session, community_id=community_id, kind="activity")
    activity = Activity(community_id=community_id, number=number, title=title[:MAX_TITLE], starts_at=starts_at,
                        place=place[:MAX_TITLE], quota=quota, points=points_each, created_by=actor_id)
    session.add(activity)
    await session.flush()
    return activity


async def get(*, session: AsyncSession, community_id: str, number: int) -> Activity:
    activity = await session.scalar(select(Activity).where(
        Activity.community_id == community_id, Activity.number == number))
    if activity is None:
        raise DomainError("act_not_found", number=number)
    return activity


async def upcoming(*, session: AsyncSession, community_id: str, limit: int = 10) -> list[Activity]:
    """Activities not yet over (their check-in window still open or ahead), soonest first."""
    _, after = rules.checkin_window()
    since = utcnow() - timedelta(minutes=after)
    return list(await session.scalars(
        select(Activity).where(Activity.community_id == community_id, Activity.status == OPEN,
                               Activity.starts_at >= since)
        .order_by(Activity.starts_at, Activity.number).limit(limit)
    ))


async def cancel(*, session: AsyncSession, activity: Activity) -> list[str]:
    """Call an open activity off; returns the ids of the people who had signed up (to be told).

    Refused once anyone has attended: their points stand, and so does the activity.
    The status UPDATE comes first: it takes the activity's row lock, which a check-in
    also takes (``_lock_open``), so the count after it sees every committed check-in
    and none can slip in before this transaction ends."""
    if activity.status != OPEN:
        raise DomainError("act_closed", number=activity.number)
    result = await session.execute(
        update(Activity).where(Activity.id == activity.id, Activity.status == OPEN)
        .values(status=CANCELLED).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # cancelled meanwhile by someone else
        raise DomainError("act_closed", number=activity.number)
    attended = await session.scalar(select(func.count()).select_from(ActivitySignup).where(
        ActivitySignup.activity_id == activity.id, ActivitySignup.attended_at.is_not(None)))
    if attended:
        raise DomainError("act_cancel_attended", number=activity.number, count=attended)  # rolls back
    set_committed_value(activity, "status", CANCELLED)
    return list(await session.scalars(select(ActivitySignup.person_id)
                                      .where(ActivitySignup.activity_id == activity.id)
                                      .order_by(ActivitySignup.id)))


async def _signup_of(session: AsyncSession, activity: Activity, person_id: str) -> ActivitySignup | None:
    return await session.scalar(select(ActivitySignup).where(
        ActivitySignup.activity_id == activity.id, ActivitySignup.person_id == person_id))


async def sign_up(*, session: AsyncSession, activity: Activity, person_id: str) -> int:
    """Take a place; returns how many have signed up, this one included."""
    if activity.status != OPEN:
        raise DomainError("act_closed", number=activity.number)
    if activity.starts_at <= utcnow():
        raise DomainError("act_started", number=activity.number)
    if await _signup_of(session, activity, person_id) is not None:
        raise DomainError("act_already_signed", number=activity.number)
    try:
        async with session.begin_nested():
            taken = (await session.execute(
                update(Activity)
                .where(Activity.id == activity.id, Activity.status == OPEN, Activity.signed_up < Activity.quota)
                .values(signed_up=Activity.signed_up + 1)
                .returning(Activity.signed_up)
            )).scalar_one_or_none()
            if taken is None:
                raise DomainError("act_full", number=activity.number, quota=activity.quota)
            session.add(ActivitySignup(activity_id=activity.id, person_id=person_id))
            await session.flush()
    except IntegrityError as exc:  # the same person, concurrently: the increment was undone
        raise DomainError("act_already_signed", number=activity.number) from exc
    return taken


def in_window(activity: Activity, now: datetime | None = None) -> bool:
    before, after = rules.checkin_window()
    now = now or utcnow()
    return activity.starts_at - timedelta(minutes=before) <= now <= activity.starts_at + timedelta(minutes=after)


async def attend(*, session: AsyncSession, activity: Activity, person_id: str,
                 confirmed_by: str | None = None, person_name: str = "") -> PointsEntry | None:
    """Record attendance and award the activity's points, once: a repeat awards nothing (None).

    A member checks in themselves (``签到``) within the window and only if signed up;
    a secretary's confirmation works any time and signs the person up if there is room
    (if there is none, the refusal ``act_full_staff`` is worded for staff and names the person).
    """
    if confirmed_by is not None and confirmed_by == person_id:  # nobody awards themselves
        raise DomainError("err_self_attend", number=activity.number)
    await _lock_open(session, activity)  # a cancelled activity awards nothing
    signup = await _signup_of(session, activity, person_id)
    if confirmed_by is None:
        if not in_window(activity):
            before, after = rules.checkin_window()
            raise DomainError("act_checkin_closed", number=activity.number, before=before, after=after)
        if signup is None:
            raise DomainError("act_not_signed", number=activity.number)
    elif signup is None:
        await _walk_in(session, activity, person_id, person_name)
    marked = await session.execute(
        update(ActivitySignup)
        .where(ActivitySignup.activity_id == activity.id, ActivitySignup.person_id == person_id,
               ActivitySignup.attended_at.is_(None))
        .values(attended_at=clock.utcnow(), confirmed_by=confirmed_by)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:
        return None
    if activity.points <= 0:
        return None
    return await points.post(
        session=session, person_id=person_id, community_id=activity.community_id, amount=activity.points,
        rule="activity", reason=f"参加活动 {activity.title}", actor_id=confirmed_by,
        idempotency_key=f"activity:{activity.id}:{person_id}",
    )


async def _lock_open(session: AsyncSession, activity: Activity) -> None:
    """Hold the activity's row (as ``cancel`` does) while it is open, or refuse."""
    held = await session.execute(
        update(Activity).where(Activity.id == activity.id, Activity.status == OPEN)
        .values(status=Activity.status).execution_options(synchronize_session=False))
    if held.rowcount != 1:
        raise DomainError("act_closed", number=activity.number)


async def _walk_in(session: AsyncSession, activity: Activity, person_id: str, person_name: str) -> None:
    taken = await session.execute(
        update(Activity).where(Activity.id == activity.id, Activity.signed_up < Activity.quota)
        .values(signed_up=Activity.signed_up + 1).execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # nothing was written: the caller may go on with the next person
        count, quota = (await session.execute(
            select(Activity.signed_up, Activity.quota).where(Activity.id == activity.id))).one()
        raise DomainError("act_full_staff", number=activity.number, name=person_name, count=count, quota=quota,
                          more=quota + 1)
    session.add(ActivitySignup(activity_id=activity.id, person_id=person_id))
    await session.flush()


async def set_quota(*, session: AsyncSession, activity: Activity, quota: int) -> int:
    """Change an open activity's number of places; never below those already signed up.
    Returns how many have signed up."""
    if not 1 <= quota <= MAX_QUOTA:
        raise DomainError("act_bad_quota", limit=MAX_QUOTA)
    changed = (await session.execute(
        update(Activity).where(Activity.id == activity.id, Activity.status == OPEN, Activity.signed_up <= quota)
        .values(quota=quota).returning(Activity.signed_up)
    )).scalar_one_or_none()
    if changed is None:
        current = await session.scalar(select(Activity.signed_up).where(Activity.id == activity.id))
        if activity.status != OPEN:
            raise DomainError("act_closed", number=activity.number)
        raise DomainError("act_quota_below", number=activity.number, count=current)
    return changed


async def roster(*, session: AsyncSession, activity: Activity) -> list[tuple[Person, ActivitySignup]]:
    rows = await session.execute(
        select(Person, ActivitySignup).join(ActivitySignup, ActivitySignup.person_id == Person.id)
        .where(ActivitySignup.activity_id == activity.id).order_by(ActivitySignup.id)
    )
    return [(p, s) for p, s in rows]


async def open_for_checkin(*, session: AsyncSession, community_id: str, person_id: str) -> list[Activity]:
    """The person's sign-ups whose check-in window is open now (for a bare 签到)."""
    rows = await session.scalars(
        select(Activity).join(ActivitySignup, ActivitySignup.activity_id == Activity.id)
        .where(Activity.community_id == community_id, ActivitySignup.person_id == person_id,
               ActivitySignup.attended_at.is_(None), Activity.status == OPEN)
    )
    return [a for a in rows if in_window(a)]


MAX_SERVICE_MINUTES = 24 * 60


async def check_out(*, session: AsyncSession, activity: Activity, person_id: str) -> int | None:
    """签退: the end of the person's service at the activity; returns its minutes, None if done before.
    Only after 签到 (or a secretary's confirmation)."""
    signup = await _signup_of(session, activity, person_id)
    if signup is None or signup.attended_at is None:
        raise DomainError("act_checkout_not_in", number=activity.number)
    now = clock.utcnow()
    minutes = max(0, min(MAX_SERVICE_MINUTES, int((now - signup.attended_at).total_seconds() // 60)))
    marked = await session.execute(
        update(ActivitySignup).where(ActivitySignup.id == signup.id, ActivitySignup.left_at.is_(None))
        .values(left_at=now, minutes=minutes).execution_options(synchronize_session=False))
    return minutes if marked.rowcount == 1 else None


async def open_for_checkout(*, session: AsyncSession, community_id: str, person_id: str) -> list[Activity]:
    """The person's activities checked in to and not yet left (for a bare 签退)."""
    return list(await session.scalars(
        select(Activity).join(ActivitySignup, ActivitySignup.activity_id == Activity.id)
        .where(Activity.community_id == community_id, ActivitySignup.person_id == person_id,
               ActivitySignup.attended_at.is_not(None), ActivitySignup.left_at.is_(None))
        .order_by(Activity.starts_at.desc())))
