"""What the console's 清单和队伍 page reads (issue 14): the three lists (三单), the teams with their
members, and which categories need an after-photo before 完成, the teams' ranking. Changes go through the chat commands
(/清单, /队伍, /验收照片), see bot.web.console.lists_pages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import CATEGORY_NAMES
from bot.services import attachments, directory, hours, lists, stats, surveys, team_ranking, teams

KINDS = {"service": "服务清单", "resource": "资源清单", "need": "需求清单"}


@dataclass(frozen=True)
class ListLine:
    number: int
    title: str
    detail: str
    provider: str


async def three_lists(*, session: AsyncSession, community_id: str) -> dict[str, list[ListLine]]:
    out: dict[str, list[ListLine]] = {}
    for kind in KINDS:
        rows = []
        for item in await lists.items(session=session, community_id=community_id, kind=kind):
            provider = await directory.name_of(session=session, person_id=item.provider_id) if item.provider_id else ""
            rows.append(ListLine(item.number, item.title, item.detail or "", provider or ""))
        out[kind] = rows
    return out


async def team_lines(*, session: AsyncSession, community_id: str) -> list[tuple[str, str, list[str]]]:
    """(team, leader, members' names)."""
    out = []
    for team in await teams.listing(session=session, community_id=community_id):
        people = await teams.members(session=session, team=team)
        leader = next((p.name for p in people if p.id == team.leader_id), "—")
        out.append((team.name, leader, [p.name for p in people]))
    return out


async def photo_rules(*, session: AsyncSession, community_id: str) -> list[tuple[str, str, bool]]:
    """(category code, name, an after-photo is required) for every category."""
    return [(code, name, await attachments.photo_required(session=session, community_id=community_id,
                                                          category=code)) for code, name in CATEGORY_NAMES.items()]


RANK_PERIODS = {"week": "本周", "month": "本月", "last_month": "上月"}


@dataclass(frozen=True)
class TeamRank:
    name: str
    members: int
    points: int
    hours: str
    tasks: int


async def team_rank(*, session: AsyncSession, community_id: str, period: str, now: datetime) -> list[TeamRank]:
    """The teams compared over 本周 / 本月 / 上月, as 「/队伍 排行 本月」 ranks them (bot.services.team_ranking)."""
    span = stats.period(RANK_PERIODS[period], now)
    assert span is not None
    rows = await team_ranking.ranking(session=session, community_id=community_id, start=span[0], end=span[1])
    return [TeamRank(f.team.name, f.members, f.points, hours.hours_text(f.minutes), f.tasks) for f in rows]


async def open_surveys(*, session: AsyncSession, community_id: str) -> list[tuple[int, str, int]]:
    """The open 需求征集: (number, question, answers so far)."""
    return [(s.number, s.question, n) for s, n in await surveys.open_surveys(session=session, community_id=community_id)]
