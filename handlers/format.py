"""Formatting shared by handlers: locations, excerpts and ticket notices."""
from __future__ import annotations

from bot.clock import to_local
from bot.db.models import Ticket
from bot.dispatch import Context
from bot.replies.tickets import excerpt, located, location, say_about, ticket_fields, urgent_mark  # noqa: F401


def local_time(ticket: Ticket) -> str:
    return to_local(ticket.created_at).strftime("%m-%d %H:%M")


def tell_reporter(ctx: Context, ticket: Ticket, text: str) -> None:
    """Tell the resident about their ticket where they reported it."""
    if ctx.msg.sender_id == ticket.reporter_id and ctx.msg.room_id == ticket.room_id:
        ctx.reply(text)
    elif ticket.room_id:
        ctx.send(ticket.room_id, text, mentions=(ticket.reporter_id,))
    else:
        ctx.tell(ticket.reporter_id, text)
