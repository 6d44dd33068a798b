"""Recurring digests: the secretaries' morning digest, the weekly points ranking
(张榜公布) in the members' groups, and the monthly report with its .xlsx link.

Each occurrence is a ``scheduled_job`` keyed by community and local date/month,
inserted by ``plan`` on every tick once its time has come. Rule for downtime: an
occurrence is inserted (and so sent, once, late) only while it is less than
``late_grace_minutes`` old; after a longer outage it is skipped, not sent at noon.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import LOCAL_TZ, to_local
from bot.db.models import Community, Ticket
from bot.db.models_schedule import ScheduledJob
from bot.messages import Outgoing
from bot.replies import say
from bot.replies.tickets import ticket_fields
from bot.services import directory, jobs, ranking, reports, stats
from bot.services.dispatching import secretaries
from bot.signing import signed_path

LIST_LIMIT = 10


def _at(day: date, hhmm: str) -> datetime:
    hour, _, minute = hhmm.partition(":")
    return datetime.combine(day, time(int(hour), int(minute or 0)), LOCAL_TZ)


def occurrences(now: datetime, settings) -> list[tuple[str, str, datetime]]:
    """(kind, local key part, due) of the latest daily, weekly and monthly occurrence."""
    today = to_local(now).date()
    daily = _at(today, settings.daily_digest_time)
    if daily > now:
        daily, day = _at(today - timedelta(days=1), settings.daily_digest_time), today - timedelta(days=1)
    else:
        day = today
    monday = today - timedelta(days=today.weekday())
    weekly_day = monday + timedelta(days=(int(settings.weekly_board_day) - 1) % 7)
    weekly = _at(weekly_day, settings.weekly_board_time)
    if weekly > now:
        weekly_day -= timedelta(days=7)
        weekly = _at(weekly_day, settings.weekly_board_time)
    first = today.replace(day=1)
    monthly = _at(first, settings.monthly_report_time)
    if monthly > now:
        first = (first - timedelta(days=1)).replace(day=1)
        monthly = _at(first, settings.monthly_report_time)
    return [("daily", day.isoformat(), daily), ("weekly", weekly_day.isoformat(), weekly),
            ("monthly", first.strftime("%Y-%m"), monthly)]


async def plan(*, session: AsyncSession, now: datetime, settings) -> int:
    grace = timedelta(minutes=settings.late_grace_minutes)
    due = [(kind, part, at) for kind, part, at in occurrences(now, settings) if now - at <= grace]
    if not due:
        return 0
    added = 0
    for community_id in await session.scalars(select(Community.id).order_by(Community.id)):
        for kind, part, at in due:
            added += await jobs.add(session=session, key=f"{kind}:{community_id}:{part}", kind=kind,
                                    community_id=community_id, due_at=at)
    for kind, part, at in due:
        if kind == "monthly":  # and the street's report (issue 13)
            from bot.services import street_reports

            added += await street_reports.plan(session=session, part=part, due_at=at)
            from bot.services import district_reports

            added += await district_reports.plan(session=session, part=part, due_at=at)
            from bot.services import units

            added += await units.plan(session=session, part=part, due_at=at)
    return added


def _lines(rows: list[Ticket], key: str) -> str:
    return "".join(say(key, **ticket_fields(t)) for t in rows[:LIST_LIMIT])


async def daily(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    community = job.community_id
    today = to_local(job.due_at).date()
    start, end = stats.local_midnight(today - timedelta(days=1)), stats.local_midnight(today)
    base = select(Ticket).where(Ticket.community_id == community)
    new = list(await session.scalars(base.where(Ticket.created_at >= start, Ticket.created_at < end)
                                     .order_by(Ticket.number)))
    open_rows = list(await session.scalars(base.where(Ticket.status == "open").order_by(Ticket.number)))
    overdue = list(await session.scalars(base.where(Ticket.status.in_(("open", "claimed")),
                                                    Ticket.deadline_at < now).order_by(Ticket.deadline_at)))
    done = list(await session.scalars(base.where(Ticket.done_at >= start, Ticket.done_at < end)
                                      .order_by(Ticket.number)))
    if not (new or open_rows or overdue or done):
        return None  # nothing to say: no message at all
    text = say("digest_daily", date=(today - timedelta(days=1)).strftime("%m-%d"), new=len(new),
               open=len(open_rows), overdue=len(overdue), done=len(done),
               open_list=_lines(open_rows, "digest_item"), overdue_list=_lines(overdue, "digest_item_overdue"),
               done_list=_lines(done, "digest_item"))
    people = await secretaries(session=session, community_id=community)
    return jobs.Batch([Outgoing(text=text, to=p) for p in people])


async def weekly(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    """Monday's 张榜: the points earned last week (Monday to Sunday, local time), best first."""
    week_start = ranking.period_start(ranking.WEEK, job.due_at) - timedelta(days=7)
    rows = await ranking.week_gains(session=session, community_id=job.community_id, week_start=week_start)
    if not rows:
        return None  # nobody earned points last week: nothing to post
    community = await session.get(Community, job.community_id)
    last_day = week_start + timedelta(days=6)
    text = say("board_weekly", community=community.name if community else job.community_id,
               start=to_local(week_start).strftime("%m-%d"), end=to_local(last_day).strftime("%m-%d"),
               items="".join(say("board_weekly_item", rank=i, name=name, gained=total)
                             for i, (_, name, total) in enumerate(rows, 1)))
    rooms = await directory.rooms_of(session=session, community_id=job.community_id, kind="members")
    return jobs.Batch([Outgoing(text=text, room_id=r.id) for r in rooms])


def report_url(settings, community_id: str, month: str) -> str:
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    path = signed_path(getattr(settings, "api_token", None), f"/api/reports/{community_id}/{month}.xlsx")
    return f"{base.rstrip('/')}{path}"


async def monthly(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    first = to_local(job.due_at).date().replace(day=1)
    prev = (first - timedelta(days=1)).replace(day=1)
    month = prev.strftime("%Y-%m")
    start, end = stats.month_span(prev.year, prev.month)
    f = await stats.figures(session=session, community_id=job.community_id, start=start, end=end, now=now)
    title = say("report_title_month", year=prev.year, month=prev.month)
    text = reports.summary_text(f, title=title) + say("report_link", url=report_url(settings, job.community_id, month))
    people = await secretaries(session=session, community_id=job.community_id)
    return jobs.Batch([Outgoing(text=text, to=p) for p in people])

