"""The simulator's JSON API (product.md: Local simulator)."""
from __future__ import annotations

import base64
import binascii
import json
import uuid

from aiohttp import web

from bot import bounds
from bot.db.directory_cache import MISSING
from bot.db.models import OutboxMessage
from bot.messages import Attachment, IncomingMessage
from bot.replies import say
from bot.services import directory, outbox, sim_directory


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _reply_json(row: OutboxMessage, images: dict[int, dict] | None = None) -> dict:
    body = {"room": row.room_id, "to": row.to_person, "text": row.text, "mentions": list(row.mentions)}
    image_id = getattr(row, "image_id", None)
    if image_id and images and image_id in images:
        body["image"] = images[image_id]  # a photo the bot sent with the text (signed links)
    return body


async def _images(runtime, rows) -> dict[int, dict]:
    """Signed links for the photos some of ``rows`` carry (the page shows them)."""
    ids = {r.image_id for r in rows if getattr(r, "image_id", None)}
    if not ids:
        return {}
    from sqlalchemy import select

    from bot.db.models_files import Attachment
    from bot.services.attachments import link

    async with runtime.db.sessions() as session:
        found = await session.scalars(select(Attachment).where(Attachment.id.in_(ids)))
        return {a.id: {"url": link(runtime.settings, a.storage_key),
                       "thumb_url": link(runtime.settings, a.thumb_key or a.storage_key)}
                for a in found if a.storage_key}


MAX_ATTACHMENTS = 9  # WeChat sends at most nine photos at once
_KINDS = ("image", "voice", "video", "file", "location")


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bounds.BadInput(say("web_not_number", field=field))
    return float(value)


def _attachments(raw: object) -> tuple[Attachment, ...]:
    """product.md: ``attachments: [{kind, name, data (base64), transcript, latitude, longitude, address}]``.
    Only the shape is checked here; what the bytes are is the bot's business (a chat reply)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_ATTACHMENTS:
        raise bounds.BadInput(say("web_attachments_list", limit=MAX_ATTACHMENTS))
    out = []
    for item in raw:
        if not isinstance(item, dict) or item.get("kind") not in _KINDS:
            raise bounds.BadInput(say("web_attachment_kind", kinds="、".join(_KINDS)))
        kind = item["kind"]
        name = bounds.text(item.get("name"), field="attachments.name", limit=200, required=False)
        if kind == "location":
            out.append(Attachment(kind=kind, name=name,
                                  latitude=_number(item.get("latitude"), "attachments.latitude"),
                                  longitude=_number(item.get("longitude"), "attachments.longitude"),
                                  address=bounds.text(item.get("address"), field="attachments.address", limit=300,
                                                      required=False)))
            continue
        encoded = item.get("data")
        if not isinstance(encoded, str):
            raise bounds.BadInput(say("web_attachment_data"))
        try:
            data = base64.b64decode(encoded.split(",", 1)[1] if encoded.startswith("data:") else encoded,
                                    validate=True)
        except (binascii.Error, ValueError):
            raise bounds.BadInput(say("web_attachment_data")) from None
        transcript = bounds.text(item.get("transcript"), field="attachments.transcript", limit=2000, required=False)
        out.append(Attachment(kind=kind, name=name, data=data, size=len(data), transcript=transcript))
    return tuple(out)


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
    attachments = _attachments(body.get("attachments"))
    text = bounds.text(body.get("text") if body.get("text") is not None or not attachments else "",
                       field="text（消息内容）", limit=bounds.TEXT_MAX)
    name = bounds.text(body.get("name") or sender, field="name", limit=bounds.NAME_MAX)
    # 引用: the text of the message replied to, as a platform hands it on (IncomingMessage.quoted_text).
    quoted = bounds.text(body.get("quoted"), field="quoted（引用的消息）", limit=bounds.TEXT_MAX, required=False)
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
        sender_id=sender, sender_name=name, text=text, room_id=room, attachments=attachments,
        quoted_text=quoted or None,
    )
    # The same path as a platform's inbound message: the transport hands it to the dispatcher.
    rows = await runtime.transport.inbound(message)
    images = await _images(runtime, rows)
    return web.json_response({"replies": [_reply_json(r, images) for r in rows]}, dumps=_dumps)


async def _room_exists(db, room: str) -> bool:
    # The directory cache answers almost every time: a session per request would cost a
    # pool checkout (under load, a fresh connection beyond the pool) for one lookup.
    cached = db.cache.room(room)
    if cached is not MISSING:
        return cached is not None
    async with db.sessions() as session:
        return await directory.get_room(session=session, room_id=room) is not None


async def get_outbox(request: web.Request) -> web.Response:
    """What the bot delivered after ``after``, as seen by ``as`` (the page's "我是"): group messages,
    and private messages to that person only — never anyone else's (voucher codes travel privately).
    Delivered, not queued: a message held for quiet hours appears when it is sent. ``boot`` changes
    when the bot restarts (sequence numbers start again)."""
    from bot.web.app import RUNTIME

    after = bounds.whole_number(request.query.get("after"), field="after", default=0)
    viewer = bounds.identifier(request.query.get("as"), field="as", limit=bounds.PERSON_ID_MAX, required=False)
    runtime = request.app[RUNTIME]
    transport = runtime.transport
    if not transport.seeded:
        async with runtime.db.sessions() as session:
            history = await outbox.sent_before(session=session, before=transport.started_at)
        transport.seed(history)
    delivered = transport.feed(after=after, viewer=viewer)
    images = await _images(runtime, delivered)
    messages = []
    for d in delivered:
        body = {"seq": d.seq, "room": d.room, "to": d.to, "text": d.text, "mentions": list(d.mentions)}
        if d.image_id and d.image_id in images:
            body["image"] = images[d.image_id]  # a photo the bot sent with the text (signed links)
        messages.append(body)
    return web.json_response({"messages": messages, "boot": transport.boot}, dumps=_dumps)


async def get_directory(request: web.Request) -> web.Response:
    """One page of the directory: ``?after=<next of the previous page>&limit=N`` (bot/services/sim_directory.py)."""
    from bot.web.app import RUNTIME

    after = bounds.identifier(request.query.get("after"), field="after", limit=bounds.PERSON_ID_MAX, required=False)
    limit = bounds.whole_number(request.query.get("limit"), field="limit", low=1, high=sim_directory.PAGE_MAX,
                                default=sim_directory.PAGE_DEFAULT)
    async with request.app[RUNTIME].db.sessions() as session:
        result = await sim_directory.page(session=session, after=after, limit=limit)
        if after is None:
            result["streets"] = await _streets(session)
    return web.json_response(result, dumps=_dumps)


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
