"""The simulator's JSON API (product.md: Local simulator)."""
from __future__ import annotations

import json
import uuid

from aiohttp import web

from bot.db.directory_cache import MISSING
from bot.db.models import OutboxMessage
from bot.messages import IncomingMessage
from bot.services import directory, outbox

MAX_TEXT = 20_000


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _reply_json(row: OutboxMessage) -> dict:
    return {"room": row.room_id, "to": row.to_person, "text": row.text, "mentions": list(row.mentions)}


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400, dumps=_dumps)


async def post_message(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    runtime = request.app[RUNTIME]
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        return _bad("请求体不是合法的 JSON")
    if not isinstance(body, dict):
        return _bad("请求体应为 JSON 对象")
    room, sender, text = body.get("room"), body.get("sender"), body.get("text")
    name, msg_id = body.get("name") or sender, body.get("msg_id")
    if not isinstance(sender, str) or not sender.strip():
        return _bad("缺少 sender（发言人 id）")
    if room is not None and not isinstance(room, str):
        return _bad("room 应为字符串或 null")
    if not isinstance(text, str):
        return _bad("缺少 text（消息内容）")
    if len(text) > MAX_TEXT:
        return _bad(f"text 过长（最多 {MAX_TEXT} 字）")
    if msg_id is not None and not isinstance(msg_id, (str, int)):
        return _bad("msg_id 应为字符串")
    if room is not None and not await _room_exists(runtime.db, room):
        return _bad(f"未知的群：{room}")
    message = IncomingMessage(
        platform="sim", msg_id=str(msg_id) if msg_id is not None else uuid.uuid4().hex,
        sender_id=sender.strip(), sender_name=str(name)[:64], text=text, room_id=room,
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
    from bot.web.app import RUNTIME

    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return _bad("after 应为整数")
    async with request.app[RUNTIME].db.sessions() as session:
        rows = await outbox.after(session=session, seq=after)
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
    return web.json_response({"communities": communities, "rooms": rooms, "people": list(people.values())},
                             dumps=_dumps)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/sim/messages", post_message)
    app.router.add_get("/api/sim/outbox", get_outbox)
    app.router.add_get("/api/sim/directory", get_directory)
