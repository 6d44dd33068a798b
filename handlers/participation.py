"""参加次数考核: /参加考核 最少 4 sets the community's minimum; /参加考核 本年 (本月, 上月,
2026上半年) lists the members below it, with a link to the whole table (.xlsx)."""
from __future__ import annotations

from bot import clock
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import participation
from bot.services.directory import STAFF, Actor
from handlers.member import community_of

router = Router("participation")
SHOWN = 20  # members listed in chat; the spreadsheet has everyone


@router.command("participation", words=("参加考核", "参加次数"), roles=STAFF, strong=True,
                usage=("/参加考核 本年", "/参加考核 最少 4"),
                help="参加次数考核：设定每个考核期最少参加几次（活动签到、集结到岗、任务完成都算），"
                     "列出没达标的党员志愿者，附全部名单的表格")
async def participation_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    words = command.args.split()
    if len(words) == 2 and words[0] in ("最少", "至少"):
        if not words[1].removesuffix("次").isdigit():
            raise DomainError("part_bad_min", limit=participation.MAX_MIN)
        count = int(words[1].removesuffix("次"))
        await participation.set_minimum(session=session, community_id=community, count=count,
                                        actor_id=actor.person.id)
        ctx.reply(say("part_set_ok", count=count))
        return
    if len(words) > 1:
        raise DomainError("part_usage")
    word = words[0] if words else "本年"
    start, end = participation.period(word, clock.utcnow())
    least = await participation.minimum(session=session, community_id=community)
    if least is None:
        raise DomainError("part_no_min")
    rows = await participation.counts(session=session, community_id=community, start=start, end=end)
    short = [r for r in rows if r.total < least]
    lines = [say("part_header", period=word, min=least, short=len(short), total=len(rows))]
    lines += [say("part_item", name=r.name, count=r.total, activities=r.activities, calls=r.calls, tasks=r.tasks)
              for r in short[:SHOWN]]
    if not short:
        lines.append(say("part_all_ok"))
    elif len(short) > SHOWN:
        lines.append(say("part_more", count=len(short) - SHOWN))
    lines.append(say("part_link_plain", url=participation.sheet_url(ctx.settings, community, start, end)))
    ctx.reply("\n".join(lines), key="part_header")
