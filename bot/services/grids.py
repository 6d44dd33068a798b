"""Walking the grid tree: community → estate → building → unit (pure, on loaded rows)."""
from __future__ import annotations

from bot.db.models import Grid


def ancestors(grid: Grid, by_id: dict[int, Grid]) -> set[int]:
    """The grid and every grid above it."""
    found, node = set(), grid
    while node is not None:
        found.add(node.id)
        node = by_id.get(node.parent_id) if node.parent_id else None
    return found


def subtree(root: Grid, grids: list[Grid]) -> set[int]:
    """The grid and every grid below it."""
    found, frontier = {root.id}, [root.id]
    while frontier:
        parent = frontier.pop()
        for g in grids:
            if g.parent_id == parent and g.id not in found:
                found.add(g.id)
                frontier.append(g.id)
    return found


def up_to(grid: Grid | None, level: str, by_id: dict[int, Grid]) -> Grid | None:
    """The nearest grid at ``level`` at or above ``grid``."""
    while grid is not None and grid.level != level:
        grid = by_id.get(grid.parent_id) if grid.parent_id else None
    return grid
