"""For everyone: 帮助, generated from the command declarations (bot.commands)."""
from __future__ import annotations

from bot.commands import (
    AUDIENCE_ROLES,
    DEPARTMENTS_ONLY,
    EVERYONE,
    MEMBERS_ONLY,
    REGISTRY,
    STAFF_ONLY,
    Command,
    help_lines,
    help_words,
)
from bot.dispatch import Context, Router
from bot.replies import say
from bot.services.directory import DEPARTMENT, Actor

router = Router("common")


def help_text(actor: Actor) -> str:
    """What this person may do, their own part in full and the rest as a line of words:
    a chat screen holds about fifteen lines, and a secretary needs theirs first."""
    audiences = [EVERYONE]
    if actor.is_member:
        audiences.append(MEMBERS_ONLY)
    if actor.is_staff:
        audiences.append(STAFF_ONLY)
    if DEPARTMENT in actor.roles:
        audiences.append(DEPARTMENTS_ONLY)
    own, others = audiences[-1], audiences[:-1]
    parts = [say("help_intro"),
             say("help_section", who=AUDIENCE_ROLES[own]) + "\n" + "\n".join(help_lines(actor.roles, own))]
    for audience in reversed(others):
        parts.append(say("help_also", who=AUDIENCE_ROLES[audience], words=help_words(actor.roles, audience)))
    if others:
        parts.append(say("help_more"))
    return "\n\n".join(parts)


@router.command("help", words=("帮助", "help", "菜单", "?", "？", "怎么用", "功能"), usage=("帮助", "帮助 评价"),
                help="看看网格通能做什么；加上命令看它的用法")
async def help_(ctx: Context, actor: Actor, command: Command) -> None:
    asked = command.args.strip().lstrip("/／")
    spec = REGISTRY.spec_for_word(asked) if asked and asked.lower() in REGISTRY.words() else None
    if spec is None:
        ctx.reply(help_text(actor), key="help")
        return
    usages = "\n".join(f"「{u}」" for u in spec.usage)
    also = "、".join(spec.words[1:])
    ctx.reply(say("help_command", word=spec.word, help=spec.help, usages=usages,
                  also=say("help_command_also", words=also) if also else ""))
