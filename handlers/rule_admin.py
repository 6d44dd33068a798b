"""The community's own rules, under /积分规则: 新增, 改名, 设置 (a new value), 停用, 历史, 导出, 导入; and an
award under one (/加分 @张三 完成实事承诺, per hour: /加分 @张三 防汛值守 3小时)."""
from __future__ import annotations

from bot.clock import to_local
from bot.dispatch import Context
from bot.errors import DomainError
from bot.replies import say
from bot.services import custom_rules
from bot.services.custom_rules import RETIRED
from bot.services.directory import Actor
from handlers import rule_file

VERBS = ("新增", "添加", "改名", "重命名", "停用", "废止", "历史", "导出", "导入")


async def change(ctx: Context, session, actor: Actor, community: str, verb: str, rest: list[str]) -> None:
    """新增 名称 分值 [说明] · 改名 旧名 新名 · 停用 名称 · 历史 名称."""
    me = actor.person.id
    if verb == "导出":  # the table as .xlsx, and back (handlers.rule_file)
        await rule_file.export(ctx, community)
        return
    if verb == "导入":
        await rule_file.start_import(ctx, actor, community)
        return
    if verb in ("新增", "添加"):
        if len(rest) < 2:
            raise DomainError("err_usage", usage=say("crule_add_usage"))
        points, per_hour = custom_rules.read_points(rest[1])
        rule = await custom_rules.add(session=session, community_id=community, name=rest[0], points=points,
                                      per_hour=per_hour, note=" ".join(rest[2:]), actor_id=me)
        ctx.reply(say("crule_added_ok", name=rule.name, points=rule.points, unit=custom_rules.unit_of(rule)))
        return
    if verb == "历史":
        if not rest:
            raise DomainError("err_usage", usage=say("crule_history_usage"))
        versions = await custom_rules.history(session=session, community_id=community, name=rest[0])
        lines = [say("crule_history_header", name=rest[0])]
        lines += [say("crule_history_item", version=v.version, code=custom_rules.code_of(v), name=v.name,
                      points=v.points, unit=custom_rules.unit_of(v),
                      status=say("crule_status_retired") if v.status == RETIRED else say("crule_status_active"),
                      date=to_local(v.created_at).strftime("%Y-%m-%d")) for v in versions]
        ctx.reply("\n".join(lines))
        return
    needed = 2 if verb in ("改名", "重命名") else 1
    if len(rest) < needed:
        raise DomainError("err_usage", usage=say("crule_rename_usage" if needed == 2 else "crule_retire_usage"))
    rule = await custom_rules.find(session=session, community_id=community, name=rest[0])
    if rule is None:
        raise DomainError("rules_unknown", name=rest[0])
    if needed == 2:
        new = await custom_rules.revise(session=session, rule=rule, actor_id=me, name=rest[1])
        ctx.reply(say("crule_renamed_ok", old=rule.name, name=new.name, version=new.version))
    else:
        new = await custom_rules.revise(session=session, rule=rule, actor_id=me, status=RETIRED)
        ctx.reply(say("crule_retired_ok", name=rule.name, version=new.version))


async def reprice(ctx: Context, session, actor: Actor, community: str, rest: list[str]) -> bool:
    """设置 for a community rule (a new version); False when ``rest[0]`` is not one."""
    rule = await custom_rules.find(session=session, community_id=community, name=rest[0]) if rest else None
    if rule is None:
        return False
    if len(rest) != 2:
        raise DomainError("err_usage", usage=say("rules_set_usage"))
    points, per_hour = custom_rules.read_points(rest[1])
    new = await custom_rules.revise(session=session, rule=rule, actor_id=actor.person.id, points=points,
                                    per_hour=per_hour or rule.per_hour)
    ctx.reply(say("crule_set_ok", name=rule.name, old=rule.points, points=new.points, unit=custom_rules.unit_of(new),
                  version=new.version))
    return True


async def award_under(session, community: str, name: str, text: str) -> tuple[str, int, str] | None:
    """(rule code, points, reason) for an award under the community's rule ``name``, or None."""
    rule = await custom_rules.find(session=session, community_id=community, name=name)
    if rule is None:
        return None
    amount, reason = await custom_rules.award_of(rule, text)
    return custom_rules.code_of(rule), amount, reason


async def listed(session, community: str) -> list[str]:
    return [say("rules_item", name=r.name, points=r.points, unit=custom_rules.unit_of(r),
                changed=say("crule_custom_mark") + (f" {r.note}" if r.note else ""))
            for r in await custom_rules.listing(session=session, community_id=community)]
