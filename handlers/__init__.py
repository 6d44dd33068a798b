"""Conversation areas. ``build_routers()`` lists them in priority order:
commands first (staff, members, residents, everyone), resident free text last."""
from __future__ import annotations

from bot.dispatch import Router


def build_routers() -> list[Router]:
    from handlers import (activities, common, demands, member, points, registration, resident, schedule,
                          secretary, shop)

    return [secretary.router, member.router, resident.router, points.router, registration.router,
            activities.router, shop.router, common.router, schedule.router, demands.router]
