"""Notices to a scope of groups: 全体, 党员, or a grid / estate / building by name."""
from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Grid, Room
from bot.errors import DomainError
from bot.services import directory
from bot.services import grids as grids_tree

ALL, MEMBERS = "全体", "党员"
_ALL_WORDS = {"全体", "全部", "所有", "所有群", "全社区"}
_MEMBER_WORDS = {"党员", "党员群", "志愿者", "志愿者群"}
_BUILDING = re.compile(r"^(\d+)(?:号楼|号|栋|幢|座|楼)$")


def _grid_key(name: str) -> str:
    match = _BUILDING.match(name)
    return f"building:{match.group(1)}" if match else f"name:{name}"


async def resolve_scope(*, session: AsyncSession, community_id: str, scope: str) -> list[Room]:
    """The rooms a notice to ``scope`` reaches. Raises a friendly error for an unknown scope."""
    scope = scope.strip()
    rooms = await directory.rooms_of(session=session, community_id=community_id)
    if scope in _ALL_WORDS:
        return rooms
    if scope in _MEMBER_WORDS:
        return [r for r in rooms if r.kind == "members"]
    grids = await directory.grids_of(session=session, community_id=community_id)
    target = _find_grid(grids, scope)
    if target is None:
        named = [g.name for g in grids if g.level in ("estate", "building")]
        raise DomainError("broadcast_bad_scope", scope=scope,
                          valid="、".join([ALL, MEMBERS, *named]))
    # A group reaches the scope if it covers the named grid (an ancestor) or part of it.
    by_id = {g.id: g for g in grids}
    related = grids_tree.ancestors(target, by_id) | grids_tree.subtree(target, grids)
    chosen = [r for r in rooms if r.kind == "grid" and r.grid_id in related]
    if not chosen:
        raise DomainError("broadcast_no_rooms", scope=scope)
    return chosen


def _find_grid(grids: list[Grid], scope: str) -> Grid | None:
    for grid in grids:
        if grid.name == scope:
            return grid
    key = _grid_key(scope)
    for grid in grids:
        if grid.level == "building" and grid.building_no and key == f"building:{grid.building_no}":
            return grid
    return None
