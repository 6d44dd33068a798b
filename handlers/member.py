"""Members (党员/志愿者): see tasks, claim, release and complete them."""
from __future__ import annotations

from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.messages import Outgoing
from bot.replies import say
from bot.services import directory, duplicates, multitask, tickets
from bot.services.directory import GRID_WORKER, MEMBER, SECRETARY, Actor
from handlers import proof, several
from handlers.format import excerpt, location, say_about, tell_reporter, ticket_fields

router = Router("member")
MEMBERS = (MEMBER, GRID_WORKER, SECRETARY)


def community_of(actor: Actor) -> str:
    if actor.community_id is None:
        raise DomainError("err_no_community")
    return actor.community_id


def need_number(command: Command, usage: str) -> int:
    if command.number is None:
        if command.args:
            raise DomainError("err_bad_number", example=usage)
        raise DomainError("err_usage", usage=usage)
    return command.number


@router.command("tasks", words=("任务", "任务列表", "待办"), roles=MEMBERS, standalone=True, usage="任务",
                help="查看待认领的任务")
async def list_tasks(ctx: Context, session, actor: Actor) -> None:
    community = community_of(actor)
    rows = await tickets.open_tickets(session=session, community_id=community, limit=10)
    if not rows:
        ctx.reply(say("task_list_empty"))
        return
    total = await tickets.count_open(session=session, community_id=community)
    lines = [say("task_list_header", count=total)]
    needs = await multitask.needs_of(session=session, ticket_ids=[t.id for t in rows])
    for t in rows:
        f = ticket_fields(t)
        where = location(t)
        need = needs.get(t.id)
        mark = say("task_need_mark", taken=need.taken, places=need.places) if need else ""
        lines.append(say("task_list_item", number=t.number, category=f["category"],
                         urgent_mark=f["urgent_mark"] + mark, location=f" {where}" if where else "",
                         excerpt=excerpt(t.text, 30)))
    lines.append(say("task_list_footer"))
    ctx.reply("\n".join(lines))


@router.command("my_tasks", words=("我的任务", "我在办的"), roles=MEMBERS, standalone=True, usage="我的任务",
                help="看自己认领了、还没办完的任务")
async def my_tasks(ctx: Context, session, actor: Actor) -> None:
    rows = await tickets.claimed_by(session=session, community_id=community_of(actor), person_id=actor.person.id)
    if not rows:
        ctx.reply(say("my_tasks_empty"))
        return
    lines = [say("my_tasks_header", count=len(rows))]
    lines += [say("task_list_item", number=t.number, category=ticket_fields(t)["category"],
                  urgent_mark=ticket_fields(t)["urgent_mark"], location=f" {location(t)}" if location(t) else "",
                  excerpt=excerpt(t.text, 30)) for t in rows]
    lines.append(say("my_tasks_footer"))
    ctx.reply("\n".join(lines), key="my_tasks")


@router.command("claim", words=("接单", "接", "抢单"), roles=MEMBERS, number=True, strong=True,
                usage=("接单 12", "#12 我来"), help="认领任务，先到先得；只有一个任务给您时说「我来」即可")
async def claim(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "接单 12")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    if (need := await multitask.need_of(session=session, ticket_id=ticket.id)) is not None:
        await several.claim_place(ctx, ticket, need)  # a task for several people: one place
        return
    await tickets.claim(session=session, ticket=ticket, person_id=actor.person.id)
    name = actor.person.name
    ctx.reply(say_about(ticket, "ticket_claimed_ok", number=number))
    await tell_residents(ctx, ticket, say_about(ticket, "ticket_claimed_reporter", number=number, claimer=name))


@router.command("release", words=("放弃",), roles=MEMBERS, number=True, strong=True, usage="放弃 12",
                help="放弃已认领的任务，任务重新开放")
async def release(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "放弃 12")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    if (need := await multitask.need_of(session=session, ticket_id=ticket.id)) is not None:
        await several.release_place(ctx, ticket, need)
        return
    await tickets.release(session=session, ticket=ticket, person_id=actor.person.id)
    ctx.reply(say_about(ticket, "ticket_released_ok", number=number))
    fields = ticket_fields(ticket)
    for room_id in await directory.room_ids(session=session, community_id=ticket.community_id, kind="members"):
        ctx.send(room_id, say_about(ticket, "ticket_released_room", **fields))


@router.command("complete", words=("完成",), roles=MEMBERS, number=True, strong=True,
                usage="完成 12 已更换灯泡", help="报告完成，等待验收；只有一个任务在办时说「修好了」即可")
async def complete(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "完成 12 已更换灯泡")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    note = command.rest or "已处理"
    if (need := await multitask.need_of(session=session, ticket_id=ticket.id)) is not None:
        await several.complete_part(ctx, ticket, need, note)
        return
    if ticket.status == tickets.OPEN:
        # Done before it was claimed (someone fell and the member ran first): the claim is theirs, and the
        # secretary still checks the work before any points.
        await tickets.claim(session=session, ticket=ticket, person_id=actor.person.id)
    await proof.check_before_done(ctx, ticket)
    await tickets.complete(session=session, ticket=ticket, person_id=actor.person.id, note=note)
    await proof.keep_result_photos(ctx, ticket)
    name = actor.person.name
    ctx.reply(say_about(ticket, "ticket_done_ok", number=number))
    await tell_residents(ctx, ticket, say_about(ticket, "ticket_done_reporter", number=number, claimer=name,
                                                note=note))
    photos_note, images = await proof.secretary_photos(ctx, ticket, name)
    for person_id in await directory.ids_with_role(session=session, community_id=ticket.community_id,
                                                   roles=(SECRETARY,)):
        ctx.tell(person_id, say_about(ticket, "ticket_done_secretary", number=number, claimer=name, note=note)
                 + photos_note)
    ctx.outgoing.extend(images)


async def tell_residents(ctx: Context, ticket, text: str) -> None:
    """The reporter and everyone who +1'd the ticket hear about it: one message per
    group, mentioning everyone concerned there at once; privately to those who wrote privately."""
    if ticket.affected_count <= 1:
        tell_reporter(ctx, ticket, text)  # nobody +1'd it: no watchers to look up
        return
    rooms: dict[str, list[str]] = {}  # group → people to mention, in the order they reported
    private: list[str] = []
    if ticket.room_id:
        rooms[ticket.room_id] = [ticket.reporter_id]
    else:
        private.append(ticket.reporter_id)
    for watcher in await duplicates.watchers(session=ctx.session, ticket_id=ticket.id):
        if watcher.room_id:
            rooms.setdefault(watcher.room_id, []).append(watcher.person_id)
        else:
            private.append(watcher.person_id)
    for room_id, people in rooms.items():
        if room_id == ctx.msg.room_id and ctx.msg.sender_id in people:
            ctx.outgoing.append(Outgoing(text=text, room_id=room_id, to=ctx.msg.sender_id,
                                         mentions=tuple(people)))
        else:
            ctx.send(room_id, text, mentions=tuple(people))
    for person_id in dict.fromkeys(private):
        ctx.tell(person_id, text)
