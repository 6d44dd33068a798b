"""/后台: a one-time login link to the office console (issue 14), and /后台 退出."""
from __future__ import annotations

from bot import clock
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import console_auth
from bot.services.directory import STAFF, Actor

router = Router("console")


@router.command("console", words=("后台",), roles=STAFF, usage=("/后台", "/后台 退出"),
                help="私聊发送，收到后台网页的一次性登录链接（10 分钟内有效）；「/后台 退出」让所有浏览器退出登录")
async def console_link(ctx: Context, session, actor: Actor, command: Command) -> None:
    now = clock.utcnow()
    if command.args in ("退出", "登出", "注销"):
        count = await console_auth.revoke_all(session=session, person_id=actor.person.id, now=now)
        ctx.reply(say("console_logged_out", count=count))
        return
    if command.args:
        raise DomainError("err_console_usage")
    if ctx.room is not None:  # a link in a group could be opened by anyone in it
        ctx.reply(say("console_private_only"))
        return
    url = await console_auth.issue_link(session=session, settings=ctx.settings, person_id=actor.person.id, now=now)
    ctx.reply(say("console_link", url=url, minutes=ctx.settings.console_link_minutes))
