"""What the console's 人员 page reads for 参加次数考核 (issue 17 in the console): the community's minimum,
each member's count over 本年 / 本月 / 上月 / 本周 and who is below it (the same figures and workbook as
「/参加考核 本年」 and its .xlsx link: bot.services.participation). The minimum is set through the chat
command (「/参加考核 最少 4」, bot.web.console.people_pages)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import directory, participation

PERIODS = {"year": "本年", "month": "本月", "last_month": "上月", "week": "本周"}


@dataclass(frozen=True)
class Assessment:
    period: str  # a key of PERIODS
    word: str  # 本年, ...
    least: int | None  # None: no minimum set yet
    rows: list[participation.Row]

    @property
    def short(self) -> list[participation.Row]:
        return [r for r in self.rows if self.least is not None and r.total < self.least]


async def assessment(*, session: AsyncSession, community_id: str, period: str, now: datetime) -> Assessment:
    period = period if period in PERIODS else "year"
    start, end = participation.period(PERIODS[period], now)
    least = await participation.minimum(session=session, community_id=community_id)
    rows = await participation.counts(session=session, community_id=community_id, start=start, end=end)
    return Assessment(period, PERIODS[period], least, rows)


async def workbook(*, session: AsyncSession, community_id: str, period: str, now: datetime) -> bytes:
    """The whole table as .xlsx (the workbook the chat's link downloads)."""
    found = await assessment(session=session, community_id=community_id, period=period, now=now)
    name = await directory.community_name(session=session, community_id=community_id) or community_id
    return participation.workbook(found.rows, title=f"{name} {found.word}", least=found.least or 0)
