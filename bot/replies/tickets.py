"""How a ticket reads in a message: the fields every ticket template uses."""
from __future__ import annotations

from bot.db.models import Ticket
from bot.replies import TEXT, category_name, say

# bot.services.wishes marks the ticket of a 微心愿 this way (rules.ticket_rule checks the Wish row too).
WISH_EVIDENCE = "wish"


def say_about(ticket: Ticket, key: str, /, **fields: object) -> str:
    """A ``ticket_…`` reply about ``ticket``, in its 微心愿 wording (``wish_…``) when the ticket
    is a wish: a wish is a ticket underneath, but people know it as 微心愿 N号, never as #N."""
    if ticket.evidence == WISH_EVIDENCE:
        variant = "wish_" + key.removeprefix("ticket_")
        if variant in TEXT:
            return say(variant, **fields)
    return say(key, **fields)


def excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def location(ticket: Ticket) -> str:
    parts = []
    if ticket.building:
        parts.append(f"{ticket.building}号楼")
    if ticket.unit:
        parts.append(f"{ticket.unit}单元")
    if ticket.room_no:
        parts.append(ticket.room_no)
    return "".join(parts)


def located(ticket: Ticket) -> str:
    where = location(ticket)
    return say("ticket_location", location=where) if where else ""


def urgent_mark(ticket: Ticket) -> str:
    return say("ticket_urgent_mark") if ticket.urgency == "urgent" else ""


def ticket_fields(ticket: Ticket) -> dict:
    return {
        "number": ticket.number,
        "category": category_name(ticket.category),
        "urgent_mark": urgent_mark(ticket),
        "location": located(ticket),
        "excerpt": excerpt(ticket.text),
    }
