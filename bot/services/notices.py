"""Scheduled notices (/定时): create, list, cancel, and send each occurrence once.

Grammar: ``/定时 <时间> [范围] <内容>``; the scope is optional (default 全体) and,
when given, is the first word after the time: 全体, 党员 (the members' groups), or
a grid / estate / building name as in /广播 (东区, 3号楼). The scope is resolved
again at each occurrence, so a group added later is reached too.

Each occurrence is a ``scheduled_job`` row keyed by notice and due time; sending
one inserts the next, so the chain survives restarts and never doubles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models_schedule import ScheduledJob, ScheduledNotice
from bot.errors import DomainError
from bot.messages import Outgoing
from bot.replies import say
from bot.services import broadcast, directory, jobs, quiet, when
from bot.services import scope as grid_scope

MAX_ACTIVE = 50
MAX_TEXT = 1000
DEFAULT_SCOPE = "全体"
_SCOPE_WORDS = {"全体", "全部", "所有", "所有群", "全社区", "党员", "党员群", "志愿者", "志愿者群"}
_BUILDING = re.compile(r"^\d+(?:号楼|号|栋|幢|座|楼)$")
EXAMPLE = "/定时 每周一 9:00 党员 下午3点在活动室学习"


def describe(rule: dict) -> str:
    kind = rule.get("kind")
    if kind == "once":
        return say("sched_rule_once", at=datetime.fromisoformat(rule["at"]).strftime("%m-%d %H:%M"))
    clock = f"{int(rule['hour']):02d}:{int(rule['minute']):02d}"
    if kind == "daily":
        return say("sched_rule_daily", clock=clock)
    if kind == "monthly":
        return say("sched_rule_monthly", day=rule["day"], clock=clock)
    names = say("weekday_names")
    days = "、".join(names[d] for d in rule.get("days", []))
    return say("sched_rule_weekly", days=days, clock=clock)


async def _split_scope(session: AsyncSession, community_id: str, rest: str) -> tuple[str, str]:
    first, _, after = rest.partition(" ")
    first = first.strip()
    names = {g.name for g in await directory.grids_of(session=session, community_id=community_id)}
    if after.strip() and (first in _SCOPE_WORDS or first in names or _BUILDING.match(first)):
        return first, after.strip()
    return DEFAULT_SCOPE, rest.strip()


@dataclass(frozen=True, slots=True)
class Draft:
    """A checked ``/定时`` request, not yet saved: what the secretary is asked to confirm."""

    args: str
    expression: str
    rule: dict
    scope: str
    rooms: list
    text: str
    first: datetime
    quiet_until: datetime | None  # the first sending falls in quiet hours: held until then

    @property
    def described(self) -> str:
        return describe(self.rule)

    @property
    def local_first(self) -> str:
        return to_local(self.first).strftime("%m-%d %H:%M")


async def draft(*, session: AsyncSession, community_id: str, args: str, now: datetime, settings,
                person_id: str, roles: frozenset[str]) -> Draft:
    """Check a ``/定时`` request (time, scope, content, the community's limit); writes nothing.
    A grid worker's notice reaches the groups of their grids only, like their /广播 (bot.services.scope)."""
    try:
        parsed = when.parse(args, now)
    except when.BadTime as bad:
        raise DomainError(f"time_bad_{bad.reason}", example=EXAMPLE) from bad
    scope, content = await _split_scope(session, community_id, parsed.rest)
    if not content:
        raise DomainError("sched_no_content", example=EXAMPLE)
    if len(content) > MAX_TEXT:
        raise DomainError("err_too_long", limit=MAX_TEXT)
    rooms = await broadcast.resolve_scope(session=session, community_id=community_id, scope=scope)
    rooms = await grid_scope.check_rooms(session=session, person_id=person_id, roles=roles,
                                         community_id=community_id, rooms=rooms, scope_word=scope)
    active = await session.scalar(select(func.count()).select_from(ScheduledNotice).where(
        ScheduledNotice.community_id == community_id, ScheduledNotice.active.is_(True)))
    if (active or 0) >= MAX_ACTIVE:
        raise DomainError("sched_too_many", limit=MAX_ACTIVE)
    return Draft(args, parsed.expression, parsed.rule, scope, rooms, content, parsed.first,
                 quiet.not_before(parsed.first, urgent=False, settings=settings))


async def save(*, session: AsyncSession, community_id: str, creator_id: str, draft: Draft) -> ScheduledNotice:
    """Save a checked request and queue its first sending."""
    d = draft
    notice = ScheduledNotice(community_id=community_id, creator_id=creator_id, expression=d.expression,
                             rule=d.rule, scope=d.scope, room_ids=[r.id for r in d.rooms], text=d.text,
                             next_at=d.first)
    session.add(notice)
    await session.flush()
    await _add_occurrence(session, notice, d.first)
    return notice


async def _add_occurrence(session: AsyncSession, notice: ScheduledNotice, at: datetime) -> None:
    await jobs.add(session=session, key=f"notice:{notice.id}:{at.isoformat()}", kind="notice",
                   community_id=notice.community_id, due_at=at, notice_id=notice.id)


async def active(*, session: AsyncSession, community_id: str) -> list[ScheduledNotice]:
    return list(await session.scalars(
        select(ScheduledNotice).where(ScheduledNotice.community_id == community_id,
                                      ScheduledNotice.active.is_(True))
        .order_by(ScheduledNotice.next_at, ScheduledNotice.id)))


async def cancel(*, session: AsyncSession, community_id: str, notice_id: int) -> ScheduledNotice:
    notice = await session.get(ScheduledNotice, notice_id)
    if notice is None or notice.community_id != community_id or not notice.active:
        raise DomainError("sched_not_found", number=notice_id)
    notice.active, notice.next_at = False, None
    await jobs.cancel_pending(session=session, notice_id=notice_id)
    return notice


async def advance(*, session: AsyncSession, job: ScheduledJob, now: datetime) -> ScheduledNotice | None:
    """Plan the occurrence after this one (or retire a one-off); returns the live notice."""
    notice = await session.get(ScheduledNotice, job.notice_id)
    if notice is None or not notice.active:
        return None
    nxt = when.next_after(notice.rule, max(now, job.due_at))
    if nxt is None:
        notice.active, notice.next_at = False, None
    else:
        notice.next_at = nxt
        await _add_occurrence(session, notice, nxt)
    return notice


async def fire(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    notice = await session.get(ScheduledNotice, job.notice_id)
    if notice is None or not notice.active:
        return None
    try:
        found = await broadcast.resolve_scope(session=session, community_id=notice.community_id, scope=notice.scope)
        roles = await directory.roles_of(session=session, person_id=notice.creator_id,
                                         community_id=notice.community_id)
        rooms = [r.id for r in await grid_scope.check_rooms(
            session=session, person_id=notice.creator_id, roles=roles, community_id=notice.community_id,
            rooms=found, scope_word=notice.scope)]
    except DomainError:  # the grid was renamed or removed: use the groups chosen at creation
        rooms = list(notice.room_ids)
    text = say("sched_notice", content=notice.text)
    await advance(session=session, job=job, now=now)
    return jobs.Batch([Outgoing(text=text, room_id=room_id) for room_id in rooms])


def local_next(notice: ScheduledNotice) -> str:
    return to_local(notice.next_at).strftime("%m-%d %H:%M") if notice.next_at else "—"
