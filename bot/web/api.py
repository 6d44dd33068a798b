"""Read API (JSON): tickets and points."""
from __future__ import annotations

import json

from aiohttp import web
from sqlalchemy import select

from bot import bounds
from bot.db.models import Person, Ticket
from bot.replies import say
from bot.services import attachments, points, tickets, visibility
from bot.web.auth import viewer_of


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _iso(dt) -> str | None:
    return dt.isoformat() if dt else None


async def get_ticket(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    number = bounds.whole_number(request.match_info["number"], field="诉求编号", low=1)
    community = bounds.identifier(request.query.get("community"), field="community",
                                  limit=bounds.COMMUNITY_ID_MAX, required=False)
    async with request.app[RUNTIME].db.sessions() as session:
        query = select(Ticket).where(Ticket.number == number)
        if community:
            query = query.where(Ticket.community_id == community)
        found = list(await session.scalars(query.limit(2)))
        if not found:
            return json_error(404, say("web_ticket_not_found", number=number))
        if len(found) > 1:
            return json_error(400, say("web_ticket_ambiguous", number=number))
        t = found[0]
        if not visibility.can_see_details(viewer_of(request), t):
            # docs/privacy.md: that it exists and its status, nothing more.
            body = {"number": t.number, "community": t.community_id, "status": t.status, "details": False}
            return web.json_response(body, dumps=_dumps)
        events = await tickets.events_of(session=session, ticket_id=t.id)
        files = await attachments.of_ticket(session=session, ticket_id=t.id)
        settings = request.app[RUNTIME].settings
    body = {
        "details": True,
        "number": t.number, "community": t.community_id, "status": t.status, "category": t.category,
        "urgency": t.urgency, "text": t.text, "reporter": t.reporter_id, "claimer": t.claimer_id,
        "room": t.room_id, "grid": t.grid_id, "building": t.building, "unit": t.unit,
        "room_no": t.room_no, "points_awarded": t.points_awarded, "affected_count": t.affected_count,
        "evidence": t.evidence, "rating": t.rating, "dispatch_level": t.dispatch_level,
        "created_at": _iso(t.created_at), "claimed_at": _iso(t.claimed_at), "done_at": _iso(t.done_at),
        "verified_at": _iso(t.verified_at), "closed_at": _iso(t.closed_at), "deadline_at": _iso(t.deadline_at),
        "events": [
            {"action": e.action, "from": e.from_status, "to": e.to_status, "by": e.actor_id,
             "note": e.note, "at": _iso(e.created_at)}
            for e in events
        ],
        # Signed, expiring links (bot/web/files.py); details only, like the text (docs/privacy.md).
        "attachments": [attachments.describe(settings, a) for a in files],
    }
    return web.json_response(body, dumps=_dumps)


async def get_points(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    person_id = bounds.identifier(request.match_info["person_id"], field="人员 id", limit=bounds.PERSON_ID_MAX)
    async with request.app[RUNTIME].db.sessions() as session:
        person = await session.get(Person, person_id)
        if person is None:
            return json_error(404, say("web_person_not_found", person=person_id))
        total = await points.balance(session=session, person_id=person_id)
        rows = await points.entries(session=session, person_id=person_id, limit=200)
    entries = [
        {"id": e.id, "amount": e.amount, "rule": e.rule, "reason": e.reason, "community": e.community_id,
         "ticket_id": e.ticket_id, "by": e.actor_id, "at": _iso(e.created_at)}
        for e in rows
    ]
    return web.json_response({"person": person_id, "name": person.name, "balance": total, "entries": entries},
                             dumps=_dumps)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/tickets/{number}", get_ticket)
    app.router.add_get("/api/people/{person_id}/points", get_points)
