"""积分超市: items with a price and stock; a redemption debits the ledger and hands out a voucher.

Two guards, both conditional UPDATEs, taken in the same order by every redemption
(the item's row, then the person's balance row, so PostgreSQL never deadlocks):

* stock: ``UPDATE shopitem SET stock = stock - 1 WHERE id = ? AND stock >= 1``;
* balance: ``points.post`` with a negative amount, which is
  ``UPDATE pointsbalance SET balance = balance - price WHERE balance >= price``
  in the same savepoint as the ledger entry.

If either matches no row the domain error rolls the whole message back, so a
refused redemption leaves stock, balance and ledger untouched.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models_members import ShopItem, Voucher
from bot.errors import DomainError
from bot.replies import say
from bot.services import counters, points

ISSUED, COLLECTED, CANCELLED = "issued", "collected", "cancelled"
MAX_PRICE, MAX_STOCK, MAX_NAME = 10000, 10000, 40
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


async def add_item(*, session: AsyncSession, community_id: str, name: str, price: int, stock: int,
                   actor_id: str) -> ShopItem:
    if not 1 <= price <= MAX_PRICE or not 1 <= stock <= MAX_STOCK:
        raise DomainError("shop_bad_numbers", price=MAX_PRICE, stock=MAX_STOCK)
    number = await counters.next_number(session=session, community_id=community_id, kind="shop")
    item = ShopItem(community_id=community_id, number=number, name=name[:MAX_NAME], price=price, stock=stock,
                    created_by=actor_id)
    session.add(item)
    await session.flush()
    return item


async def get_item(*, session: AsyncSession, community_id: str, number: int) -> ShopItem:
    item = await session.scalar(select(ShopItem).where(
        ShopItem.community_id == community_id, ShopItem.number == number))
    if item is None or not item.active:
        raise DomainError("shop_item_not_found", number=number)
    return item


async def items(*, session: AsyncSession, community_id: str) -> list[ShopItem]:
    return list(await session.scalars(
        select(ShopItem).where(ShopItem.community_id == community_id, ShopItem.active.is_(True))
        .order_by(ShopItem.number)
    ))


async def delist(*, session: AsyncSession, community_id: str, number: int) -> ShopItem:
    item = await get_item(session=session, community_id=community_id, number=number)
    item.active = False
    await session.flush()
    return item


async def restock(*, session: AsyncSession, community_id: str, number: int, count: int) -> ShopItem:
    item = await get_item(session=session, community_id=community_id, number=number)
    if not 1 <= count <= MAX_STOCK:
        raise DomainError("shop_bad_numbers", price=MAX_PRICE, stock=MAX_STOCK)
    await session.execute(update(ShopItem).where(ShopItem.id == item.id)
                          .values(stock=ShopItem.stock + count).execution_options(synchronize_session=False))
    await session.refresh(item)
    return item


async def redeem(*, session: AsyncSession, community_id: str, number: int, person_id: str,
                 idempotency_key: str) -> tuple[ShopItem, Voucher]:
    item = await get_item(session=session, community_id=community_id, number=number)
    taken = await session.execute(
        update(ShopItem).where(ShopItem.id == item.id, ShopItem.active.is_(True), ShopItem.stock >= 1)
        .values(stock=ShopItem.stock - 1).execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise DomainError("shop_sold_out", number=number, name=item.name)
    entry = await points.post(
        session=session, person_id=person_id, community_id=community_id, amount=-item.price,
        rule="shop.redeem", reason=f"兑换 {item.name}", idempotency_key=idempotency_key,
    )
    if entry is None:
        raise DomainError("shop_duplicate")
    voucher = Voucher(code=new_code(), community_id=community_id, item_id=item.id, person_id=person_id,
                      price=item.price, entry_id=entry.id)
    session.add(voucher)
    await session.flush()
    await session.refresh(item)
    return item, voucher


async def _voucher(session: AsyncSession, community_id: str, code: str) -> Voucher:
    voucher = await session.scalar(select(Voucher).where(Voucher.code == code.upper(),
                                                         Voucher.community_id == community_id))
    if voucher is None:
        raise DomainError("shop_voucher_not_found", code=code)
    return voucher


async def _close_voucher(session: AsyncSession, community_id: str, code: str, status: str,
                         actor_id: str) -> Voucher:
    """Move an issued voucher to ``status``, once (a conditional UPDATE); else say why not."""
    voucher = await _voucher(session, community_id, code)
    done = await session.execute(
        update(Voucher).where(Voucher.id == voucher.id, Voucher.status == ISSUED)
        .values(status=status, collected_at=utcnow(), collected_by=actor_id)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(voucher)
    if done.rowcount != 1:
        raise DomainError(f"shop_voucher_{voucher.status}", code=voucher.code)
    return voucher


async def collect(*, session: AsyncSession, community_id: str, code: str, actor_id: str) -> Voucher:
    """Mark a voucher collected, once."""
    return await _close_voucher(session, community_id, code, COLLECTED, actor_id)


async def cancel(*, session: AsyncSession, community_id: str, code: str, actor_id: str) -> Voucher:
    """Undo an uncollected redemption: the item goes back on the shelf, the points come back
    as a reversal entry naming the redemption."""
    voucher = await _close_voucher(session, community_id, code, CANCELLED, actor_id)
    await session.execute(update(ShopItem).where(ShopItem.id == voucher.item_id)
                          .values(stock=ShopItem.stock + 1).execution_options(synchronize_session=False))
    await points.post(
        session=session, person_id=voucher.person_id, community_id=community_id, amount=voucher.price,
        rule="shop.redeem.reversal", reason=say("shop_reason_cancel", code=voucher.code, entry=voucher.entry_id),
        idempotency_key=f"reversal:{voucher.entry_id}", actor_id=actor_id,
    )
    return voucher


async def vouchers_of(*, session: AsyncSession, person_id: str, limit: int = 10) -> list[tuple[Voucher, ShopItem]]:
    rows = await session.execute(
        select(Voucher, ShopItem).join(ShopItem, ShopItem.id == Voucher.item_id)
        .where(Voucher.person_id == person_id).order_by(Voucher.id.desc()).limit(limit)
    )
    return [(v, i) for v, i in rows]
