"""A community's own levels in chat (issue 13, item 1): 「/网格」 lists the grids with their buildings and
grid workers; the secretary (or a street officer, in any community of their street) edits them:

- 「/网格 新增 北区」「/网格 改名 北区 北片」「/网格 删除 北区」(only an empty grid: bot.services.grid_edit);
- 「/网格 北区 楼栋 7号楼 8号楼」 moves buildings (with their units) into the grid, making those it lacks;
- 「/网格 网格员 北区 @张三」 makes a person of the community that grid's worker; 「/网格 网格员 北区 撤 @张三」.

A street officer in a private chat names the community first: 「/网格 安平里 新增 北院」. The command is
declared with /部门 and /辖区 (handlers/district.py), for secretaries and street officers; a grid worker is
refused there. Every edit is audited (``hierarchy.grid.*``) and applies from the next message.
"""
from __future__ import annotations

from bot.commands import Command
from bot.db.models import Community
from bot.dispatch import Context
from bot.errors import DomainError
from bot.replies import say
from bot.services import grid_edit
from bot.services.directory import Actor
from handlers.member import community_of

ACTIONS = ("新增", "添加", "改名", "删除", "网格员")
USAGE = "/网格 北区 楼栋 7号楼 8号楼"
REVOKE = ("撤", "撤销", "取消")


async def grids_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    """「/网格 …」, declared with /部门 and /辖区 (handlers/district.py: secretaries and street officers)."""
    words = command.args.split()
    community, words = await _community(session, actor, words)  # one where the person is a leader
    if not words or words == ["列表"]:
        await _list(ctx, session, community)
        return
    action, rest = words[0], words[1:]
    who = actor.person.id
    if action in ("新增", "添加") and len(rest) == 1:
        grid = await grid_edit.add_grid(session=session, community=community, name=rest[0], actor_id=who)
        ctx.reply(say("hier_grid_added", community=community.name, grid=grid.name))
    elif action == "改名" and len(rest) == 2:
        grid, before = await grid_edit.rename_grid(session=session, community=community, old=rest[0], new=rest[1],
                                                   actor_id=who)
        ctx.reply(say("hier_grid_renamed", before=before, grid=grid.name))
    elif action == "删除" and len(rest) == 1:
        grid = await grid_edit.delete_grid(session=session, community=community, name=rest[0], actor_id=who)
        ctx.reply(say("hier_grid_deleted", grid=grid.name))
    elif action == "网格员" and len(rest) in (2, 3) and (len(rest) == 2 or rest[1] in REVOKE):
        await _worker(ctx, session, community, rest[0], rest[-1], revoke=len(rest) == 3, actor_id=who)
    elif action not in ACTIONS and len(rest) >= 2 and rest[0] == "楼栋":
        grid, moved = await grid_edit.attach_buildings(session=session, community=community, grid_name=action,
                                                       buildings=rest[1:], actor_id=who)
        ctx.reply(say("hier_grid_buildings", grid=grid.name, items="、".join(_moved(name, before, grid.name)
                                                                            for name, before in moved)))
    else:
        raise DomainError("err_usage", usage=USAGE)


async def _community(session, actor: Actor, words: list[str]) -> tuple[Community, list[str]]:
    """The community named first (「/网格 安平里 …」, one the person leads), else the current one (where the
    dispatcher found them secretary or street officer)."""
    if words and words[0] not in ACTIONS and words[0] != "列表" and words[1:2] != ["楼栋"]:
        wanted = words[0]
        led = await grid_edit.led_communities(session=session, person_id=actor.person.id)
        for community in led:
            if wanted in (community.id, community.name) or community.name.startswith(wanted):
                return community, words[1:]
        if await grid_edit.names_a_community(session=session, name=wanted):
            raise DomainError("hier_grid_community_not_yours", community=wanted,
                              communities="、".join(c.name for c in led) or say("stats_none"))
    community = await session.get(Community, community_of(actor))
    if community is None:
        raise DomainError("err_no_community")
    return community, words


async def _list(ctx: Context, session, community: Community) -> None:
    none = say("stats_none")
    items = ""
    for line in await grid_edit.listing(session=session, community_id=community.id):
        buildings, workers = "、".join(line.buildings) or none, "、".join(line.workers) or none
        if line.grid is None:
            items += say("hier_grid_rest", buildings=buildings, workers=workers)
        else:
            items += say("hier_grid_item", grid=line.grid.name, buildings=buildings, workers=workers)
    ctx.reply(say("hier_grids", community=community.name, items=items or none))


def _moved(name: str, before: str | None, grid: str) -> str:
    if before == "":
        return say("hier_grid_building_new", name=name)
    if before == grid:
        return say("hier_grid_building_same", name=name)
    return say("hier_grid_building_moved", name=name, before=before or say("hier_grid_no_grid"))


async def _worker(ctx: Context, session, community: Community, grid_name: str, token: str, *, revoke: bool,
                  actor_id: str) -> None:
    person = await grid_edit.community_person(session=session, community=community, token=token,
                                              mentions=ctx.msg.mentions)
    if revoke:
        grid = await grid_edit.remove_worker(session=session, community=community, grid_name=grid_name,
                                             person=person, actor_id=actor_id)
        ctx.reply(say("hier_grid_worker_removed", name=person.name, grid=grid.name))
        ctx.tell(person.id, say("hier_grid_worker_untold", community=community.name, grid=grid.name))
        return
    grid, before = await grid_edit.set_worker(session=session, community=community, grid_name=grid_name,
                                              person=person, actor_id=actor_id)
    shown = "" if before is None else say("hier_grid_worker_before", before=before or say("hier_grid_whole"))
    ctx.reply(say("hier_grid_worker_set", name=person.name, grid=grid.name, before=shown))
    ctx.tell(person.id, say("hier_grid_worker_told", community=community.name, grid=grid.name))
