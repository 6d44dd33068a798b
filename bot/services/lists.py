"""三单: 资源清单, 需求清单, 服务清单 (issue 13). Staff keep them in chat (``/清单 服务 添加 …``);
``预约 N`` turns a service into a ticket assigned to its provider (the usual 完成, 验收, 评价 follow)."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_lists import ListItem
from bot.errors import DomainError
from bot.services import counters, tickets

KINDS = {"资源": "resource", "资源清单": "resource", "需求": "need", "需求清单": "need",
         "服务": "service", "服务清单": "service"}
MAX_TITLE, MAX_DETAIL = 100, 200


async def add(*, session: AsyncSession, community_id: str, kind: str, title: str, detail: str | None,
              provider_id: str | None, actor_id: str) -> ListItem:
    if kind == "service" and provider_id is None:
        raise DomainError("list_service_needs_provider")
    number = await counters.next_number(session=session, community_id=community_id, kind=f"list:{kind}")
    item = ListItem(community_id=community_id, kind=kind, number=number, title=title[:MAX_TITLE],
                    detail=(detail or None) and detail[:MAX_DETAIL], provider_id=provider_id, created_by=actor_id)
    session.add(item)
    await session.flush()
    return item


async def remove(*, session: AsyncSession, community_id: str, kind: str, number: int) -> None:
    result = await session.execute(update(ListItem).where(
        ListItem.community_id == community_id, ListItem.kind == kind, ListItem.number == number,
        ListItem.active.is_(True)).values(active=False).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError("list_not_found", number=number)


async def items(*, session: AsyncSession, community_id: str, kind: str) -> list[ListItem]:
    return list(await session.scalars(select(ListItem).where(
        ListItem.community_id == community_id, ListItem.kind == kind, ListItem.active.is_(True))
        .order_by(ListItem.number)))


async def service(*, session: AsyncSession, community_id: str, number: int) -> ListItem:
    item = await session.scalar(select(ListItem).where(
        ListItem.community_id == community_id, ListItem.kind == "service", ListItem.number == number,
        ListItem.active.is_(True)))
    if item is None:
        raise DomainError("list_not_found", number=number)
    return item


async def collect_needs(*, session: AsyncSession, community_id: str, now, days: int = 90, least: int = 3,
                        actor_id: str) -> list[tuple[ListItem, int, bool]]:
    """需求清单 from the tickets: each (building, category) reported ``least`` times or more in the last
    ``days`` days becomes a need (or refreshes the one already listed). Returns (item, tickets, new)."""
    from datetime import timedelta

    from sqlalchemy import func

    from bot.db.models import Ticket
    from bot.replies import category_name, say

    since = now - timedelta(days=days)
    rows = (await session.execute(
        select(Ticket.building, Ticket.category, func.count()).where(
            Ticket.community_id == community_id, Ticket.created_at >= since, Ticket.status != "cancelled")
        .group_by(Ticket.building, Ticket.category).having(func.count() >= least)
        .order_by(func.count().desc(), Ticket.building, Ticket.category))).all()
    out = []
    for building, category, count in rows:
        title = say("list_need_title", place=say("list_need_place", building=building) if building else "",
                    category=category_name(category))
        detail = say("list_need_detail", days=days, count=count)
        item = await session.scalar(select(ListItem).where(
            ListItem.community_id == community_id, ListItem.kind == "need", ListItem.title == title,
            ListItem.active.is_(True)))
        if item is not None:
            item.detail = detail
            out.append((item, count, False))
            continue
        out.append((await add(session=session, community_id=community_id, kind="need", title=title, detail=detail,
                              provider_id=None, actor_id=actor_id), count, True))
    await session.flush()
    return out


async def order(*, session: AsyncSession, item: ListItem, person_id: str, room_id: str | None, text: str):
    """A resident's 预约: a ticket assigned to the provider at once."""
    if item.provider_id == person_id:
        raise DomainError("list_own_service")
    ticket = await tickets.create(session=session, community_id=item.community_id, reporter_id=person_id,
                                  text=text, category="care", urgency="normal", room_id=room_id, grid_id=None,
                                  building=None, unit=None, room_no=None)
    await tickets.assign(session=session, ticket=ticket, person_id=item.provider_id, actor_id=person_id)
    return ticket
