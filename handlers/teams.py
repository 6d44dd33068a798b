"""Teams: /队伍 (list), /队伍 新建 名称 @队长, /队伍 名称 加入 @张三 @李四, /队伍 排行 本月. A roll
call can go to a team (/集结 防汛突击队 今晚10点 河堤 5 装沙袋), a ticket too (/派单 12 防汛突击队:
its leader hears of it); the leader assigns within the team (分派 12 @陈老师)."""
from __future__ import annotations

from bot import clock
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import hours, multitask, people, scope, stats, team_ranking, teams, tickets
from bot.services.directory import STAFF, Actor
from handlers import several
from handlers.format import excerpt, say_about
from handlers.member import MEMBERS, community_of, need_number, tell_residents

router = Router("teams")


@router.command("team", words=("队伍", "服务队"), roles=STAFF, strong=True,
                usage=("/队伍 新建 防汛突击队 @李师傅", "/队伍 防汛突击队 加入 @陈老师 @刘大姐", "/队伍", "/队伍 排行 本月"),
                help="志愿服务队、三人小组：新建（第二个是队长）、加入队员、查看；「排行 本月」按队比积分、服务时长、任务数；"
                     "集结的范围、「/派单 12 队名」都可以写队名，由队长「分派」")
async def team_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    words = command.args.split()
    if not words:
        rows = await teams.listing(session=session, community_id=community)
        if not rows:
            ctx.reply(say("team_none"))
            return
        lines = [say("team_list_header")]
        for team in rows:
            names = [p.name for p in await teams.members(session=session, team=team)]
            leader = next((p.name for p in await teams.members(session=session, team=team)
                           if p.id == team.leader_id), "—")
            lines.append(say("team_list_item", name=team.name, leader=leader, count=len(names),
                             members="、".join(names)))
        ctx.reply("\n".join(lines), key="team_list_header")
        return
    if words[0] in ("排行", "排名"):
        await _rank(ctx, session, community, words[1:])
        return
    if words[0] == "新建":
        if len(words) != 3:
            raise DomainError("err_usage", usage="/队伍 新建 防汛突击队 @李师傅")
        leader = await people.find_named(session=session, community_id=community, token=words[2],
                                         mentions=ctx.msg.mentions)
        team = await teams.create(session=session, community_id=community, name=words[1], leader_id=leader.id,
                                  actor_id=actor.person.id)
        ctx.reply(say("team_created_ok", name=team.name, leader=leader.name))
        return
    if len(words) >= 3 and words[1] in ("加入", "添加"):
        team = await teams.find(session=session, community_id=community, name=words[0])
        if team is None:
            raise DomainError("team_not_found", name=words[0])
        added, again = [], []
        for token in words[2:]:
            person = await people.find_named(session=session, community_id=community, token=token,
                                             mentions=ctx.msg.mentions)
            (added if await teams.add_member(session=session, team=team, person_id=person.id) else again).append(
                person.name)
        ctx.reply(say("team_joined_ok", name=team.name, added="、".join(added) or say("rc_nobody_listed"),
                      again="、".join(again) or say("rc_nobody_listed")))
        return
    raise DomainError("err_usage", usage="/队伍 新建 防汛突击队 @李师傅")


async def _rank(ctx: Context, session, community: str, words: list[str]) -> None:
    word = words[0] if words else "本月"
    span = stats.period(word, clock.utcnow()) if len(words) <= 1 else None
    if span is None:
        raise DomainError("team_rank_usage")
    rows = await team_ranking.ranking(session=session, community_id=community, start=span[0], end=span[1])
    if not rows:
        ctx.reply(say("team_none"))
        return
    lines = [say("team_rank_header", period=word, start=clock.to_local(span[0]).strftime("%m-%d"))]
    lines += [say("team_rank_item", rank=i, name=f.team.name, points=f.points, hours=hours.hours_text(f.minutes),
                  tasks=f.tasks, count=f.members) for i, f in enumerate(rows, 1)]
    ctx.reply("\n".join(lines), key="team_rank_header")


async def send_to_team(ctx: Context, session, actor: Actor, ticket, team) -> None:
    """/派单 12 防汛突击队: the ticket stays open; its leader and members hear of it, the leader assigns."""
    await scope.check_ticket(session=session, person_id=actor.person.id, roles=actor.roles, ticket=ticket)
    if ticket.status != tickets.OPEN:
        raise DomainError("team_assign_taken", number=ticket.number)
    await tickets.record_event(session=session, ticket_id=ticket.id, action="to_team", actor_id=actor.person.id,
                               note=team.name)
    crew = await teams.members(session=session, team=team)
    leader = next((p.name for p in crew if p.id == team.leader_id), "—")
    for person in crew:
        key = "team_ticket_leader" if person.id == team.leader_id else "team_ticket_member"
        ctx.tell(person.id, say(key, by=actor.person.name, number=ticket.number, team=team.name,
                                excerpt=excerpt(ticket.text)))
    ctx.reply(say("team_ticket_sent_ok", number=ticket.number, team=team.name, leader=leader, count=len(crew)))


@router.command("team_assign", words=("分派", "队内派单"), roles=MEMBERS, number=True, strong=True,
                usage="分派 12 @陈老师", help="队长把还没人认领的任务派给本队队员（多人任务则为队员报一个名额）")
async def team_assign(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "分派 12 @陈老师")
    target = command.rest.split()[0] if command.rest.split() else ""
    if not target:
        raise DomainError("team_assign_usage")
    community = community_of(actor)
    led = await teams.led_by(session=session, community_id=community, leader_id=actor.person.id)
    if not led:
        raise DomainError("team_not_leader")
    person = await people.find_assignee(session=session, community_id=community, token=target,
                                        mentions=ctx.msg.mentions)
    if not await teams.in_teams(session=session, team_ids=[t.id for t in led], person_id=person.id):
        raise DomainError("team_not_member_of", name=person.name)
    ticket = await tickets.get_by_number(session=session, community_id=community, number=number)
    if (need := await multitask.need_of(session=session, ticket_id=ticket.id)) is not None:
        await several.assign_place(ctx, ticket, need, person.id, person.name)
        return
    if ticket.status != tickets.OPEN:
        raise DomainError("team_assign_taken", number=number)
    await tickets.assign(session=session, ticket=ticket, person_id=person.id, actor_id=actor.person.id)
    ctx.reply(say_about(ticket, "ticket_assigned_ok", number=number, claimer=person.name))
    ctx.tell(person.id, say_about(ticket, "ticket_assigned_claimer", number=number, by=actor.person.name,
                                  excerpt=excerpt(ticket.text)))
    await tell_residents(ctx, ticket, say_about(ticket, "ticket_claimed_reporter", number=number,
                                                claimer=person.name))
