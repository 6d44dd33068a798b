"""A test reads like a conversation: someone says X, the bot replies Y, the table holds Z."""
from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass

from sqlalchemy import select

from bot.config import Settings
from bot.db.models import OutboxMessage, Ticket
from bot.messages import Attachment, IncomingMessage, Outgoing
from bot.runtime import Runtime
from bot.transports.simulator import SimulatorTransport

_ids = itertools.count(1)

# The demo community (bot/demo/demo.yaml)
EAST, WEST, MEMBERS = "room-east", "room-west", "room-members"
SECRETARY, GRID_WORKER = "sec-wang", "gw-zhou"
MEMBER_LI, MEMBER_CHEN, MEMBER_LIU = "mem-li", "mem-chen", "mem-liu"
RES_ZHAO, RES_SUN, RES_WU = "res-zhao", "res-sun", "res-wu"
NAMES = {
    SECRETARY: "王书记", GRID_WORKER: "周网格员", MEMBER_LI: "李师傅", MEMBER_CHEN: "陈老师",
    MEMBER_LIU: "刘大姐", RES_ZHAO: "赵阿姨", RES_SUN: "孙先生", RES_WU: "吴奶奶",
}


class RecordingTransport(SimulatorTransport):
    """The simulator's transport, also recording what the sender delivered as ``Outgoing``s."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Outgoing] = []

    async def send(self, message: Outgoing, idempotency_key: str | None = None) -> None:
        self.sent.append(message)
        await super().send(message, idempotency_key)

    def health(self) -> dict:
        return {"transport": self.name}


@dataclass
class Reply:
    room: str | None
    to: str | None
    text: str
    mentions: list[str]
    key: str | None = None  # the reply template (bot.replies key) that produced the text
    image_id: int | None = None  # a photo sent with the text (issue 12)


class BotHarness:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @classmethod
    async def create(cls, database_url: str, **overrides) -> "BotHarness":
        if "file_dir" not in overrides:
            overrides["file_dir"] = tempfile.mkdtemp(prefix="gridbot-files-")
        settings = Settings(_env_file=None, database_url=database_url, transport="sim", **overrides)
        runtime = Runtime(settings, transport=RecordingTransport())
        await runtime.transport.start(runtime.dispatcher.handle)  # the web routes' inbound path
        return cls(runtime)

    async def close(self) -> None:
        await self.runtime.db.dispose()

    async def say(self, sender: str, text: str, room: str | None = EAST, *, msg_id: str | None = None,
                  name: str | None = None, mentions: tuple[str, ...] = (),
                  attachments: tuple[Attachment, ...] = (), quoted: str | None = None) -> list[Reply]:
        """``quoted``: the text of a quoted message (引用), as the transports deliver it."""
        msg = IncomingMessage(
            platform="test", msg_id=msg_id or f"m{next(_ids)}", sender_id=sender,
            sender_name=name or NAMES.get(sender, sender), text=text, room_id=room, mentions=mentions,
            attachments=attachments, quoted_text=quoted,
        )
        rows = await self.runtime.dispatcher.handle(msg)
        return [Reply(r.room_id, r.to_person, r.text, list(r.mentions), r.reply_key, getattr(r, "image_id", None))
                for r in rows]

    async def ticket(self, number: int, community: str = "xingfuli") -> Ticket | None:
        async with self.runtime.db.sessions() as session:
            return await session.scalar(
                select(Ticket).where(Ticket.community_id == community, Ticket.number == number)
            )

    async def tickets(self) -> list[Ticket]:
        async with self.runtime.db.sessions() as session:
            return list(await session.scalars(select(Ticket).order_by(Ticket.id)))

    async def outbox(self) -> list[OutboxMessage]:
        async with self.runtime.db.sessions() as session:
            return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    async def open_ticket(self, text: str = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", sender: str = RES_ZHAO) -> int:
        replies = await self.say(sender, text, EAST)
        if [r.key for r in replies] == ["demand_ask"]:  # between the bands the bot asks first: the resident says yes
            replies = await self.say(sender, "是", EAST)
        ticket = (await self.tickets())[-1]
        assert any(f"#{ticket.number}" in r.text for r in replies), replies
        return ticket.number

    async def done_ticket(self, claimer: str = MEMBER_LI) -> int:
        """A ticket opened, claimed and reported done: waiting for a secretary's 验收."""
        number = await self.open_ticket()
        await self.say(claimer, f"接单 {number}", MEMBERS)
        await self.say(claimer, f"完成 {number} 换好了", MEMBERS)
        return number


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def keys(replies: list[Reply]) -> list[str | None]:
    return [r.key for r in replies]
