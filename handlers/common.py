"""For everyone: 帮助. (我的积分 and 积分榜 live in handlers/points.py.)"""
from __future__ import annotations

from bot.dispatch import Context, Router
from bot.replies import say
from bot.services.directory import MEMBER, Actor

router = Router("common")


@router.command("help", label="帮助")
async def help_(ctx: Context, actor: Actor) -> None:
    parts = [say("help_header"), say("help_resident")]
    if actor.is_member or MEMBER in actor.roles:
        parts.append(say("help_member") + "\n" + say("help_member_more"))
    if actor.is_staff:
        parts.append(say("help_secretary") + "\n" + say("help_secretary_more") + "\n" + say("help_schedule"))
    ctx.reply("\n\n".join(parts))
