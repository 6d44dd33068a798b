"""报到 (members register) and /审核 (a secretary reviews)."""
from __future__ import annotations

import re

from bot.commands import MEMBERS_ONLY, Command
from bot.db.models import Person
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import directory, registration, scope, units
from bot.services.directory import COMMUNITY_STAFF, DEPARTMENT, STAFF, Actor
from handlers.member import community_of

router = Router("registration")
_DEPARTMENT_REPORT = re.compile(r"^(?:\S+?\s*)?#?\s*\d{1,9}$")


def _profile_text(profile, grid_name: str | None) -> str:
    return say("reg_profile", grid=grid_name or "—", skills=profile.skills or "—",
               work_unit=profile.work_unit or "—", availability=profile.availability or "—")


async def _grid_name(session, grid_id) -> str | None:
    from bot.db.models import Grid

    grid = await session.get(Grid, grid_id) if grid_id else None
    return grid.name if grid else None


@router.command("register", words=("报到",), usage="报到 3号楼 特长 水电维修 单位 市发改委 时间 周末",
                audience=MEMBERS_ONLY, help="党员志愿者报到，书记审核后成为成员")
async def register(ctx: Context, session, actor: Actor, command: Command) -> None:
    if DEPARTMENT in actor.roles and _DEPARTMENT_REPORT.match(command.args):
        from handlers.street import department_report

        await department_report(ctx, actor, command)  # 「报到 5」: a department answering a /吹哨
        return
    community = community_of(actor)
    if not command.args:
        profile = await registration.profile_of(session=session, person_id=actor.person.id, community_id=community)
        if profile is None:
            raise DomainError("err_usage", usage=say("reg_usage"))
        ctx.reply(say("reg_status_" + profile.status) + "\n"
                  + _profile_text(profile, await _grid_name(session, profile.grid_id)))
        return
    form = registration.parse(command.args)
    if form.grid is None and not (form.skills or form.work_unit or form.availability or form.phone):
        raise DomainError("err_usage", usage=say("reg_usage"))
    profile = await registration.register(session=session, person_id=actor.person.id, community_id=community,
                                          form=form)
    details = _profile_text(profile, await _grid_name(session, profile.grid_id))
    if form.work_unit:  # 双报到: the member joins their work unit's list, if the unit is known here
        unit = await units.link_member(session=session, person_id=actor.person.id, said=form.work_unit)
        details += "\n" + (say("reg_unit_linked", unit=unit.name) if unit else say("reg_unit_unknown"))
    if profile.status == registration.APPROVED:
        ctx.reply(say("reg_updated") + "\n" + details)
        return
    ctx.reply(say("reg_pending") + "\n" + details)
    notice = say("reg_notice_staff", name=actor.person.name, details=details)
    for person in await directory.people_with_role(session=session, community_id=community, roles=COMMUNITY_STAFF):
        ctx.tell(person.id, notice)


@router.command("review", words=("审核",), roles=STAFF, usage=("/审核", "/审核 @张三 通过", "/审核 @张三 拒绝 原因"),
                help="审核报到")
async def review(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    parts = command.args.split(maxsplit=2)
    if not parts:
        rows = await registration.pending(session=session, community_id=community)
        if not rows:
            ctx.reply(say("reg_pending_none"))
            return
        lines = [say("reg_pending_header", count=len(rows))]
        lines += [say("reg_pending_item", name=person.name, details=_profile_text(p, grid.name if grid else None))
                  for p, person, grid in rows]
        lines.append(say("reg_pending_footer"))
        ctx.reply("\n".join(lines))
        return
    if len(parts) < 2 or parts[1] not in ("通过", "拒绝"):
        raise DomainError("err_usage", usage=say("reg_review_usage"))
    person = await _registrant(ctx, parts[0], community)
    await scope.check_person(session=session, person_id=actor.person.id, roles=actor.roles, community_id=community,
                             target_id=person.id, name=person.name)
    approve = parts[1] == "通过"
    reason = parts[2].strip() if len(parts) > 2 else ""
    await registration.review(session=session, person_id=person.id, community_id=community, approve=approve,
                              actor_id=actor.person.id)
    if approve:
        ctx.reply(say("reg_approved_ok", name=person.name))
        ctx.tell(person.id, say("reg_approved_person"))
    else:
        ctx.reply(say("reg_rejected_ok", name=person.name))
        ctx.tell(person.id, say("reg_rejected_person", reason=reason or say("reg_no_reason")))


async def _registrant(ctx: Context, token: str, community: str) -> Person:
    person = await registration.find_registrant(session=ctx.session, community_id=community, token=token,
                                                mentions=ctx.msg.mentions)
    if person is None:
        raise DomainError("err_person_not_found", name=token.lstrip("@"))
    return person
