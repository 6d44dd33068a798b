"""Teams: /队伍 (list), /队伍 新建 名称 @队长, /队伍 名称 加入 @张三 @李四. A roll call can go
to a team: /集结 防汛突击队 今晚10点 河堤 5 装沙袋."""
from __future__ import annotations

from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import people, teams
from bot.services.directory import STAFF, Actor
from handlers.member import community_of

router = Router("teams")


@router.command("team", words=("队伍", "服务队"), roles=STAFF, strong=True,
                usage=("/队伍 新建 防汛突击队 @李师傅", "/队伍 防汛突击队 加入 @陈老师 @刘大姐", "/队伍"),
                help="志愿服务队、三人小组：新建（第二个是队长）、加入队员、查看；集结的范围可以写队名")
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
