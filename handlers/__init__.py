"""Conversation areas. ``build_routers()`` lists them in priority order:
commands first (staff, members, residents, everyone), resident free text last."""
from __future__ import annotations

from bot.dispatch import Router


def build_routers() -> list[Router]:
    from handlers import (
        activities,
        attachments,
        common,
        console,
        conversation,
        corrections,
        demands,
        district,
        lists,
        member,
        participation,
        points,
        proof,
        registration,
        resident,
        rollcall,
        schedule,
        secretary,
        shop,
        street,
        surveys,
        teams,
        units,
        wartime,
    )

    return [secretary.router, street.router, proof.router, member.router, resident.router, points.router,
            registration.router, activities.router, shop.router, lists.router, surveys.router, units.router, console.router,
            common.router, schedule.router, rollcall.router, wartime.router, teams.router, conversation.router,
            attachments.router, corrections.router, demands.router, district.router, participation.router]


def group_chatter(room, text: str) -> bool:
    """True when a group message that is not a command would change nothing and get no answer.

    The dispatcher then skips the database for it. Every route that acts on plain
    text in a group must be reflected here; today that is only resident intake
    (handlers.demands), what people say instead of commands (handlers.conversation) and answers
    to a roll call (handlers.rollcall: 到, 去不了, 到岗; nlp.rollcall.could_be) and staff asking
    for people in words (nlp.rollcall_need.could_be); answers
    to the bot's questions are let through by the dispatcher (bot.flows.could_answer); the
    bare-score route of handlers.schedule is private-chat only.
    """
    from handlers import conversation, demands
    from nlp import rollcall, rollcall_need

    return (not conversation.is_group_talk(text) and not rollcall.could_be(text)
            and not rollcall_need.could_be(text) and demands.is_group_chatter(room, text))


async def ask_ahead(msg, text: str, settings, cache) -> None:
    """The dispatcher's hook for slow work before a message's transaction: today only the large
    model's second opinion (handlers.demands.ask_ahead)."""
    from handlers import demands

    await demands.ask_ahead(msg, text, settings, cache)
