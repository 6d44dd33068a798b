"""积分超市: 积分超市, 兑换 N; secretaries' /商品 上架|下架|补货 and /核销 码 [作废]."""
from __future__ import annotations

from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import points, shop
from bot.services.directory import STAFF, Actor
from handlers.member import community_of, need_number

router = Router("shop")


@router.command("shop", words=("积分超市",), standalone=True, usage="积分超市", help="看积分超市的商品")
async def listing(ctx: Context, session, actor: Actor) -> None:
    rows = await shop.items(session=session, community_id=community_of(actor))
    if not rows:
        ctx.reply(say("shop_empty"))
        return
    total = await points.balance(session=session, person_id=actor.person.id)
    lines = [say("shop_header", balance=total)]
    lines += [say("shop_item", number=i.number, name=i.name, price=i.price,
                  stock=i.stock if i.stock > 0 else say("shop_sold_out_mark")) for i in rows]
    lines.append(say("shop_footer"))
    ctx.reply("\n".join(lines))


@router.command("redeem", words=("兑换",), number=True, strong=True, usage="兑换 2",
                help="用积分兑换商品，兑换码私信发给本人")
async def redeem(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "兑换 3")
    item, voucher = await shop.redeem(session=session, community_id=community_of(actor), number=number,
                                      person_id=actor.person.id, idempotency_key=f"redeem:{ctx.msg.dedup_key}")
    total = await points.balance(session=session, person_id=actor.person.id)
    text = say("shop_redeemed", name=item.name, price=item.price, code=voucher.code, balance=total)
    if ctx.room is None:
        ctx.reply(text)
    else:  # the code is what a secretary hands the item over for: it goes privately
        ctx.reply(say("shop_redeemed_room", name=item.name))
        ctx.tell(actor.person.id, text)


@router.command("item", words=("商品",), roles=STAFF, number=True,
                usage=("/商品 上架 洗衣液 5 20", "/商品 下架 1", "/商品 补货 1 10"), help="管理积分超市")
async def manage(ctx: Context, session, actor: Actor, command: Command) -> None:
    words = command.args.split()
    verb = words[0] if words else ""
    community = community_of(actor)
    if verb == "上架":
        if len(words) < 4 or not words[-1].isdigit() or not words[-2].isdigit():
            raise DomainError("err_usage", usage=say("shop_item_usage"))
        item = await shop.add_item(session=session, community_id=community, name=" ".join(words[1:-2]),
                                   price=int(words[-2]), stock=int(words[-1]), actor_id=actor.person.id)
        ctx.reply(say("shop_listed_ok", number=item.number, name=item.name, price=item.price, stock=item.stock))
    elif verb == "下架" and len(words) == 2 and words[1].isdigit():
        item = await shop.delist(session=session, community_id=community, number=int(words[1]))
        ctx.reply(say("shop_delisted_ok", number=item.number, name=item.name))
    elif verb == "补货" and len(words) == 3 and words[1].isdigit() and words[2].isdigit():
        item = await shop.restock(session=session, community_id=community, number=int(words[1]),
                                  count=int(words[2]))
        ctx.reply(say("shop_restocked_ok", number=item.number, name=item.name, stock=item.stock))
    else:
        raise DomainError("err_usage", usage=say("shop_item_usage"))


@router.command("collect", words=("核销",), roles=STAFF, usage=("/核销 兑换码", "/核销 兑换码 作废"),
                help="核销兑换；作废则退回积分、放回库存")
async def collect(ctx: Context, session, actor: Actor, command: Command) -> None:
    words = command.args.split()
    if not words or len(words) > 2 or (len(words) == 2 and words[1] != "作废"):
        raise DomainError("err_usage", usage=say("shop_collect_usage"))
    community = community_of(actor)
    if len(words) == 2:
        voucher = await shop.cancel(session=session, community_id=community, code=words[0],
                                    actor_id=actor.person.id)
        ctx.reply(say("shop_cancelled_ok", code=voucher.code, price=voucher.price))
        ctx.tell(voucher.person_id, say("shop_cancelled_person", code=voucher.code, price=voucher.price))
        return
    voucher = await shop.collect(session=session, community_id=community, code=words[0], actor_id=actor.person.id)
    ctx.reply(say("shop_collected_ok", code=voucher.code))
