"""Work units (双报到, issue 13): /单位 考核 N — which supporting units' members have not served in N months
(a secretary: the units supporting their community; a street officer: every community of the street)."""
from __future__ import annotations

from bot import clock
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import streets, units
from bot.services.directory import STAFF, STREET_OFFICER, Actor
from handlers.member import community_of

router = Router("units")


@router.command("units", words=("单位",), roles=STAFF, strong=True, usage="/单位 考核 3",
                help="双报到考核：哪些包联单位的党员还没到居住地社区报到，哪些近 N 个月（默认 3）没有参加服务（街道干部看全街道）")
async def unit_check(ctx: Context, session, actor: Actor, command: Command) -> None:
    words = command.args.split()
    if not words or words[0] != "考核" or len(words) > 2 or (len(words) == 2 and not
                                                            words[1].removesuffix("个月").isdigit()):
        raise DomainError("err_usage", usage=say("unit_usage"))
    months = int(words[1].removesuffix("个月")) if len(words) == 2 else 3
    if not 1 <= months <= 24:
        raise DomainError("err_usage", usage=say("unit_usage"))
    community = community_of(actor)
    communities = [community]
    if STREET_OFFICER in actor.roles:
        street = await streets.street_of(session=session, community_id=community)
        if street is not None:
            communities = [c.id for c in await streets.communities_of(session=session, street_id=street.id)]
    idle = await units.idle_units(session=session, community_ids=communities, months=months, now=clock.utcnow())
    missing = await units.unreported(session=session, community_ids=communities)
    if not idle and not missing:
        ctx.reply(say("unit_idle_none", months=months))
        return
    parts = []
    if missing:
        parts.append(say("unit_unreported_header") + "".join(
            say("unit_idle_item", unit=unit.name, names="、".join(names)) for unit, names in missing))
    if idle:
        parts.append(say("unit_idle_header", months=months) + "".join(
            say("unit_idle_item", unit=unit.name, names="、".join(names)) for unit, names in idle))
    ctx.reply("\n".join(parts), key="unit_unreported_header" if missing else "unit_idle_header")
