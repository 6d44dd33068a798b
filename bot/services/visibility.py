"""Who may read a ticket's details: the privacy rule, in one place (docs/privacy.md).

A ticket's text, its reporter and its flat (building/unit/room) are details. They
are shown to the reporter, the claimer, the staff of the ticket's community
(secretaries, grid workers) and, while the ticket is offered (status open), to the
community's members; anyone else learns only that the ticket exists and its status.

Every read path asks here: the chat's 查询 (handlers/resident.py), the read API and
the report download (bot/web). A web caller is the deployment's operator (see
``OPERATOR``): bot/web/auth.py lets nobody else in.
"""
from __future__ import annotations

from bot.services.directory import MEMBER, Actor
from bot.services.tickets import OPEN


class Operator:
    """Whoever passed bot/web/auth.py: this machine, or a holder of ``API_TOKEN`` or of a
    link the bot signed for a secretary. Staff-level in every community."""

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR = Operator()
Viewer = Actor | Operator


def can_see_details(viewer: Viewer, ticket) -> bool:
    """May ``viewer`` read the ticket's text, reporter and flat?"""
    if isinstance(viewer, Operator):
        return True
    person_id = viewer.person.id
    if person_id in (ticket.reporter_id, ticket.claimer_id):
        return True
    if viewer.community_id != ticket.community_id:
        return False  # roles count only in the community they were given in
    if viewer.is_staff:
        return True
    return ticket.status == OPEN and MEMBER in viewer.roles


def may_show_in_group(ticket, room) -> bool:
    """Details posted in a group are read by everyone there, whoever asked. They may go to
    the group the ticket was reported in (its members saw the report) and, while it is
    offered, to a members' group; anywhere else they are sent privately to the asker."""
    if room is None:
        return True  # a private chat
    if room.id == ticket.room_id:
        return True
    return room.kind == "members" and room.community_id == ticket.community_id and ticket.status == OPEN
