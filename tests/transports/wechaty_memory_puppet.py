"""An in-memory wechaty Puppet for tests: no network, records what is sent.

Import only after ``bot.transports.wechaty_compat.import_wechaty()``.
Listeners are awaited one by one, so the bot's handlers have finished when an
``inject_*`` call returns (the real service emits fire-and-forget).
"""
from __future__ import annotations

import asyncio
import inspect
import itertools
import time
import uuid
from collections import defaultdict

from wechaty_puppet import (
    ContactPayload,
    EventHeartbeatPayload,
    EventLoginPayload,
    EventMessagePayload,
    EventRoomJoinPayload,
    MessagePayload,
    MessageType,
    Puppet,
    RoomMemberPayload,
    RoomPayload,
)

_RUN = uuid.uuid4().hex[:8]  # message ids unique across tests in one process
_seq = itertools.count(1)


def new_id(prefix: str = "m") -> str:
    return f"{prefix}-{_RUN}-{next(_seq)}"


class MemoryPuppet(Puppet):
    def __init__(self, bot_id: str = "bot-wxid", bot_name: str = "网格通") -> None:
        super().__init__(name="memory")
        self.bot_id = bot_id
        self.listeners: dict[str, list] = defaultdict(list)
        self.contacts: dict[str, ContactPayload] = {}
        self.rooms: dict[str, RoomPayload] = {}
        self.aliases: dict[tuple[str, str], str] = {}
        self.messages: dict[str, MessagePayload] = {}
        self.sent: list[tuple[str, str, list[str] | None]] = []
        self.starts = 0
        self.fail_starts = 0  # the next N start() calls raise, like a gateway that is down
        self._stopped: asyncio.Event | None = None
        self.files: dict[str, object] = {}  # message id → FileBox (images, voice, video, files)
        self.urls: dict[str, object] = {}  # message id → UrlLinkPayload
        self.add_contact(bot_id, bot_name)

    # -- fixtures ------------------------------------------------------------
    def add_contact(self, cid: str, name: str) -> None:
        self.contacts[cid] = ContactPayload(id=cid, name=name)

    def add_room(self, rid: str, topic: str, members: dict[str, str], aliases: dict[str, str] | None = None) -> None:
        for cid, name in members.items():
            self.add_contact(cid, name)
        ids = [self.bot_id, *members]
        self.rooms[rid] = RoomPayload(id=rid, topic=topic, member_ids=ids, owner_id=ids[-1])
        for cid, alias in (aliases or {}).items():
            self.aliases[(rid, cid)] = alias

    # -- event plumbing --------------------------------------------------------
    def on(self, event_name: str, caller) -> None:
        self.listeners[event_name].append(caller)

    def listener_count(self, event_name: str) -> int:
        return len(self.listeners[event_name])

    async def emit(self, event_name: str, payload) -> None:
        for listener in list(self.listeners[event_name]):
            result = listener(payload)
            if inspect.isawaitable(result):
                await result

    async def start(self) -> None:
        self.starts += 1
        if self.fail_starts:
            self.fail_starts -= 1
            raise ConnectionError("gateway unreachable")
        self._stopped = asyncio.Event()
        await self.emit("login", EventLoginPayload(contact_id=self.bot_id))
        await self._stopped.wait()  # like PuppetService: returns when the stream ends

    async def stop(self) -> None:
        self.listeners.clear()  # PuppetService.stop() drops its listeners too
        if self._stopped is not None:
            self._stopped.set()

    def drop_connection(self) -> None:
        if self._stopped is not None:
            self._stopped.set()

    def self_id(self) -> str:
        return self.bot_id

    # -- payloads ----------------------------------------------------------------
    async def contact_payload(self, contact_id: str) -> ContactPayload:
        return self.contacts.get(contact_id) or ContactPayload(id=contact_id)

    async def room_payload(self, room_id: str) -> RoomPayload:
        return self.rooms[room_id]

    async def room_members(self, room_id: str) -> list[str]:
        return list(self.rooms[room_id].member_ids)

    async def room_member_payload(self, room_id: str, contact_id: str) -> RoomMemberPayload:
        c = self.contacts.get(contact_id) or ContactPayload(id=contact_id)
        return RoomMemberPayload(id=contact_id, name=c.name, room_alias=self.aliases.get((room_id, contact_id), ""))

    async def message_payload(self, message_id: str) -> MessagePayload:
        return self.messages[message_id]

    async def message_send_text(self, conversation_id: str, message: str, mention_ids=None) -> str:
        self.sent.append((conversation_id, message, mention_ids))
        mid = new_id("sent")
        in_room = conversation_id in self.rooms
        self.messages[mid] = MessagePayload(
            id=mid, text=message, type=MessageType.MESSAGE_TYPE_TEXT, from_id=self.bot_id,
            room_id=conversation_id if in_room else "", to_id="" if in_room else conversation_id,
            mention_ids=list(mention_ids or []), timestamp=int(time.time()),
        )
        return mid

    async def message_image(self, message_id: str, image_type=None):
        return self.files[message_id]

    async def message_file(self, message_id: str):
        return self.files[message_id]

    async def message_url(self, message_id: str):
        return self.urls[message_id]

    async def message_mini_program(self, message_id: str):
        return self.urls[message_id]  # a MiniProgramPayload, passed as ``url=``

    # -- things that happen in WeChat ------------------------------------------------
    async def inject_message(self, *, from_id: str, text: str, room_id: str = "", mention_ids=(),
                             msg_id: str | None = None, type=MessageType.MESSAGE_TYPE_TEXT,
                             file_box=None, url=None) -> str:
        mid = msg_id or new_id()
        if file_box is not None:
            self.files[mid] = file_box
        if url is not None:
            self.urls[mid] = url
        self.messages[mid] = MessagePayload(
            id=mid, text=text, type=type, from_id=from_id, room_id=room_id,
            to_id="" if room_id else self.bot_id, mention_ids=list(mention_ids), timestamp=int(time.time()),
        )
        await self.emit("message", EventMessagePayload(message_id=mid))
        return mid

    async def inject_room_join(self, room_id: str, invited: dict[str, str], inviter_id: str) -> None:
        for cid, name in invited.items():
            self.add_contact(cid, name)
            if cid not in self.rooms[room_id].member_ids:
                self.rooms[room_id].member_ids.append(cid)
        await self.emit("room-join", EventRoomJoinPayload(
            invited_ids=list(invited), inviter_id=inviter_id, room_id=room_id, timestamp=int(time.time())))

    async def inject_heartbeat(self) -> None:
        await self.emit("heart-beat", EventHeartbeatPayload(data="beat"))
