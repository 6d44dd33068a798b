"""The levels above a street (issue 13): the district's /统计 and editing the hierarchy in chat.

- 「/统计 本月 区」: the district office's figures (whole district, a line per street, per department);
- 「/部门」 lists the street's departments; a street officer (or their district's officer) adds one,
  renames one or changes its contact: 「/部门 新增 燃气 @燃气王工」「/部门 改名 城管 城管执法队」
  「/部门 联系人 城管 @刘科长」;
- 「/网格」 lists the community's grids, buildings and grid workers; the secretary (or a street officer)
  edits them (handlers/grids.py);
- 「/辖区」 lists the district's streets and their communities; a district officer adds or renames a
  street and binds a community to one: 「/辖区 新增街道 红旗街道」「/辖区 街道改名 红旗街道 红星街道」
  「/辖区 绑定 安平里 红旗街道」.
Both commands are the leaders' (secretary, street officer) for the dispatcher; the edits then check the
street and district rows (bot.services.hierarchy), and every edit is audited.
"""
from __future__ import annotations

from datetime import timedelta

from bot import clock
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import district_reports, district_stats, hierarchy, stats, streets
from bot.services.directory import SECRETARY, STREET_OFFICER, Actor
from handlers import grids

router = Router("district")
LEADERS = (SECRETARY, STREET_OFFICER)


async def district_statistics(ctx: Context, actor: Actor, words: list[str], now) -> None:
    """「/统计 本月 区」: the district's figures, one line per street (district officers)."""
    district = await district_stats.officer_district(session=ctx.session, person_id=actor.person.id,
                                                     community_id=actor.community_id)
    if district is None:
        raise DomainError("stats_district_only")
    word, span = "本月", stats.period("本月", now)
    for token in words:
        found = stats.period(token, now)
        if found is None:
            raise DomainError("stats_bad_word", word=token)
        word, span = token, found
    start, end = span
    df = await district_stats.district_figures(session=ctx.session, district=district, start=start, end=end, now=now)
    last = clock.to_local(min(end - timedelta(seconds=1), now))
    title = say("stats_title_district", district=district.name, word=word,
                start=clock.to_local(start).strftime("%m-%d"), end=last.strftime("%m-%d"))
    text = district_reports.summary_text(df, title=title)
    if word in ("本月", "上月"):
        month = clock.to_local(start).strftime("%Y-%m")
        text += say("report_link", url=district_reports.report_url(ctx.settings, district.id, month))
    ctx.reply(text)


def _split(args: str) -> tuple[str, list[str]]:
    words = args.split()
    return (words[0], words[1:]) if words else ("", [])


@router.command("hierarchy", words=("部门", "辖区", "网格"), roles=LEADERS, strong=True,
                usage=("/部门 新增 燃气 @燃气王工", "/网格 北区 楼栋 7号楼 8号楼", "/部门", "/部门 改名 城管 城管执法队",
                       "/部门 联系人 城管 @刘科长", "/辖区", "/辖区 绑定 安平里 新华街道", "/辖区 新增街道 红旗街道",
                       "/辖区 街道改名 红旗街道 红星街道", "/网格", "/网格 新增 北区", "/网格 改名 北区 北片",
                       "/网格 删除 北区", "/网格 网格员 北区 @张三", "/网格 网格员 北区 撤 @张三", "/网格 安平里 新增 北院"),
                help="「/部门」看本街道的部门，街道干部可新增、改名、换联系人；区里的干部用「/辖区」新增街道、改名、"
                     "把社区划到街道；「/网格」看本社区的网格、楼栋和网格员，书记和街道干部可新增网格、改名、删除空网格、"
                     "把楼栋划进网格、任免网格员；都留记录")
async def hierarchy_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    word = command.word.lstrip("/")
    if word == "辖区":
        await jurisdiction(ctx, session, actor, command)
        return
    if word == "网格":
        await grids.grids_command(ctx, session, actor, command)
        return
    action, rest = _split(command.args)
    if action in ("", "列表"):
        street = await streets.need_street(session=session, community_id=actor.community_id or "")
        deps = await streets.departments_of(session=session, street_id=street.id)
        names = dict()
        for dep in deps:
            names[dep.id] = await _name(session, dep.contact_id)
        items = "".join(say("hier_department_item", name=d.name, contact=names[d.id]) for d in deps)
        ctx.reply(say("hier_departments", street=street.name, items=items or say("stats_none")))
        return
    usage = "/部门 新增 燃气 @燃气王工"
    if action not in ("新增", "添加", "改名", "联系人"):
        raise DomainError("err_usage", usage=usage)
    place = None
    if rest and rest[0].endswith("街道"):  # a district officer names the street: 「/部门 新增 红旗街道 燃气」
        place, rest = rest[0], rest[1:]
    street = await hierarchy.street_to_edit(session=session, person_id=actor.person.id,
                                            community_id=actor.community_id, name=place)
    if action in ("新增", "添加"):
        if not rest or len(rest) > 2:
            raise DomainError("err_usage", usage=usage)
        contact = await hierarchy.find_contact(session=session, street=street, token=rest[1],
                                               mentions=ctx.msg.mentions) if len(rest) == 2 else None
        dep = await hierarchy.add_department(session=session, street=street, name=rest[0], contact=contact,
                                             actor_id=actor.person.id)
        ctx.reply(say("hier_department_added", street=street.name, name=dep.name,
                      contact=contact.name if contact else say("hier_no_contact")))
        if contact is not None:
            ctx.tell(contact.id, say("hier_contact_told", street=street.name, name=dep.name))
    elif action == "改名":
        if len(rest) != 2:
            raise DomainError("err_usage", usage="/部门 改名 城管 城管执法队")
        dep, before = await hierarchy.rename_department(session=session, street=street, old=rest[0], new=rest[1],
                                                        actor_id=actor.person.id)
        ctx.reply(say("hier_department_renamed", before=before, name=dep.name))
    else:
        if len(rest) != 2:
            raise DomainError("err_usage", usage="/部门 联系人 城管 @刘科长")
        contact = await hierarchy.find_contact(session=session, street=street, token=rest[1],
                                               mentions=ctx.msg.mentions)
        dep, _ = await hierarchy.set_contact(session=session, street=street, name=rest[0], contact=contact,
                                             actor_id=actor.person.id)
        ctx.reply(say("hier_contact_set", name=dep.name, contact=contact.name))
        ctx.tell(contact.id, say("hier_contact_told", street=street.name, name=dep.name))


async def _name(session, person_id: str | None) -> str:
    from bot.services.directory import name_of

    return (await name_of(session=session, person_id=person_id) or person_id) if person_id else say("hier_no_contact")


async def jurisdiction(ctx: Context, session, actor: Actor, command: Command) -> None:
    district = await hierarchy.district_to_edit(session=session, person_id=actor.person.id,
                                                community_id=actor.community_id)
    action, rest = _split(command.args)
    if action in ("", "列表"):
        items = ""
        for street in await hierarchy.district_streets(session=session, district=district):
            names = "、".join(c.name for c in await streets.communities_of(session=session, street_id=street.id))
            items += say("hier_street_item", street=street.name, communities=names or say("stats_none"))
        ctx.reply(say("hier_streets", district=district.name, items=items or say("stats_none")))
    elif action == "绑定" and len(rest) == 2:
        community, street, before = await hierarchy.bind_community(
            session=session, district=district, community_name=rest[0], street_name=rest[1], actor_id=actor.person.id)
        ctx.reply(say("hier_bound", community=community.name, street=street.name, before=before or say("stats_none")))
    elif action == "新增街道" and len(rest) == 1:
        street = await hierarchy.add_street(session=session, district=district, name=rest[0],
                                            actor_id=actor.person.id)
        ctx.reply(say("hier_street_added", district=district.name, street=street.name))
    elif action == "街道改名" and len(rest) == 2:
        street, before = await hierarchy.rename_street(session=session, district=district, old=rest[0], new=rest[1],
                                                       actor_id=actor.person.id)
        ctx.reply(say("hier_street_renamed", before=before, street=street.name))
    else:
        raise DomainError("err_usage", usage="/辖区 绑定 安平里 新华街道")
