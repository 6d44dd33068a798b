"""Secretaries' previews: a broadcast, a /定时 notice or the star ratings is shown first and
done only on the same person's 确认 in the same conversation (the "preview" flow)."""
from __future__ import annotations

from typing import Awaitable, Callable

from bot import flows
from bot.dispatch import Context
from bot.replies import say
from nlp import answers

PreviewAction = Callable[[Context, flows.State], Awaitable[None]]


async def start_preview(ctx: Context, community_id: str, payload: dict) -> None:
    """A secretary's action waits for their 确认 in this conversation (broadcast, /定时, /星级评定)."""
    await flows.start(session=ctx.session, name="preview", person_id=ctx.actor.person.id, community_id=community_id,
                      room_id=ctx.msg.room_id, payload=payload, ttl_seconds=ctx.settings.confirm_ttl_seconds)


# payload type → what 确认 does; each module that previews registers its own.
PREVIEW_ACTIONS: dict[str, PreviewAction] = {}


@flows.flow("preview", accepts=answers.confirm_cancel)
async def preview_answered(ctx: Context, go: bool, state: flows.State) -> None:
    kind = state.payload.get("type", "broadcast")
    if not go:
        ctx.reply(say(CANCELLED_KEYS.get(kind, "broadcast_cancelled")))
        return
    await PREVIEW_ACTIONS[kind](ctx, state)


CANCELLED_KEYS = {"broadcast": "broadcast_cancelled", "schedule": "sched_preview_cancelled",
                  "stars": "stars_cancelled"}
