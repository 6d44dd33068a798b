"""Room joins: a welcome for newcomers, and an introduction when the bot itself joins."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage
from bot.messages import Outgoing
from bot.replies import say
from bot.services import directory, outbox


async def welcome(*, session: AsyncSession, room_id: str, newcomers: list[tuple[str, str]] | tuple = (),
                  bot_joined: bool = False) -> list[OutboxMessage]:
    """Queue the welcome(s) for a join in ``room_id``; nothing in a group the bot does not serve."""
    if await directory.get_room(session=session, room_id=room_id) is None:
        return []
    messages = []
    if bot_joined:
        messages.append(Outgoing(text=say("bot_joined"), room_id=room_id))
    people = [(pid, name or pid) for pid, name in newcomers if pid]
    if people:
        names = "、".join(name for _, name in people)
        messages.append(Outgoing(text=say("welcome", name=names), room_id=room_id,
                                 mentions=tuple(pid for pid, _ in people)))
    return await outbox.enqueue(session=session, messages=messages, cause=f"join:{room_id}")
