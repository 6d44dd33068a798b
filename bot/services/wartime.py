"""战时 mode (急时下沉): while a community is in it, every new ticket is urgent, quiet hours
are off for it, the dispatch tiers wait minutes instead of hours, roll calls go out at
once, and the secretary gets an hourly summary. One open row per community."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_mobilise import WartimeMode


async def active(*, session: AsyncSession, community_id: str) -> WartimeMode | None:
    return await session.scalar(select(WartimeMode).where(
        WartimeMode.community_id == community_id, WartimeMode.ended_at.is_(None)).order_by(WartimeMode.id.desc())
        .limit(1))
