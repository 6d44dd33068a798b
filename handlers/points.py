"""Points: 我的积分, 我的存折, 积分榜; secretaries' 加分/扣分, 冲正, 积分规则 and 星级评定."""
from __future__ import annotations

import re

from bot.clock import to_local, utcnow
from bot.commands import Command
from bot.db.models import Person, PointsEntry
from bot.dispatch import Context, Router
from bot.errors import DomainError, Forbidden
from bot.replies import say
from bot.services import directory, hours, people, points, ranking, rules, scope
from bot.services.directory import STAFF, Actor
from handlers import rule_admin
from handlers.member import community_of
from handlers.preview import PREVIEW_ACTIONS, start_preview

router = Router("points")
_BY_RULE = re.compile(r"^(@\S+|\S+)\s+(\S+)\s*(.*)$", re.S)
_PERIODS = {"本周": ranking.WEEK, "本月": ranking.MONTH, "今年": ranking.YEAR, "本年": ranking.YEAR,
            "全年": ranking.YEAR, "总榜": ranking.ALL, "累计": ranking.ALL, "全部": ranking.ALL}


def _sign(amount: int) -> str:
    return f"+{amount}" if amount > 0 else str(amount)


@router.command("my_points", words=("我的积分", "积分"), standalone=True, usage="我的积分",
                help="查看自己的积分和最近记录")
async def my_points(ctx: Context, session, actor: Actor) -> None:
    pid = actor.person.id
    total, recent = await points.passbook(session=session, person_id=pid, limit=5)
    if not recent:
        ctx.reply(say("pts_none"))
        return
    parts = [say("pts_mine", balance=total)]
    places = await points.by_community(session=session, person_id=pid)
    if len(places) > 1:
        parts.append(say("pts_by_community", items="；".join(
            say("pts_community_item", name=name, total=t) for _, name, t in places)))
    parts.append(say("pts_recent_header"))
    parts += [say("pts_recent_item", date=to_local(e.created_at).strftime("%m-%d"), amount=_sign(e.amount),
                  reason=e.reason) for e, _ in recent]
    ctx.reply("\n".join(parts))


@router.command("passbook", words=("我的存折", "存折", "爱心存折"), standalone=True, usage="我的存折",
                help="爱心存折：每笔积分的记录号、规则、事由和余额")
async def passbook(ctx: Context, session, actor: Actor) -> None:
    total, rows = await points.passbook(session=session, person_id=actor.person.id, limit=10)
    if not rows:
        ctx.reply(say("pts_none"))
        return
    lines = [say("pts_passbook_header", name=actor.person.name, balance=total)]
    served = await hours.total_minutes(session=session, person_id=actor.person.id)
    if served:
        lines.append(say("hours_passbook", hours=hours.hours_text(served)))
    for entry, after in rows:
        lines.append(say("pts_passbook_item", id=entry.id, date=to_local(entry.created_at).strftime("%m-%d"),
                         amount=_sign(entry.amount), rule=rules.rule_name(entry.rule), reason=entry.reason,
                         after=after))
    lines.append(say("pts_passbook_footer"))
    ctx.reply("\n".join(lines))


@router.command("leaderboard", words=("积分榜", "排行榜"), usage=("积分榜", "积分榜 本月 东区"),
                help="积分排名：可按本周/本月/今年和片区、楼栋看")
async def leaderboard(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    period, grid, words = ranking.ALL, None, []
    for word in command.args.split():
        if word in _PERIODS:
            period = _PERIODS[word]
            words.append(word)
            continue
        grid = await ranking.find_grid(session=session, community_id=community, name=word)
        if grid is None:
            raise DomainError("pts_board_bad_scope", word=word)
        words.append(grid.name)
    rows = await ranking.leaderboard(session=session, community_id=community, period=period, grid=grid, limit=10)
    if not rows:
        ctx.reply(say("points_board_empty"))
        return
    name = await directory.community_name(session=session, community_id=community)
    scope = " ".join([name] + words)
    text = say("points_board_header", community=scope)
    text += "".join(say("points_board_item", rank=i, name=n, balance=t) for i, (_, n, t) in enumerate(rows, 1))
    ctx.reply(text)


@router.command("award", words=("加分",), roles=STAFF, usage=("/加分 @张三 志愿劳动", "/加分 @张三 2 组织文艺演出"),
                help="按积分细则加分，或写明分值（1-100 的整数）和原因（均留痕，不能给自己加分）")
@router.command("deduct", words=("扣分",), roles=STAFF, usage="/扣分 @张三 1 原因", help="扣分（1-100 的整数，留痕，不能给自己扣分）")
async def adjust_points(ctx: Context, session, actor: Actor, command: Command) -> None:
    award = command.name == "award"
    usage = say("pts_award_usage") if award else say("pts_deduct_usage")
    community = community_of(actor)
    words = command.args.split(maxsplit=1)
    if len(words) != 2:
        raise DomainError("err_usage", usage=usage)
    who, after = words
    rule_code = "manual." + command.name
    manual = points.read_amount(after)
    if manual:
        amount, reason = manual
        if not reason:
            raise DomainError("err_usage", usage=usage)
    else:
        by_rule = _BY_RULE.match(command.args) if award else None
        rule = rules.service_rule(by_rule.group(2)) if by_rule else None
        custom = await rule_admin.award_under(session, community, by_rule.group(2), by_rule.group(3)) \
            if by_rule and rule is None else None
        if custom is not None:
            who, (rule_code, amount, reason) = by_rule.group(1), custom
        elif rule is None:
            raise DomainError("err_usage", usage=usage)
        else:
            who, rule_code = by_rule.group(1), rule.code
            amount = await rules.value(session=session, community_id=community, code=rule.code)
            reason = rule.name + (f"：{by_rule.group(3).strip()}" if by_rule.group(3).strip() else "")
    person = await people.find_named(session=session, community_id=community, token=who,
                                     mentions=ctx.msg.mentions)
    people.refuse_self(actor_id=actor.person.id, person_id=person.id, key="err_self_points",
                       action="加分" if award else "扣分")
    await scope.check_person(session=session, person_id=actor.person.id, roles=actor.roles, community_id=community,
                             target_id=person.id, name=person.name)
    signed = amount if award else -amount
    await points.post(
        session=session, person_id=person.id, community_id=community, amount=signed, rule=rule_code,
        reason=reason, actor_id=actor.person.id, idempotency_key=f"manual:{ctx.msg.dedup_key}",
    )
    total = await points.balance(session=session, person_id=person.id)
    ctx.reply(say("points_awarded_ok", name=person.name, sign="+" if signed > 0 else "",
                  amount=signed, reason=reason, balance=total))
    if person.id != actor.person.id:
        ctx.tell(person.id, say("pts_adjusted_person", amount=_sign(signed), reason=reason,
                                by=actor.person.name, balance=total))


@router.command("reverse", words=("冲正",), roles=STAFF, number=True, strong=True, usage="/冲正 记录号 原因",
                help="更正记错的积分：记一笔反向记录，原记录不改不删（自己的记录由别人冲正）")
async def reverse(ctx: Context, session, actor: Actor, command: Command) -> None:
    if command.number is None or not command.rest:
        raise DomainError("err_usage", usage=say("pts_reverse_usage"))
    original = await session.get(PointsEntry, command.number)
    if original is not None and original.community_id == community_of(actor):  # else not found, below
        owner = await session.get(Person, original.person_id)
        await scope.check_person(session=session, person_id=actor.person.id, roles=actor.roles,
                                 community_id=original.community_id, target_id=original.person_id,
                                 name=owner.name if owner else original.person_id)
    entry = await points.reverse(session=session, entry_id=command.number, community_id=community_of(actor),
                                 actor_id=actor.person.id, reason=command.rest)
    person = await session.get(Person, entry.person_id)
    total = await points.balance(session=session, person_id=entry.person_id)
    ctx.reply(say("pts_reversed_ok", entry=command.number, id=entry.id, name=person.name,
                  amount=_sign(entry.amount), balance=total))
    if person.id != actor.person.id:
        ctx.tell(person.id, say("pts_adjusted_person", amount=_sign(entry.amount), reason=entry.reason,
                                by=actor.person.name, balance=total))


@router.command("rules", words=("积分规则", "积分细则"), usage="积分规则",
                help="查看积分细则；书记可「/积分规则 设置 志愿劳动 3」「/积分规则 恢复 志愿劳动」，"
                     "社区自己的规则：「/积分规则 新增 完成实事承诺 2 说明」（每小时计分写 3/小时）、"
                     "「改名 旧名 新名」「停用 名称」「历史 名称」，改动都留版本；「导出」得到表格链接，"
                     "「导入」后发来改好的表格")
async def rule_table(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    verb, *rest = command.args.split() or [""]
    if verb in ("设置", "修改", "恢复") or verb in rule_admin.VERBS:
        if not actor.is_staff:
            raise Forbidden("/积分规则 " + verb, say("rules_staff_roles"))
        if verb in rule_admin.VERBS:
            await rule_admin.change(ctx, session, actor, community, verb, rest)
        elif verb == "恢复" or not await rule_admin.reprice(ctx, session, actor, community, rest):
            await _change_rule(ctx, session, actor, community, verb, rest)
        return
    rows = await rules.table(session=session, community_id=community)
    lines = [say("rules_header")]
    for rule in rows:
        lines.append(say("rules_item", name=rule.name, points=rule.points, unit=rule.unit,
                         changed=say("rules_changed_mark") if rule.overridden else ""))
    lines += await rule_admin.listed(session, community)
    lines.append(say("rules_footer_staff") if actor.is_staff else say("rules_footer"))
    ctx.reply("\n".join(lines))


async def _change_rule(ctx: Context, session, actor: Actor, community: str, verb: str, rest: list[str]) -> None:
    usage = say("rules_set_usage")
    if not rest:
        raise DomainError("err_usage", usage=usage)
    rule = rules.find(rest[0])
    if rule is None:
        raise DomainError("rules_unknown", name=rest[0])
    if verb == "恢复":
        await rules.reset(session=session, community_id=community, code=rule.code)
        ctx.reply(say("rules_reset_ok", name=rule.name, points=rule.points))
        return
    if len(rest) != 2 or not rest[1].isdigit() or not 0 <= int(rest[1]) <= rules.MAX_POINTS:
        raise DomainError("err_usage", usage=usage)
    await rules.set_value(session=session, community_id=community, code=rule.code, points=int(rest[1]),
                          actor_id=actor.person.id)
    ctx.reply(say("rules_set_ok", name=rule.name, points=int(rest[1]), default=rule.points))


@router.command("stars", words=("星级评定",), roles=STAFF, usage="/星级评定 2026上半年",
                help="计算半年星级，预览后回复「确认」在各群公布")
async def star_rating(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    period, rated = await ranking.star_preview(session=session, community_id=community, label=command.args,
                                               now=utcnow())
    label = ranking.period_label(period)
    if not rated:
        ctx.reply(say("stars_none", period=label))
        return
    rooms = await directory.rooms_of(session=session, community_id=community)
    await start_preview(ctx, community, {"type": "stars", "label": command.args})
    ctx.reply(say("stars_preview", period=label, count=len(rated), items=_star_items(rated), rooms=len(rooms),
                  minutes=max(1, ctx.settings.confirm_ttl_seconds // 60)))


def _star_items(rated) -> str:
    return "".join(say("stars_item", stars="★" * stars, name=name, points=pts) for name, pts, stars in rated)


async def publish_stars(ctx: Context, state) -> None:
    """确认 to a /星级评定 preview: record and announce, unless someone already did."""
    community = state.community_id
    try:
        period, rated = await ranking.rate_stars(session=ctx.session, community_id=community,
                                                 label=state.payload["label"], now=utcnow())
    except DomainError as refused:  # answered, not raised: the preview is used up either way
        ctx.reply(say(refused.key, **refused.fields))
        return
    label = ranking.period_label(period)
    notice = say("stars_notice", period=label, items=_star_items(rated))
    for room in await directory.rooms_of(session=ctx.session, community_id=community):
        ctx.send(room.id, notice)
    ctx.reply(say("stars_done", period=label, count=len(rated)))


PREVIEW_ACTIONS["stars"] = publish_stars
