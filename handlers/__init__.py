"""Conversation areas. ``build_routers()`` lists them in priority order:
commands first (staff, members, residents, everyone), resident free text last."""
from __future__ import annotations

from bot.dispatch import Router


def build_routers() -> list[Router]:
    from handlers import common, demands, member, resident, secretary

    return [secretary.router, member.router, resident.router, common.router, demands.router]
