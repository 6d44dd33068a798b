"""Teams ranked over a period (/队伍 排行 本月): the points their members earned (the points
shop's spending left out), their service hours (bot.services.hours) and the tasks they finished
(claims that ended verified: whole tickets and parts of tasks for several people)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Claim, PointsEntry, Ticket
from bot.db.models_mobilise import Team, TeamMember
from bot.services import hours


@dataclass(frozen=True, slots=True)
class TeamFigures:
    team: Team
    members: int
    points: int
    minutes: int
    tasks: int


async def ranking(*, session: AsyncSession, community_id: str, start: datetime, end: datetime) -> list[TeamFigures]:
    """Every team of the community, best first: points, then hours, then tasks."""
    teams = list(await session.scalars(select(Team).where(Team.community_id == community_id).order_by(Team.id)))
    if not teams:
        return []
    members: dict[int, set[str]] = {t.id: set() for t in teams}
    for team_id, person_id in await session.execute(select(TeamMember.team_id, TeamMember.person_id)
                                                    .where(TeamMember.team_id.in_(list(members)))):
        members[team_id].add(person_id)
    everyone = sorted(set().union(*members.values()))
    points = dict((await session.execute(
        select(PointsEntry.person_id, func.sum(PointsEntry.amount))
        .where(PointsEntry.person_id.in_(everyone), PointsEntry.community_id == community_id,
               PointsEntry.rule.not_like("shop.%"), PointsEntry.created_at >= start, PointsEntry.created_at < end)
        .group_by(PointsEntry.person_id))).all())
    tasks = dict((await session.execute(
        select(Claim.person_id, func.count())
        .join(Ticket, Ticket.id == Claim.ticket_id)
        .where(Claim.person_id.in_(everyone), Claim.outcome == "done", Ticket.community_id == community_id,
               Claim.ended_at >= start, Claim.ended_at < end)
        .group_by(Claim.person_id))).all())
    minutes: dict[str, int] = {}
    for record in await hours.records(session=session, community_id=community_id, start=start, end=end):
        minutes[record.person_id] = minutes.get(record.person_id, 0) + record.minutes
    found = [TeamFigures(t, len(members[t.id]), sum(int(points.get(p) or 0) for p in members[t.id]),
                         sum(minutes.get(p, 0) for p in members[t.id]),
                         sum(int(tasks.get(p) or 0) for p in members[t.id])) for t in teams]
    return sorted(found, key=lambda f: (-f.points, -f.minutes, -f.tasks, f.team.id))
