"""战时 mode: /战时 开启 原因, /战时 结束, /战时 (status). Both ends are announced in every
group of the community and kept as a row (bot.services.wartime)."""
from __future__ import annotations

from bot.clock import to_local
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import directory, wartime
from bot.services.directory import STAFF, Actor
from handlers.member import community_of

router = Router("wartime")
USAGE = "/战时 开启 防汛红色预警"


def _at(moment) -> str:
    return to_local(moment).strftime("%m-%d %H:%M")


@router.command("wartime", words=("战时",), roles=STAFF, strong=True, usage=(USAGE, "/战时 结束", "/战时"),
                help="战时状态（急时下沉）：新诉求一律按紧急派发，免打扰关闭，派单层级缩短为分钟，"
                     "列出待命党员，每小时向书记汇总，直到「/战时 结束」；开始和结束都通知各群")
async def wartime_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    action, _, reason = command.args.strip().partition(" ")
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
