"""The simulator's JSON API (product.md: Local simulator)."""
from __future__ import annotations

import json
import uuid

from aiohttp import web

from bot import bounds
from bot.db.directory_cache import MISSING
from bot.db.models import OutboxMessage
from bot.messages import IncomingMessage
from bot.replies import say
from bot.services import directory, outbox


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _reply_json(row: OutboxMessage) -> dict:
    return {"room": row.room_id, "to": row.to_person, "text": row.text, "mentions": list(row.mentions)}


async def post_message(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    runtime = request.app[RUNTIME]
    body = bounds.json_body(await request.read())
    if not isinstance(body, dict):
        raise bounds.BadInput(say("web_json_object"))
    sender = bounds.identifier(body.get("sender"), field="sender（发言人 id）", limit=bounds.PERSON_ID_MAX)
    room = body.get("room")
    if room is not None and not isinstance(room, str):
        raise bounds.BadInput(say("web_not_string", field="room（群 id，私聊为 null）"))
    room = bounds.identifier(room, field="room", limit=bounds.ROOM_ID_MAX, required=False)
    text = bounds.text(body.get("text"), field="text（消息内容）", limit=bounds.TEXT_MAX)
    name = bounds.text(body.get("name") or sender, field="name", limit=bounds.NAME_MAX)
    msg_id = body.get("msg_id")
    if isinstance(msg_id, str) and not msg_id.strip():
        # An empty id would be shared by every id-less message of the sender: the second
        # would be taken for a redelivery of the first. Omitting msg_id makes one up.
        raise bounds.BadInput(say("web_msg_id_empty"))
    if isinstance(msg_id, int) and not isinstance(msg_id, bool):
        msg_id = str(msg_id)  # scripts have always been allowed numeric ids
    msg_id = bounds.identifier(msg_id, field="msg_id", limit=bounds.MSG_ID_MAX, required=False)
    if room is not None and not await _room_exists(runtime.db, room):
        raise bounds.BadInput(say("web_unknown_room", room=room))
    message = IncomingMessage(
        platform="sim", msg_id=msg_id or uuid.uuid4().hex,
        sender_id=sender, sender_name=name, text=text, room_id=room,
    )
    rows = await runtime.dispatcher.handle(message)
    return web.json_response({"replies": [_reply_json(r) for r in rows]}, dumps=_dumps)


async def _room_exists(db, room: str) -> bool:
    # The directory cache answers almost every time: a session per request would cost a
    # pool checkout (under load, a fresh connection beyond the pool) for one lookup.
    cached = db.cache.room(room)
    if cached is not MISSING:
        return cached is not None
    async with db.sessions() as session:
        return await directory.get_room(session=session, room_id=room) is not None


async def get_outbox(request: web.Request) -> web.Response:
    """What the bot sent after ``after``, as seen by ``as`` (the page's "我是"): group messages, and
    private messages to that person only — never anyone else's (voucher codes travel privately)."""
    from bot.web.app import RUNTIME

    after = bounds.whole_number(request.query.get("after"), field="after", default=0)
    viewer = bounds.identifier(request.query.get("as"), field="as", limit=bounds.PERSON_ID_MAX, required=False)
    async with request.app[RUNTIME].db.sessions() as session:
        rows = await outbox.after(session=session, seq=after, viewer=viewer)
    messages = [{"seq": r.id, **_reply_json(r)} for r in rows]
    return web.json_response({"messages": messages}, dumps=_dumps)


async def get_directory(request: web.Request) -> web.Response:
    from sqlalchemy import select

    from bot.db.models import Community, Grid, Person, PersonRole, Room
    from bot.web.app import RUNTIME

    async with request.app[RUNTIME].db.sessions() as session:
        communities = [{"id": c.id, "name": c.name}
                       for c in await session.scalars(select(Community).order_by(Community.id))]
        grids = {g.id: g.name for g in await session.scalars(select(Grid))}
        rooms = [
            {"id": r.id, "name": r.name, "kind": r.kind, "grid": grids.get(r.grid_id), "community": r.community_id}
            for r in await session.scalars(select(Room).order_by(Room.community_id, Room.id))
        ]
        people: dict[tuple[str, str], dict] = {}
        rows = await session.execute(
            select(Person.id, Person.name, PersonRole.role, PersonRole.community_id)
            .join(PersonRole, PersonRole.person_id == Person.id).order_by(Person.id)
        )
        for pid, pname, role, community in rows:
            entry = people.setdefault((pid, community), {"id": pid, "name": pname, "roles": [], "community": community})
            entry["roles"].append(role)
        street_list = await _streets(session)
    return web.json_response({"communities": communities, "rooms": rooms, "people": list(people.values()),
                              "streets": street_list}, dumps=_dumps)


async def _streets(session) -> list[dict]:
    """Streets above the communities, with their officers and departments (issue 13)."""
    from sqlalchemy import select

    from bot.db.models_streets import Street
    from bot.services import streets

    out = []
    for street in await session.scalars(select(Street).order_by(Street.id)):
        out.append({
            "id": street.id, "name": street.name, "district": street.district_id,
            "communities": [c.id for c in await streets.communities_of(session=session, street_id=street.id)],
            "officers": await streets.officers_of(session=session, street_id=street.id),
            "departments": [{"id": d.id, "name": d.name, "contact": d.contact_id, "room": d.room_id}
                            for d in await streets.departments_of(session=session, street_id=street.id)],
        })
    return out


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/sim/messages", post_message)
    app.router.add_get("/api/sim/outbox", get_outbox)
    app.router.add_get("/api/sim/directory", get_directory)
