"""For everyone: 帮助, generated from the command declarations (bot.commands)."""
from __future__ import annotations

from bot.commands import AUDIENCE_ROLES, EVERYONE, MEMBERS_ONLY, STAFF_ONLY, help_lines
from bot.dispatch import Context, Router
from bot.replies import say
from bot.services.directory import Actor

router = Router("common")


def help_text(actor: Actor) -> str:
    """What this person may do: residents see theirs, members theirs too, staff everything."""
    audiences = [EVERYONE]
    if actor.is_member:
        audiences.append(MEMBERS_ONLY)
    if actor.is_staff:
        audiences.append(STAFF_ONLY)
    parts = [say("help_intro")]
    for audience in audiences:
        lines = help_lines(actor.roles, audience)
        if lines:
            parts.append(say("help_section", who=AUDIENCE_ROLES[audience]) + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


@router.command("help", words=("帮助", "help", "菜单", "?", "？", "怎么用", "功能"), standalone=True, usage="帮助",
                help="看看网格通能做什么")
async def help_(ctx: Context, actor: Actor) -> None:
    ctx.reply(help_text(actor), key="help")
