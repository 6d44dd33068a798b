"""For everyone: 帮助, 我的积分, 积分榜."""
from __future__ import annotations

from bot.clock import to_local
from bot.dispatch import Context, Router
from bot.replies import say
from bot.services import directory, points
from bot.services.directory import MEMBER, Actor

router = Router("common")


@router.command("help", label="帮助")
async def help_(ctx: Context, actor: Actor) -> None:
    parts = [say("help_header"), say("help_resident")]
    if actor.is_member or MEMBER in actor.roles:
        parts.append(say("help_member"))
    if actor.is_staff:
        parts.append(say("help_secretary"))
    ctx.reply("\n\n".join(parts))


@router.command("my_points", label="我的积分")
async def my_points(ctx: Context, session, actor: Actor) -> None:
    pid = actor.person.id
    recent = await points.entries(session=session, person_id=pid, limit=5)
    if not recent:
        ctx.reply(say("points_none"))
        return
    total = await points.balance(session=session, person_id=pid)
    lines = [say("points_recent_header")]
    for e in recent:
        lines.append(say("points_recent_item", date=to_local(e.created_at).strftime("%m-%d"),
                         sign="+" if e.amount >= 0 else "", amount=e.amount, reason=e.reason))
    ctx.reply(say("points_mine", balance=total, recent="".join(lines)))


@router.command("leaderboard", label="积分榜")
async def leaderboard(ctx: Context, session, actor: Actor) -> None:
    if actor.community_id is None:
        ctx.reply(say("err_no_community"))
        return
    rows = await points.leaderboard(session=session, community_id=actor.community_id, limit=10)
    if not rows:
        ctx.reply(say("points_board_empty"))
        return
    community = await directory.get_community(session=session, community_id=actor.community_id)
    text = say("points_board_header", community=community.name if community else actor.community_id)
    text += "".join(say("points_board_item", rank=i, name=name, balance=total)
                    for i, (_, name, total) in enumerate(rows, 1))
    ctx.reply(text)
