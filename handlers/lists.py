"""三单 in chat (issue 13): 服务 / 资源清单 / 需求清单 to read them, /清单 for staff to keep them,
预约 N to order a service (a ticket assigned to its provider)."""
from __future__ import annotations

from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import directory, lists, people
from bot.services.directory import STAFF, Actor
from handlers.format import excerpt
from handlers.member import community_of, need_number

router = Router("lists")
KIND_NAMES = {"resource": "资源清单", "need": "需求清单", "service": "服务清单"}
_EDIT_USAGE = "/清单 服务 添加 理发 @李师傅 每周六上午"


async def _show(ctx: Context, session, actor: Actor, kind: str) -> None:
    rows = await lists.items(session=session, community_id=community_of(actor), kind=kind)
    if not rows:
        ctx.reply(say("list_empty", name=KIND_NAMES[kind]))
        return
    lines = []
    for item in rows:
        who = await directory.name_of(session=session, person_id=item.provider_id) if item.provider_id else None
        lines.append(say("list_item", number=item.number, title=item.title,
                         who=say("list_item_who", who=who) if who else "",
                         detail=say("list_item_detail", detail=item.detail) if item.detail else ""))
    footer = say("list_service_footer") if kind == "service" else ""
    ctx.reply(say("list_header", name=KIND_NAMES[kind], count=len(rows)) + "".join(lines) + footer)


@router.command("services", words=("服务", "服务清单"), standalone=True, usage="服务",
                help="看社区的服务清单（谁、什么时间提供什么服务），「预约 N」预约")
async def services(ctx: Context, session, actor: Actor) -> None:
    await _show(ctx, session, actor, "service")


@router.command("lists", words=("资源清单", "需求清单"), standalone=True, usage=("资源清单", "需求清单"),
                help="看社区的资源清单（党员和单位能提供的技能、场地、车辆）和需求清单")
async def show_list(ctx: Context, session, actor: Actor, command: Command) -> None:
    await _show(ctx, session, actor, lists.KINDS[command.word])


@router.command("order", words=("预约",), number=True, strong=True, usage="预约 2 周六上午想理发",
                help="预约服务清单里的一项服务，提供人会收到并联系您")
async def order(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "预约 2 说明")
    item = await lists.service(session=session, community_id=community_of(actor), number=number)
    note = command.rest.strip()
    text = say("list_order_text", title=item.title, note=f"：{note}" if note else "")
    ticket = await lists.order(session=session, item=item, person_id=actor.person.id, room_id=ctx.msg.room_id,
                               text=text)
    provider = await directory.name_of(session=session, person_id=item.provider_id) or item.provider_id
    ctx.reply(say("list_order_ok", number=ticket.number, title=item.title, provider=provider))
    ctx.tell(item.provider_id, say("list_order_provider", number=ticket.number, title=item.title,
                                   who=actor.person.name, note=excerpt(note) if note else "—"))


@router.command("edit_list", words=("清单",), roles=STAFF, strong=True,
                usage=(_EDIT_USAGE, "/清单 资源 添加 会议室 社区二楼 工作日可用", "/清单 需求 删除 2", "/清单 需求 汇总"),
                help="维护三单：服务、资源、需求清单的添加和删除（服务要写提供人）；「需求 汇总」把近 90 天同一楼栋同一类"
                     "反复出现（3 次以上）的诉求列入需求清单")
async def edit_list(ctx: Context, session, actor: Actor, command: Command) -> None:
    words = command.args.split()
    if words[:2] == ["需求", "汇总"]:  # recurring needs collected from the tickets
        from bot import clock

        found = await lists.collect_needs(session=session, community_id=community_of(actor), now=clock.utcnow(),
                                          actor_id=actor.person.id)
        ctx.reply(say("list_needs_collected", count=sum(new for _, _, new in found), items="".join(
            say("list_item", number=i.number, title=i.title, who="", detail=say("list_item_detail", detail=i.detail))
            for i, _, _ in found)) if found else say("list_needs_none"))
        return
    if len(words) < 3 or words[0] not in lists.KINDS or words[1] not in ("添加", "删除"):
        raise DomainError("err_usage", usage=_EDIT_USAGE)
    kind, community = lists.KINDS[words[0]], community_of(actor)
    if words[1] == "删除":
        if not words[2].isdigit():
            raise DomainError("err_usage", usage="/清单 服务 删除 2")
        await lists.remove(session=session, community_id=community, kind=kind, number=int(words[2]))
        ctx.reply(say("list_removed", name=KIND_NAMES[kind], number=int(words[2])))
        return
    title, rest = words[2], words[3:]
    provider = None
    if rest and (rest[0].startswith(("@", "＠")) or kind == "service"):
        provider = await people.find_named(session=session, community_id=community, token=rest[0],
                                           mentions=ctx.msg.mentions)
        rest = rest[1:]
    item = await lists.add(session=session, community_id=community, kind=kind, title=title,
                           detail=" ".join(rest), provider_id=provider.id if provider else None,
                           actor_id=actor.person.id)
    ctx.reply(say("list_added", name=KIND_NAMES[kind], number=item.number, title=item.title))
