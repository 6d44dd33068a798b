"""Teams (志愿服务队, 三人小组 包干到户): a named group of a community's people with a leader.
A roll call (集结) can name a team as its scope: its members are asked, in the members' groups."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person
from bot.db.models_mobilise import Team, TeamMember
from bot.errors import DomainError

MAX_NAME = 30


async def find(*, session: AsyncSession, community_id: str, name: str) -> Team | None:
    return await session.scalar(select(Team).where(Team.community_id == community_id, Team.name == name.strip()))


async def create(*, session: AsyncSession, community_id: str, name: str, leader_id: str, actor_id: str) -> Team:
    name = name.strip()
    if not name or len(name) > MAX_NAME or name[0].isdigit():
        raise DomainError("team_bad_name", limit=MAX_NAME)
    if await find(session=session, community_id=community_id, name=name) is not None:
        raise DomainError("team_exists", name=name)
    team = Team(community_id=community_id, name=name, leader_id=leader_id, created_by=actor_id)
    session.add(team)
    await session.flush()
    await add_member(session=session, team=team, person_id=leader_id)
    return team


async def add_member(*, session: AsyncSession, team: Team, person_id: str) -> bool:
    """True when added, False when already in the team."""
    if await session.scalar(select(TeamMember.id).where(TeamMember.team_id == team.id,
                                                        TeamMember.person_id == person_id)):
        return False
    try:
        async with session.begin_nested():
            session.add(TeamMember(team_id=team.id, person_id=person_id))
            await session.flush()
    except IntegrityError:  # added concurrently
        return False
    return True


async def members(*, session: AsyncSession, team: Team) -> list[Person]:
    return list(await session.scalars(select(Person).join(TeamMember, TeamMember.person_id == Person.id)
                                      .where(TeamMember.team_id == team.id).order_by(TeamMember.id)))


async def listing(*, session: AsyncSession, community_id: str) -> list[Team]:
    return list(await session.scalars(select(Team).where(Team.community_id == community_id).order_by(Team.id)))


async def led_by(*, session: AsyncSession, community_id: str, leader_id: str) -> list[Team]:
    return list(await session.scalars(select(Team).where(Team.community_id == community_id,
                                                         Team.leader_id == leader_id).order_by(Team.id)))


async def in_teams(*, session: AsyncSession, team_ids: list[int], person_id: str) -> bool:
    if not team_ids:
        return False
    return await session.scalar(select(TeamMember.id).where(TeamMember.team_id.in_(team_ids),
                                                            TeamMember.person_id == person_id).limit(1)) is not None
