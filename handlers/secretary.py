"""Secretaries and grid workers: 广播 (with 确认), 派单, 验收. (加分/扣分 live in handlers/points.py.)"""
from __future__ import annotations

import re

from bot import flows
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import (
    broadcast,
    departments,
    directory,
    multitask,
    outbox,
    people,
    points,
    rules,
    scope,
    teams,
    tickets,
)
from bot.services.directory import STAFF, Actor
from handlers import several
from handlers.format import excerpt, say_about, tell_reporter
from handlers.member import community_of, need_number, tell_residents
from handlers.preview import PREVIEW_ACTIONS, start_preview
from handlers.resident import ask_for_rating
from nlp import answers

router = Router("secretary")
# A scope is a short name (全体, 党员, 东区, 12号楼, 幸福里小区); a first word longer than this is the notice itself.
SCOPE_CHARS = 8


@router.command("broadcast", words=("广播", "发通知"), roles=STAFF, usage="/广播 全体 明天上午9点在活动室开会",
                help="发通知：范围可以是全体、党员、片区（东区）或楼栋（3号楼），不写范围就发给全体；先预览，回复「确认」才发送")
async def start_broadcast(ctx: Context, session, actor: Actor, command: Command) -> None:
    target, _, content = command.args.partition(" ")
    content = content.strip()
    community = community_of(actor)
    unscoped = len(target) > SCOPE_CHARS  # "/广播 今天上午10点量血压 …": the notice itself, no scope written
    if unscoped:
        target, content = broadcast.ALL, command.args.strip()
    if not target or not content:
        raise DomainError("err_usage", usage="/广播 全体 明天上午9点在活动室开会")
    rooms = await broadcast.resolve_scope(session=session, community_id=community, scope=target)
    rooms = await scope.check_rooms(session=session, person_id=actor.person.id, roles=actor.roles,
                                    community_id=community, rooms=rooms, scope_word=target)
    ttl = ctx.settings.confirm_ttl_seconds
    await start_preview(ctx, community, {"type": "broadcast", "rooms": [r.id for r in rooms], "content": content,
                                         "scope": target})
    ctx.reply(say("broadcast_preview_all" if unscoped else "broadcast_preview", count=len(rooms),
                  rooms="、".join(r.name for r in rooms), content=excerpt(content, 200), minutes=max(1, ttl // 60)))


@router.command("confirm", words=("确认",), standalone=True, hidden=True, usage="确认",
                help="确认网格通刚才的预览")
async def confirm(ctx: Context, actor: Actor) -> None:
    """确认 with no preview open (an open one is answered by its flow before any command)."""
    if ctx.room is None or actor.is_staff:
        ctx.reply(say("nothing_to_confirm"))


@router.command("abort", words=("取消",), standalone=True, hidden=True, usage="取消",
                help="放弃网格通刚才的预览")
async def abort(ctx: Context, actor: Actor) -> None:
    if ctx.room is None or actor.is_staff:
        ctx.reply(say("nothing_to_confirm"))


async def send_broadcast(ctx: Context, state: flows.State) -> None:
    rooms = state.payload["rooms"]
    notice = say("broadcast_notice", content=state.payload["content"])
    # Tracked, so the sender can report to the requester when every room has it.
    tracked = await outbox.open_broadcast(session=ctx.session, requested_by=ctx.actor.person.id,
                                          report_room=ctx.msg.room_id, total=len(rooms),
                                          community_id=state.community_id)
    for room_id in rooms:
        ctx.outgoing.append(outbox.broadcast_message(tracked, room_id, notice))
    ctx.reply(say("broadcast_sent", count=len(rooms)))


PREVIEW_ACTIONS["broadcast"] = send_broadcast


@router.command("assign", words=("派单", "指派"), roles=STAFF, number=True, strong=True,
                usage=("/派单 12 @张三", "/派单 12 防汛突击队", "/派单 12 5人"),
                help="把任务派给本社区的党员志愿者（或网格员、书记），或改派；写队名则交给该队，由队长分派；"
                     "写「5人」则是多人任务：各自「接单」到满为止（群里看到「已报名 3/5」），各自完成、分别验收记分")
async def assign(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "/派单 12 @张三")
    target = command.rest.split()[0] if command.rest.split() else ""
    if not target:
        raise DomainError("err_usage", usage="/派单 12 @张三")
    community = community_of(actor)
    ticket = await tickets.get_by_number(session=session, community_id=community, number=number)
    if re.fullmatch(r"\d{1,4}人", target):  # /派单 12 5人: a task for several people
        await several.set_places(ctx, session, actor, ticket, int(target[:-1]))
        return
    if (team := await teams.find(session=session, community_id=community, name=target)) is not None:
        from handlers.teams import send_to_team  # a team: its leader assigns within it

        await send_to_team(ctx, session, actor, ticket, team)
        return
    await scope.check_ticket(session=session, person_id=actor.person.id, roles=actor.roles, ticket=ticket)
    person = await people.find_assignee(session=session, community_id=community, token=target,
                                        mentions=ctx.msg.mentions)
    if (need := await multitask.need_of(session=session, ticket_id=ticket.id)) is not None:
        await several.assign_place(ctx, ticket, need, person.id, person.name)
        return
    await tickets.assign(session=session, ticket=ticket, person_id=person.id, actor_id=actor.person.id)
    ctx.reply(say_about(ticket, "ticket_assigned_ok", number=number, claimer=person.name))
    ctx.tell(person.id, say_about(ticket, "ticket_assigned_claimer", number=number, by=actor.person.name,
                                  excerpt=excerpt(ticket.text)))
    await tell_residents(ctx, ticket, say_about(ticket, "ticket_claimed_reporter", number=number,
                                                claimer=person.name))


@router.command("verify", words=("验收",), roles=STAFF, number=True, strong=True,
                usage=("/验收 12 通过", "/验收 12 驳回 原因"),
                help="验收：通过即按积分规则加分，驳回退回给认领人；自己办的由另一位书记或网格员验收；"
                     "只有一单待验收时说「验收通过」即可")
async def verify(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "/验收 12 通过")
    verdict, _, reason = command.rest.partition(" ")
    verdict = "通过" if verdict.lower() in answers.PASS_WORDS else "驳回" if verdict in answers.REJECT_WORDS else verdict
    if verdict not in ("通过", "驳回"):
        raise DomainError("err_usage", usage=f"/验收 {number} 通过  或  /验收 {number} 驳回 原因")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    await scope.check_ticket(session=session, person_id=actor.person.id, roles=actor.roles, ticket=ticket)
    if (need := await multitask.need_of(session=session, ticket_id=ticket.id)) is not None:
        await several.verify_parts(ctx, ticket, need, verdict, reason)  # each part on its own
        return
    claimer = ticket.claimer_id
    found = await directory.name_of(session=session, person_id=claimer) if claimer else None
    claimer_name = found or "—"
    if verdict == "驳回":
        reason = reason.strip() or "未说明原因"
        await tickets.reject(session=session, ticket=ticket, actor_id=actor.person.id, reason=reason)
        ctx.reply(say_about(ticket, "ticket_rejected_ok", number=number, claimer=claimer_name, reason=reason))
        if claimer:
            ctx.tell(claimer, say_about(ticket, "ticket_rejected_claimer", number=number, reason=reason))
        for dep in await departments.reopen(session=session, ticket=ticket):  # a department's 办结 (issue 13)
            ctx.outgoing.extend(departments.tell_department(dep, say_about(
                ticket, "dept_rejected", number=number, reason=reason)))
        return
    rule = await rules.ticket_rule(session=session, ticket=ticket)
    await tickets.verify(session=session, ticket=ticket, actor_id=actor.person.id, points=rule.points)
    ctx.reply(say_about(ticket, "ticket_verified_ok", number=number, claimer=claimer_name, points=rule.points,
                        rule=rules.rule_name(rule.rule)))
    if claimer:
        await points.post(
            session=session, person_id=claimer, community_id=ticket.community_id, amount=rule.points,
            rule=rule.rule, reason=say_about(ticket, "ticket_reason_done", number=number),
            idempotency_key=f"ticket:{ticket.id}:verified",
            actor_id=actor.person.id, ticket_id=ticket.id,
        )
        ctx.tell(claimer, say_about(ticket, "ticket_verified_claimer", number=number, points=rule.points))
    tell_reporter(ctx, ticket, say_about(ticket, "ticket_verified_reporter", number=number))
    told_in = ctx.msg.room_id if ctx.msg.sender_id == ticket.reporter_id else ticket.room_id
    await ask_for_rating(session=session, ticket=ticket, room_id=told_in)
