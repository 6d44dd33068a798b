"""战时 mode: /战时 开启 原因, /战时 结束, /战时 (status). Both ends are announced in every
group of the community and kept as a row (bot.services.wartime). A street officer switches a whole
street: /战时 街道 开启 原因, /战时 街道 结束, /战时 街道 (every community's groups are told, and
its secretaries privately)."""
from __future__ import annotations

from bot.clock import to_local
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import directory, streets, wartime
from bot.services.directory import SECRETARY, STAFF, STREET_OFFICER, Actor
from handlers.member import community_of

router = Router("wartime")
USAGE = "/战时 开启 防汛红色预警"


def _at(moment) -> str:
    return to_local(moment).strftime("%m-%d %H:%M")


@router.command("wartime", words=("战时",), roles=STAFF, strong=True,
                usage=(USAGE, "/战时 结束", "/战时", "/战时 街道 开启 防汛红色预警"),
                help="战时状态（急时下沉）：新诉求一律按紧急派发，免打扰关闭，派单层级缩短为分钟，"
                     "列出待命党员，每小时向书记汇总，直到「/战时 结束」；开始和结束都通知各群；"
                     "街道干部「/战时 街道 开启 原因」「/战时 街道 结束」对全街道各社区一起开关")
async def wartime_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    action, _, reason = command.args.strip().partition(" ")
    if action == "街道":
        await _street(ctx, session, actor, community, reason.strip())
        return
    if action in ("开启", "开始", "启动"):
        mode = await wartime.start(session=session, community_id=community, reason=reason, actor_id=actor.person.id)
        notice = say("war_on_notice", reason=mode.reason, at=_at(mode.started_at))
        for room in await directory.rooms_of(session=session, community_id=community):
            ctx.send(room.id, notice)
        roster = await directory.member_roster(session=session, community_id=community)
        grids = {g.id: g.name for g in await directory.grid_tree(session=session, community_id=community)}
        standby = "、".join(m.name + (f"（{grids[m.grid_id]}）" if m.grid_id in grids else "") for m in roster)
        ctx.reply(say("war_on_ok", reason=mode.reason, t1=wartime.T1.seconds // 60, t2=wartime.T2.seconds // 60,
                      count=len(roster), standby=standby or say("rc_nobody_listed")))
    elif action in ("结束", "解除", "关闭"):
        mode = await wartime.end(session=session, community_id=community, actor_id=actor.person.id)
        minutes = int((mode.ended_at - mode.started_at).total_seconds() // 60)
        figures = await wartime.figures(session=session, community_id=community, since=mode.started_at)
        notice = say("war_off_notice", reason=mode.reason, at=_at(mode.ended_at))
        for room in await directory.rooms_of(session=session, community_id=community):
            ctx.send(room.id, notice)
        ctx.reply(say("war_off_ok", reason=mode.reason, start=_at(mode.started_at), end=_at(mode.ended_at),
                      hours=minutes // 60, minutes=minutes % 60, **figures))
    elif not action:
        mode = await wartime.active(session=session, community_id=community)
        ctx.reply(say("war_status_on", reason=mode.reason, at=_at(mode.started_at)) if mode
                  else say("war_status_off"))
    else:
        raise DomainError("war_usage")


async def _street(ctx: Context, session, actor: Actor, community: str, args: str) -> None:
    if STREET_OFFICER not in actor.roles:
        raise DomainError("war_street_only")
    street = await streets.need_street(session=session, community_id=community)
    names = {c.id: c.name for c in await streets.communities_of(session=session, street_id=street.id)}
    action, _, reason = args.partition(" ")
    if action in ("开启", "开始", "启动"):
        opened = await wartime.start_street(session=session, street_id=street.id, community_ids=sorted(names),
                                            reason=reason, actor_id=actor.person.id)
        for mode in opened:
            notice = say("war_on_notice", reason=mode.reason, at=_at(mode.started_at))
            for room in await directory.rooms_of(session=session, community_id=mode.community_id):
                ctx.send(room.id, notice)
            for person_id in await directory.ids_with_role(session=session, community_id=mode.community_id,
                                                           roles=(SECRETARY,)):
                ctx.tell(person_id, say("war_street_notice_secretary", reason=mode.reason))
        ctx.reply(say("war_street_on_ok", street=street.name, reason=opened[0].reason, count=len(opened),
                      names="、".join(names[m.community_id] for m in opened)))
    elif action in ("结束", "解除", "关闭"):
        ended = await wartime.end_street(session=session, street_id=street.id, actor_id=actor.person.id)
        if not ended:
            raise DomainError("war_street_none", street=street.name)
        for mode in ended:
            notice = say("war_off_notice", reason=mode.reason, at=_at(mode.ended_at))
            for room in await directory.rooms_of(session=session, community_id=mode.community_id):
                ctx.send(room.id, notice)
        ctx.reply(say("war_street_off_ok", street=street.name, count=len(ended),
                      names="、".join(names[m.community_id] for m in ended)))
    elif not action:
        on = [(names[c], mode) for c in sorted(names)
              if (mode := await wartime.active(session=session, community_id=c)) is not None]
        if not on:
            raise DomainError("war_street_none", street=street.name)
        ctx.reply("\n".join(say("war_street_status_item", name=name, reason=mode.reason, at=_at(mode.started_at))
                            for name, mode in on), key="war_street_status_item")
    else:
        raise DomainError("war_usage")
