"""The router and the outer middleware.

For each incoming message the middleware opens one transaction, records the
message id (a redelivery becomes a no-op that returns the first answer), finds
the sender's roles, runs the first matching route and writes every reply to
the outbox in that same transaction. Domain errors become friendly replies
here, in one place; anything unexpected is logged and answered with an apology,
never a traceback.
"""
from __future__ import annotations

import inspect
import logging
import re
import time
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import flows, logs, metrics
from bot.clock import utcnow
from bot.commands import (
    DEPARTMENTS_ONLY,
    EVERYONE,
    MEMBERS_ONLY,
    REGISTRY,
    STAFF_ONLY,
    Command,
    CommandSpec,
    HelpEntry,
    parse_command,
)
from bot.config import Settings
from bot.db.directory_cache import MISSING, RoomInfo
from bot.db.engine import Database
from bot.db.models import OutboxMessage, ProcessedMessage
from bot.db.upsert import prepared_insert_ignore
from bot.errors import DomainError, Forbidden, RaceLost
from bot.messages import IncomingMessage, Outgoing
from bot.replies import ROLE_NAMES, say
from bot.services import directory, outbox
from bot.services.directory import DEPARTMENT, STAFF, Actor
from bot.services.outbox import Queued

log = logging.getLogger(__name__)

# Control characters other than newline and tab carry nothing a person meant.
_MARK_PROCESSED = prepared_insert_ignore(ProcessedMessage.__table__)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
MAX_COMMAND_LENGTH = 2000
RACE_ATTEMPTS = 3
# Each pool (the main one, the ticket counters') can hand out one connection lost with the
# others before it notices; more than that in a row is an outage, not a blip.
LOSS_ATTEMPTS = 4


@dataclass
class Context:
    msg: IncomingMessage
    session: AsyncSession
    actor: Actor
    room: RoomInfo | None
    settings: Settings
    text: str
    command: Command | None
    outgoing: list[Outgoing] = field(default_factory=list)
    # What the message turned out to be, for /metrics (bot.metrics.MESSAGE_KINDS); routes may refine it.
    kind: str = "message"

    def reply(self, text: str, *, key: str | None = None) -> None:
        """Answer the sender where they spoke: in the group with a mention, or privately.

        ``key`` names the reply when the text was put together from several sentences."""
        if self.msg.room_id is None:
            self.outgoing.append(Outgoing(text=text, to=self.msg.sender_id, key=key))
        else:
            sender = self.msg.sender_id
            self.outgoing.append(Outgoing(text=text, room_id=self.msg.room_id, to=sender, mentions=(sender,),
                                          key=key))

    def send(self, room_id: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        self.outgoing.append(Outgoing(text=text, room_id=room_id, mentions=mentions))

    def tell(self, person_id: str, text: str) -> None:
        self.outgoing.append(Outgoing(text=text, to=person_id))


Handler = Callable[..., Awaitable[Any]]


class _NotMine:
    """Returned by a message route that looked and found the text is not for it (it wrote
    nothing): the next matching route is tried, e.g. 我去 with no open roll call claims a task."""


NOT_MINE = _NotMine()
_INJECTABLE = {"ctx", "msg", "session", "actor", "room", "command", "settings", "text"}


@dataclass(frozen=True)
class Route:
    handler: Handler
    matches: Callable[[Context], bool]
    roles: tuple[str, ...] | None
    label: str
    params: tuple[str, ...]


class Router:
    """Routes tried in the order they were added; handlers name what they need."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []

    def _add(self, handler: Handler, matches, roles, label) -> Handler:
        params = tuple(inspect.signature(handler).parameters)
        unknown = set(params) - _INJECTABLE
        if unknown:
            raise TypeError(f"{handler.__name__} asks for unknown dependencies {unknown}")
        self.routes.append(Route(handler, matches, roles, label, params))
        return handler

    def command(
        self, name: str, *, words: tuple[str, ...], usage: str | tuple[str, ...], help: str,
        roles: tuple[str, ...] | None = None, number: bool = False, standalone: bool = False,
        strong: bool = False, audience: str | None = None, hidden: bool = False,
    ):
        """Declare a command once: its words, who may use it, how it is typed and what it does.

        The grammar, 帮助 and the README's table are generated from this (bot.commands)."""
        if audience is None:
            audience = (EVERYONE if roles is None else STAFF_ONLY if set(roles) <= set(STAFF)
                        else DEPARTMENTS_ONLY if set(roles) == {DEPARTMENT} else MEMBERS_ONLY)
        spec = CommandSpec(name=name, words=words, usage=(usage,) if isinstance(usage, str) else usage,
                           help=help, roles=roles, number=number, standalone=standalone, strong=strong,
                           audience=audience, hidden=hidden)
        REGISTRY.add(spec)

        def decorate(handler: Handler) -> Handler:
            matches = lambda ctx: ctx.command is not None and ctx.command.name == name  # noqa: E731
            return self._add(handler, matches, roles, words[0])
        return decorate

    def note(self, audience: str, usage: str, help: str) -> None:
        """Declare, for 帮助 and the README, something people do without a command word."""
        REGISTRY.note(HelpEntry(audience, usage, help))

    def message(self, when: Callable[[Context], bool] | None = None):
        def decorate(handler: Handler) -> Handler:
            matches = lambda ctx: ctx.command is None and (when is None or when(ctx))  # noqa: E731
            return self._add(handler, matches, None, handler.__name__)
        return decorate


def check_roles(route: Route, ctx: Context) -> None:
    """Permissions, checked in one place."""
    if route.roles is None:
        return
    if not (ctx.actor.roles & set(route.roles)):
        names = "、".join(dict.fromkeys(ROLE_NAMES[r] for r in route.roles))
        word = ctx.command.word if ctx.command else route.label
        raise Forbidden(("/" if ctx.command and ctx.command.slash else "") + word, names)


class Dispatcher:
    def __init__(self, db: Database, settings: Settings, routers: list[Router],
                 chatter: Callable[[RoomInfo, str], bool] | None = None,
                 ahead: Callable[[IncomingMessage, str, Settings, Any], Awaitable[None]] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.routers = routers
        # Pure test for group text no route would act on (see handlers.group_chatter).
        self.chatter = chatter
        # Slow work a message may need that must not run inside its transaction (a network call,
        # see handlers.ask_ahead); it gets the message, its text, the settings and the directory cache.
        self.ahead = ahead
        self.on_sent: Callable[[], None] | None = None  # wakes the sender

    async def handle(self, msg: IncomingMessage) -> list[OutboxMessage | Queued]:
        """Handle one message exactly once; return what the bot queued because of it."""
        key = msg.dedup_key
        # Every log line from here on names the message (and the ticket, once known): bot/logs.py.
        tokens = (logs.MESSAGE_ID.set(key), logs.TICKET.set(None), _KIND.set("ignored"))
        start = time.perf_counter()
        try:
            return await self._handle_logged(msg, key)
        finally:
            metrics.HANDLE_SECONDS.observe(time.perf_counter() - start)
            metrics.MESSAGES.labels(kind=_KIND.get()).inc()
            logs.MESSAGE_ID.reset(tokens[0])
            logs.TICKET.reset(tokens[1])
            _KIND.reset(tokens[2])

    async def _handle_logged(self, msg: IncomingMessage, key: str) -> list[OutboxMessage | Queued]:
        text = _CONTROL.sub("", msg.text or "").strip()
        try:
            rows = await self._handle_retrying(msg, text, key)
        except _Duplicate:
            _KIND.set("duplicate")
            async with self.db.transaction() as session:
                return await outbox.by_cause(session=session, cause=key)
        except DomainError as error:
            rows = await self._answer_alone(msg, key, say(error.key, **error.fields))
        except Exception:  # noqa: BLE001 - the one place that turns surprises into an apology
            _KIND.set("error")
            log.exception("failed to handle message %s", key)
            rows = await self._answer_alone(msg, key, say("err_internal"))
        if rows and self.on_sent:
            self.on_sent()
        return rows

    async def _handle_retrying(self, msg: IncomingMessage, text: str, key: str) -> list[OutboxMessage]:
        # A report that raced another report of the same problem was rolled back whole;
        # handled again it sees the other ticket and joins it. Bounded: a race needs a
        # matching ticket committed in between, which the next attempt then finds.
        # Likewise a transaction whose database connection was lost (a server restart, a
        # killed backend) was rolled back whole, and the pool has dropped that connection.
        races = losses = 0
        while True:
            try:
                return await self._handle_once(msg, text, key)
            except RaceLost:
                races += 1
                if races >= RACE_ATTEMPTS:
                    raise
                log.info("message %s raced another report of the same problem; handling it again", key)
            except DBAPIError as error:
                losses += 1
                if not error.connection_invalidated or losses >= LOSS_ATTEMPTS:
                    raise
                log.warning("message %s lost its database connection; handling it again", key)

    async def _handle_once(self, msg: IncomingMessage, text: str, key: str) -> list[OutboxMessage]:
        if not text and (not msg.attachments or msg.nothing_to_handle):
            # empty, whitespace or control characters only, or a sticker (a red packet, a shared
            # article in a group): nothing to say or store (bot.messages.SILENT_KINDS)
            return []
        if not msg.attachments and self._is_known_chatter(msg, text):
            # Most group traffic is conversation. When the room and the sender are known
            # and no route would act, nothing is written: handling it again is the same no-op.
            _KIND.set("chat")
            return []
        if self.ahead is not None and not msg.attachments:
            await self.ahead(msg, text, self.settings, self.db.cache)
        async with self.db.transaction() as session:
            await self._mark_processed(session, key)
            room = await directory.room_info(session=session, room_id=msg.room_id) if msg.room_id else None
            if msg.room_id is not None and room is None:
                return []  # a group the bot was not told about: stay quiet
            actor = await directory.resolve_actor(
                session=session, person_id=msg.sender_id, name=msg.sender_name, room=room,
                community_hint=msg.community_hint,
            )
            command = parse_command(quoted_claim(msg.quoted_text, text) or text)
            if command is not None and len(text) > MAX_COMMAND_LENGTH:
                raise DomainError("err_too_long", limit=MAX_COMMAND_LENGTH)
            ctx = Context(msg, session, actor, room, self.settings, text, command)
            if command is not None:
                ctx.kind = "command"
            try:
                await self._route(ctx)
            finally:
                _KIND.set(ctx.kind)
            return await _write(session, ctx.outgoing, key)

    def _is_known_chatter(self, msg: IncomingMessage, text: str) -> bool:
        if self.chatter is None or msg.room_id is None or msg.quoted_text:
            return False
        room = self.db.cache.room(msg.room_id)
        if room is MISSING or room is None:
            return False
        actor = self.db.cache.actor(msg.sender_id, room.community_id)
        offered = directory.offered_name(msg.sender_name, msg.sender_id)
        if actor is None or (offered is not None and actor.person.name != offered):
            return False
        if parse_command(text) is not None or flows.could_answer(text):
            return False
        return self.chatter(room, text)

    async def _mark_processed(self, session: AsyncSession, key: str) -> None:
        # One statement; a concurrent delivery of the same message waits for the first
        # to commit and then inserts nothing.
        result = await _MARK_PROCESSED.run(session, {"key": key, "processed_at": utcnow()})
        if result.first() is None:
            raise _Duplicate

    async def _route(self, ctx: Context) -> None:
        # The bot's open question in this conversation comes first: "是", "6号楼", "满意".
        if await flows.answer(ctx):
            ctx.kind = "flow"
            return
        for router in self.routers:
            for route in router.routes:
                if route.matches(ctx):
                    check_roles(route, ctx)
                    if await route.handler(**_inject(route, ctx)) is NOT_MINE:
                        continue
                    return

    async def _answer_alone(self, msg: IncomingMessage, key: str, text: str) -> list[OutboxMessage]:
        """The handler's work was rolled back; record the message and say why, in a new transaction."""
        if msg.room_id is None:
            reply = Outgoing(text=text, to=msg.sender_id)
        else:
            reply = Outgoing(text=text, room_id=msg.room_id, to=msg.sender_id, mentions=(msg.sender_id,))
        try:
            async with self.db.transaction() as session:
                await self._mark_processed(session, key)
                return await outbox.enqueue(session=session, messages=[reply], cause=key)
        except _Duplicate:
            return []


async def _write(session: AsyncSession, outgoing: list[Outgoing], key: str) -> list[Queued]:
    """The one writer of the rows a message causes: its answer under its own key, anything
    held for later (quiet hours) under ``later:<key>``, so a redelivery returns the answer only."""
    answer = [m for m in outgoing if m.not_before is None]
    held = [m for m in outgoing if m.not_before is not None]
    if held:
        await outbox.enqueue(session=session, messages=held, cause=outbox.later_cause(key))
    return await outbox.enqueue(session=session, messages=answer, cause=key)


class _Duplicate(Exception):
    pass


_KIND: ContextVar[str] = ContextVar("gridbot_message_kind", default="ignored")


def _inject(route: Route, ctx: Context) -> dict[str, Any]:
    available = {
        "ctx": ctx, "msg": ctx.msg, "session": ctx.session, "actor": ctx.actor, "room": ctx.room,
        "command": ctx.command, "settings": ctx.settings, "text": ctx.text,
    }
    return {name: available[name] for name in route.params}


# A quoted reply (引用) to a task broadcast saying "I'll take it" claims that task.
_CLAIM_REPLY = re.compile(r"^(?:我来|我接|接单|接了|接|抢单)[!！。.~～\s]*$")
_QUOTED_TASK = re.compile(r"【新任务\s*#\s*(\d{1,9})】|#\s*(\d{1,9})")


def quoted_claim(quoted: str | None, text: str) -> str | None:
    """``接单 N`` when ``text`` is a claim word replying to a quote of task N, else None."""
    if not quoted or not _CLAIM_REPLY.match(text):
        return None
    match = _QUOTED_TASK.search(unicodedata.normalize("NFKC", quoted))
    return f"接单 {match.group(1) or match.group(2)}" if match else None
