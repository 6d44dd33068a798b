"""Above the community (issue 13): the secretary hands a ticket to a department (/转办), raises it to
the street (/上报), summons several departments (/吹哨) and chases them (/督办); a department's contact
answers with 受理, 回复, 办结 and, when summoned, 报到 (handled with the members' 报到 in
handlers/registration.py, which passes a number on to ``department_report`` here).

A street officer holds their role in every community of the street; in a private chat they, like a
department's contact, may name the community before the number: 「/督办 和平里 5」."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot import clock
from bot.commands import DEPARTMENTS_ONLY, Command
from bot.db.models import Community, PersonRole, Ticket
from bot.dispatch import Context, Router
from bot.errors import DomainError, Forbidden
from bot.replies import ROLE_NAMES, say
from bot.services import departments, directory, rollup, scope, stats, street_reports, streets, tickets
from bot.services.directory import DEPARTMENT, SECRETARY, STAFF, STREET_OFFICER, Actor
from bot.services.dispatching import secretaries
from handlers.format import excerpt, say_about, tell_reporter
from handlers.member import community_of

router = Router("street")
router.note(DEPARTMENTS_ONLY, "报到 5", "被街道「吹哨」召集时，在限定时间内报到")
LEADERS = (SECRETARY, STREET_OFFICER)  # who hands work to departments and chases them
DEPARTMENTS = (DEPARTMENT,)
_PLACE_FIRST = re.compile(r"^(?P<place>[^\d#\s][^\d#]*?)\s*#?\s*(?P<n>\d{1,9})(?!\d)\s*(?P<rest>.*)$", re.S)
_LIMIT = re.compile(r"^限\s*(\d{1,3})\s*(?:天|日)$")


async def _communities_named(session, person_id: str, roles: tuple[str, ...], place: str | None) -> list[str]:
    """Communities where the person holds one of ``roles``; with ``place``, the one it names."""
    rows = (await session.execute(
        select(Community.id, Community.name).join(PersonRole, PersonRole.community_id == Community.id)
        .where(PersonRole.person_id == person_id, PersonRole.role.in_(roles)).order_by(Community.id))).all()
    if place is None:
        return list(dict.fromkeys(r.id for r in rows))
    wanted = place.strip()
    found = [r.id for r in rows if wanted in (r.id, r.name) or r.name.startswith(wanted)]
    if not found:
        raise DomainError("dept_unknown_community", place=wanted)
    return found[:1]


async def target(ctx: Context, actor: Actor, command: Command, usage: str,
                 roles: tuple[str, ...]) -> tuple[list[str], int, str]:
    """(communities the number may be in, the number, the rest) of 「5 …」 or 「和平里 5 …」."""
    if command.number is not None:
        if ctx.room is not None or not actor.roles & {DEPARTMENT, STREET_OFFICER}:
            return [community_of(actor)], command.number, command.rest
        return await _communities_named(ctx.session, actor.person.id, roles, None), command.number, command.rest
    match = _PLACE_FIRST.match(command.args)
    if match is None:
        raise DomainError("err_usage", usage=usage)
    found = await _communities_named(ctx.session, actor.person.id, roles, match["place"])
    return found, int(match["n"]), match["rest"].strip()


async def _staff_ticket(ctx: Context, actor: Actor, command: Command, usage: str):
    communities, number, rest = await target(ctx, actor, command, usage, STAFF)
    community = communities[0]
    if len(communities) > 1:  # a street officer in a private chat: the community that has #number
        having = list(await ctx.session.scalars(select(Ticket.community_id).where(
            Ticket.community_id.in_(communities), Ticket.number == number)))
        if len(having) > 1:
            raise DomainError("dept_which_community", number=number)
        community = having[0] if having else actor.community_id or community
    roles = await directory.roles_of(session=ctx.session, person_id=actor.person.id, community_id=community) \
        if community != actor.community_id else actor.roles
    ticket = await tickets.get_by_number(session=ctx.session, community_id=community, number=number)
    await scope.check_ticket(session=ctx.session, person_id=actor.person.id, roles=roles, ticket=ticket)
    return ticket, rest, roles


def _need_leader(roles: frozenset[str], word: str) -> None:
    if not roles & set(LEADERS):
        raise Forbidden(word, "、".join(ROLE_NAMES[r] for r in LEADERS))


@router.command("transfer", words=("转办",), roles=LEADERS, number=True, strong=True,
                usage=("/转办 5 城管 限3天 路面塌陷需要修复", "/转办 5 供水"),
                help="把诉求交给街道的部门办理（城管、住建、供水、供电、燃气、派出所、物业公司等），"
                     "可写期限（默认 3 天）和说明；部门受理、回复、办结，仍由书记验收")
async def transfer(ctx: Context, session, actor: Actor, command: Command) -> None:
    usage = "/转办 5 城管 限3天 说明"
    ticket, rest, roles = await _staff_ticket(ctx, actor, command, usage)
    _need_leader(roles, "/转办")
    words = rest.split()
    if not words:
        raise DomainError("err_usage", usage=usage)
    street = await streets.need_street(session=session, community_id=ticket.community_id)
    dep = await streets.find_department(session=session, street_id=street.id, name=words[0])
    days = None
    if len(words) > 1 and (limit := _LIMIT.match(words[1])):
        days, words = int(limit.group(1)), words[2:]
    else:
        words = words[1:]
    note = " ".join(words)
    now = clock.utcnow()
    task = await departments.transfer(session=session, ticket=ticket, department=dep, actor_id=actor.person.id,
                                      days=days, note=note, now=now, settings=ctx.settings)
    deadline = departments.when(task.deadline_at)
    community = await directory.community_name(session=session, community_id=ticket.community_id)
    ctx.reply(say_about(ticket, "dept_transfer_ok", number=ticket.number, department=dep.name, deadline=deadline))
    notice = say_about(ticket, "dept_transfer_notice", number=ticket.number, community=community,
                       excerpt=excerpt(ticket.text), deadline=deadline, note=note or "—", by=actor.person.name)
    ctx.outgoing.extend(departments.tell_department(dep, notice))
    tell_reporter(ctx, ticket, say_about(ticket, "dept_transfer_reporter", number=ticket.number,
                                         department=dep.name, deadline=deadline))


@router.command("raise", words=("上报",), roles=STAFF, number=True, strong=True, usage="/上报 5 需要街道协调",
                help="把诉求上报街道，街道干部会收到提醒")
async def raise_to_street(ctx: Context, session, actor: Actor, command: Command) -> None:
    ticket, note, _ = await _staff_ticket(ctx, actor, command, "/上报 5 说明")
    officers = await departments.raise_to_street(session=session, ticket=ticket, actor_id=actor.person.id,
                                                 note=note)
    community = await directory.community_name(session=session, community_id=ticket.community_id)
    ctx.reply(say_about(ticket, "dept_raised_ok" if officers else "dept_raised_no_officer", number=ticket.number))
    for person in officers:
        ctx.tell(person, say_about(ticket, "dept_raised_officer", number=ticket.number, community=community,
                                   excerpt=excerpt(ticket.text), note=note or "—", by=actor.person.name))


@router.command("whistle", words=("吹哨",), roles=LEADERS, number=True, strong=True, usage="/吹哨 5 城管 供水",
                help="街道吹哨、部门报到：同时召集几个部门，每个部门要在限定时间内回复「报到 5」，否则提醒街道干部")
async def whistle(ctx: Context, session, actor: Actor, command: Command) -> None:
    ticket, rest, roles = await _staff_ticket(ctx, actor, command, "/吹哨 5 城管 供水")
    _need_leader(roles, "/吹哨")
    names = list(dict.fromkeys(rest.split()))
    if not names:
        raise DomainError("err_usage", usage="/吹哨 5 城管 供水")
    street = await streets.need_street(session=session, community_id=ticket.community_id)
    deps = [await streets.find_department(session=session, street_id=street.id, name=n) for n in names]
    deps = list({d.id: d for d in deps}.values())
    tasks = await departments.whistle(session=session, ticket=ticket, departments=deps, actor_id=actor.person.id,
                                      now=clock.utcnow(), settings=ctx.settings)
    community = await directory.community_name(session=session, community_id=ticket.community_id)
    by = departments.when(tasks[0].report_by)
    ctx.reply(say_about(ticket, "dept_whistle_ok", number=ticket.number, departments="、".join(d.name for d in deps),
                        by=by))
    for dep in deps:
        ctx.outgoing.extend(departments.tell_department(dep, say_about(
            ticket, "dept_whistle_notice", number=ticket.number, community=community, excerpt=excerpt(ticket.text),
            by=by, who=actor.person.name)))


@router.command("supervise", words=("督办",), roles=LEADERS, number=True, strong=True, usage="/督办 5",
                help="催办：提醒还没办完（或还没报到）的部门")
async def supervise(ctx: Context, session, actor: Actor, command: Command) -> None:
    ticket, _, roles = await _staff_ticket(ctx, actor, command, "/督办 5")
    _need_leader(roles, "/督办")
    owing = await departments.supervise(session=session, ticket=ticket, actor_id=actor.person.id,
                                        now=clock.utcnow())
    ctx.reply(say_about(ticket, "dept_supervise_ok", number=ticket.number,
                        departments="、".join(d.name for _, d in owing)))
    for task, dep in owing:
        ctx.outgoing.extend(departments.tell_department(dep, say_about(
            ticket, "dept_supervise_hand", number=ticket.number, by=actor.person.name, excerpt=excerpt(ticket.text),
            deadline=departments.when(task.deadline_at or task.report_by))))


# -- department contacts -----------------------------------------------------------------------------
async def _department_task(ctx: Context, actor: Actor, command: Command, usage: str, kind: str,
                           statuses: tuple[str, ...]):
    communities, number, rest = await target(ctx, actor, command, usage, DEPARTMENTS)
    task, ticket, dep = await departments.task_for(session=ctx.session, person_id=actor.person.id, number=number,
                                                   community_ids=communities, kind=kind,
                                                   statuses=statuses)
    return task, ticket, dep, rest


async def _tell_secretaries(ctx: Context, ticket, text: str) -> None:
    for person in await secretaries(session=ctx.session, community_id=ticket.community_id):
        ctx.tell(person, text)


@router.command("dept_accept", words=("受理",), roles=DEPARTMENTS, number=True, strong=True, usage="受理 5",
                help="部门受理转来的诉求")
async def accept(ctx: Context, session, actor: Actor, command: Command) -> None:
    task, ticket, dep, _ = await _department_task(ctx, actor, command, "受理 5", departments.TRANSFER,
                                                  (departments.ASSIGNED,))
    await departments.accept(session=session, task=task, ticket=ticket, dep=dep, actor_id=actor.person.id,
                             now=clock.utcnow())
    ctx.reply(say_about(ticket, "dept_accept_ok", number=ticket.number, deadline=departments.when(task.deadline_at)))
    text = say_about(ticket, "dept_accept_notice", number=ticket.number, department=dep.name)
    await _tell_secretaries(ctx, ticket, text)
    tell_reporter(ctx, ticket, text)


@router.command("dept_reply", words=("回复",), roles=DEPARTMENTS, number=True, strong=True,
                usage="回复 5 已安排人员明天到场", help="部门回复办理进展，书记和居民都会收到")
async def reply(ctx: Context, session, actor: Actor, command: Command) -> None:
    task, ticket, dep, content = await _department_task(ctx, actor, command, "回复 5 内容", departments.TRANSFER,
                                                        departments.ACTIVE)
    if not content:
        raise DomainError("err_usage", usage="回复 5 已安排人员明天到场")
    await departments.reply(session=session, task=task, ticket=ticket, dep=dep, actor_id=actor.person.id,
                            content=content, now=clock.utcnow())
    ctx.reply(say_about(ticket, "dept_reply_ok", number=ticket.number))
    text = say_about(ticket, "dept_reply_notice", number=ticket.number, department=dep.name, content=content)
    await _tell_secretaries(ctx, ticket, text)
    tell_reporter(ctx, ticket, text)


@router.command("dept_done", words=("办结",), roles=DEPARTMENTS, number=True, strong=True,
                usage="办结 5 已回填路面并压实", help="部门办结，书记验收后请居民评价")
async def finish(ctx: Context, session, actor: Actor, command: Command) -> None:
    task, ticket, dep, note = await _department_task(ctx, actor, command, "办结 5 说明", departments.TRANSFER,
                                                     departments.ACTIVE)
    note = note or "已办结"
    done = await departments.finish(session=session, task=task, ticket=ticket, dep=dep, actor_id=actor.person.id,
                                    note=note, now=clock.utcnow())
    ctx.reply(say_about(ticket, "dept_done_ok", number=ticket.number))
    await _tell_secretaries(ctx, ticket, say_about(ticket, "dept_done_secretary" if done else "dept_done_partial",
                                                   number=ticket.number, department=dep.name, note=note))
    if done:
        tell_reporter(ctx, ticket, say_about(ticket, "dept_done_reporter", number=ticket.number,
                                             department=dep.name, note=note))


async def department_report(ctx: Context, actor: Actor, command: Command) -> None:
    """「报到 5」 from a department's contact: answering a /吹哨 (called by handlers.registration)."""
    task, ticket, dep, _ = await _department_task(ctx, actor, command, "报到 5", departments.WHISTLE,
                                                  (departments.SUMMONED,))
    await departments.report(session=ctx.session, task=task, ticket=ticket, dep=dep, actor_id=actor.person.id,
                             now=clock.utcnow())
    ctx.reply(say_about(ticket, "dept_report_ok", number=ticket.number))
    await _tell_secretaries(ctx, ticket, say_about(ticket, "dept_report_notice", number=ticket.number,
                                                   department=dep.name))


async def street_statistics(ctx: Context, actor: Actor, words: list[str], now) -> None:
    """「/统计 本月 街道」: the street's figures and one line per community (street officers)."""
    if STREET_OFFICER not in actor.roles:
        raise DomainError("stats_street_only")
    street = await streets.need_street(session=ctx.session, community_id=community_of(actor))
    word, span = "本月", stats.period("本月", now)
    for token in words:
        found = stats.period(token, now)
        if found is None:
            raise DomainError("stats_bad_word", word=token)
        word, span = token, found
    start, end = span
    sf = await rollup.street_figures(session=ctx.session, street=street, start=start, end=end, now=now,
                                     with_tickets=False)
    last = clock.to_local(min(end - timedelta(seconds=1), now))
    title = say("stats_title_street", street=street.name, word=word, start=clock.to_local(start).strftime("%m-%d"),
                end=last.strftime("%m-%d"))
    ctx.reply(street_reports.summary_text(sf, title=title))
