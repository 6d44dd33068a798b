"""What the console reads for a street officer's work across the street (issue 14): the street of the
community shown, for 「/战时 街道 开启|结束」 on the 通知和应急 page. Changes go through the chat commands."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import streets


async def street_name(*, session: AsyncSession, community_id: str) -> str:
    """The name of the community's street, or "" when it has none."""
    street = await streets.street_of(session=session, community_id=community_id)
    return street.name if street else ""
