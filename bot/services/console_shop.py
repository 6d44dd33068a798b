"""What the console's 积分超市 page reads (issue 14): the shop's items, the vouchers handed out and
whether they were collected, the half-years a 星级评定 can be run for, and its preview. Changes go
through the chat commands (/商品, /核销, /星级评定 then 确认), see bot.web.console.shop_pages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.clock import to_local
from bot.db.models import Person
from bot.db.models_members import ShopItem, Voucher
from bot.errors import DomainError
from bot.services import ranking, shop


@dataclass(frozen=True)
class VoucherLine:
    code: str
    name: str
    item: str
    price: int
    status: str
    created_at: datetime
    collected_at: datetime | None
    collected_by: str


async def items(*, session: AsyncSession, community_id: str) -> list[ShopItem]:
    return await shop.items(session=session, community_id=community_id)


async def vouchers(*, session: AsyncSession, community_id: str, status: str = "",
                   limit: int = 200) -> list[VoucherLine]:
    by = aliased(Person)
    query = (select(Voucher, Person.name, ShopItem.name, by.name)
             .join(Person, Person.id == Voucher.person_id).join(ShopItem, ShopItem.id == Voucher.item_id)
             .outerjoin(by, by.id == Voucher.collected_by).where(Voucher.community_id == community_id))
    if status:
        query = query.where(Voucher.status == status)
    rows = await session.execute(query.order_by(Voucher.id.desc()).limit(limit))
    return [VoucherLine(v.code, name, item, v.price, v.status, v.created_at, v.collected_at, who or "—")
            for v, name, item, who in rows]


def half_years(now: datetime, count: int = 4) -> list[str]:
    """The last ``count`` half-years that have ended, newest first (「2026上半年」)."""
    local = to_local(now)
    year, first = (local.year - 1, False) if local.month <= 6 else (local.year, True)
    out = []
    for _ in range(count):
        out.append(f"{year}{'上半年' if first else '下半年'}")
        year, first = (year, True) if not first else (year - 1, False)
    return out


async def star_preview(*, session: AsyncSession, community_id: str, label: str,
                       now: datetime) -> tuple[str, list[tuple[str, int, int]], str]:
    """(period, rated rows, why nothing can be published or "")."""
    try:
        period, rated = await ranking.star_preview(session=session, community_id=community_id, label=label, now=now)
    except DomainError as refused:
        from bot.replies import say

        return label, [], say(refused.key, **refused.fields)
    return ranking.period_label(period), rated, ""
