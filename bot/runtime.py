"""Wiring: database, dispatcher, transport, outbox sender and web server in one object."""
from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable
from importlib import resources
from pathlib import Path

from aiohttp import web
from sqlalchemy import func, select

from bot import fleet
from bot.config import Settings
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.db.models import Community
from bot.db.models_accounts import DEFAULT_ACCOUNT
from bot.dispatch import Dispatcher
from bot.scheduler import Scheduler
from bot.sender import OutboxSender
from bot.sender_owner import default_owner
from bot.services import accounts, loader, outbox, welcome
from bot.transports.base import Transport
from bot.transports.ratelimit import Clock

log = logging.getLogger(__name__)
STOP_STEP_SECONDS = 15.0


async def _bounded(what: str, step: Awaitable[object], seconds: float = STOP_STEP_SECONDS) -> None:
    """Wait for one part of a shutdown at most ``seconds``; then cancel it and go on. asyncio.wait, not
    wait_for: wait_for awaits the cancelled task, which hangs again if the part swallows the cancellation."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        log.warning("stopping the %s took longer than %.0f s; going on without it", what, seconds)
        return
    if not task.cancelled() and task.exception() is not None:
        log.warning("stopping the %s failed: %r", what, task.exception())


async def _outgoing_file(db: Database, settings: Settings, attachment_id: int):
    from bot.services.attachments import outgoing_file

    return await outgoing_file(db=db, settings=settings, attachment_id=attachment_id)


def make_transport(settings: Settings) -> Transport:
    if settings.transport == "sim":
        from bot.transports.simulator import SimulatorTransport

        return SimulatorTransport()
    if settings.transport == "wechaty":
        from bot.transports.platforms import wechaty_from_settings

        return wechaty_from_settings(settings)
    if settings.transport == "wecom":
        from bot.transports.platforms import wecom_from_settings

        return wecom_from_settings(settings)
    raise ValueError(f"transport {settings.transport!r} is not available in this build")


class Runtime:
    def __init__(self, settings: Settings, *, transport: Transport | None = None,
                 db: Database | None = None, clock: Clock | None = None) -> None:
        from handlers import ask_ahead, build_routers, group_chatter

        self.settings = settings
        self.db = db or Database(settings.database_url, pool_size=settings.db_pool_size,
                                cache_people=settings.directory_cache_people)
        # The accounts this process drives (issue 16, bot/fleet.py): a transport and a sender each.
        driven = fleet.specs(settings.accounts) if transport is None else []
        if driven:
            self.transports = {s.id: fleet.make_account_transport(settings, s, make_transport) for s in driven}
            owners = {s.id: f"account:{s.id}" for s in driven}
            self.credentials = {s.id: s.credentials for s in driven}
        else:
            self.transports = {DEFAULT_ACCOUNT: transport or make_transport(settings)}
            owners = {DEFAULT_ACCOUNT: settings.outbox_owner or default_owner(settings.transport, settings.http_port)}
            self.credentials = {}
        self.transport = next(iter(self.transports.values()))  # inbound web routes, the simulator
        self.dispatcher = Dispatcher(self.db, settings, build_routers(), chatter=group_chatter,
                                     ahead=ask_ahead)
        self.senders = {account_id: OutboxSender(
            self.db, t, clock=clock, max_attempts=settings.outbox_max_attempts,
            backoff_base=settings.outbox_backoff_seconds, backoff_max=settings.outbox_backoff_max_seconds,
            lease_seconds=settings.outbox_lease_seconds, on_restart=settings.outbox_on_restart,
            owner=owners[account_id], account=account_id,
        ) for account_id, t in self.transports.items()}
        self.sender = next(iter(self.senders.values()))
        self.watcher = fleet.Watcher(self.db, settings, self.transports, self.wake)
        self.owners = owners
        for account_id, sender in self.senders.items():
            sender.load_file = functools.partial(_outgoing_file, self.db, settings)
            sender.paused = self.watcher.paused(account_id)
            sender.on_account_state = self.watcher.reporter(account_id)
            if driven:
                sender.lock.exclusive = True  # one live sender per account
        self.dispatcher.on_sent = self.wake
        for t in self.transports.values():
            if t.on_room_join is None:
                t.on_room_join = self.on_room_join
        self._learned: set[tuple[str, str]] = set()
        self._site_runner: web.AppRunner | None = None
        # Lifecycle automation (issue 5): one periodic tick over durable due items.
        self.scheduler = Scheduler(self.db, settings, on_sent=self.wake)

    def wake(self) -> None:
        for sender in self.senders.values():
            sender.wake()

    def inbound_for(self, account_id: str):
        """The inbound handler of one account's transport: replies prefer that account, and a
        room it hears a message in is recorded as one it is present in."""
        async def handle(message):
            token = accounts.CURRENT.set(account_id)
            try:
                key = (message.room_id, account_id)
                if message.room_id and account_id != DEFAULT_ACCOUNT and key not in self._learned:
                    async with self.db.transaction() as session:
                        await accounts.seen(session=session, room_id=message.room_id, account_id=account_id)
                    self._learned.add(key)
                return await self.dispatcher.handle(message)
            finally:
                accounts.CURRENT.reset(token)
        return handle

    async def prepare(self) -> None:
        """Upgrade the schema; on the simulator, load the demo community into an empty database."""
        await upgrade(self.db.engine)
        if self.settings.transport == "sim" and self.settings.load_demo:
            await self.load_demo_if_empty()

    async def load_demo_if_empty(self) -> bool:
        async with self.db.transaction() as session:
            if await session.scalar(select(func.count()).select_from(Community)):
                return False
            text = resources.files("bot").joinpath("demo/demo.yaml").read_text(encoding="utf-8")
            import yaml

            await loader.load(session=session, data=yaml.safe_load(text))
        log.info("loaded the demo community")
        return True

    def load_nlp(self) -> None:
        """The learned model retrained here (NLP_MODEL) if there is one, then the lexicon and jieba,
        now rather than on the first resident's message."""
        import nlp

        path = self.settings.nlp_model
        if path and Path(path).is_file():
            nlp.use_model(path)
            log.info("classifying with the model retrained at %s", path)
        elif path:
            log.warning("NLP_MODEL=%s is not a file; classifying with the shipped model", path)
        nlp.warm_up()

    async def start(self, *, serve_http: bool = True, drive: bool = True) -> None:
        """``drive=False`` (``gridbot web``): the web app and the scheduler, no platform account."""
        if serve_http:
            from bot.web.auth import check_exposure

            check_exposure(self.settings)  # before anything starts: ValueError is a one-line config error
        self.load_nlp()
        await self.prepare()
        if serve_http:
            # Bind the port first: a port in use fails before any message is taken in or sent.
            from bot.web.app import create_app

            self._site_runner = web.AppRunner(create_app(self), access_log=None)
            await self._site_runner.setup()
            site = web.TCPSite(self._site_runner, self.settings.http_host, self.settings.http_port)
            await site.start()
            from bot.web.auth import describe_exposure

            log.info("%s", describe_exposure(self.settings))
        if drive:
            await self.watcher.register(self.owners, self.credentials)
            for account_id, t in self.transports.items():
                await t.start(self.inbound_for(account_id))
            for sender in self.senders.values():
                sender.start()
            self.watcher.start()
        if self.settings.scheduler_enabled:
            self.scheduler.start()

    async def stop(self) -> None:
        """Each part stops within STOP_STEP_SECONDS: a platform library that never returns (a gRPC stream that
        does not close) must not keep the process, or a test's teardown, from ending."""
        if self._site_runner:
            await _bounded("web server", self._site_runner.cleanup())
        await _bounded("scheduler", self.scheduler.stop())
        await _bounded("account watcher", self.watcher.stop())
        for account, sender in self.senders.items():
            await _bounded(f"sender {account}", sender.stop())
        for account, t in self.transports.items():
            await _bounded(f"transport {account}", t.stop())
        await _bounded("database", self.db.dispose())

    async def on_room_join(self, event) -> None:
        """A transport's room-join event (``RoomJoin``): queue the welcome through the outbox."""
        async with self.db.transaction() as session:
            rows = await welcome.welcome(session=session, room_id=event.room_id,
                                         newcomers=list(event.members), bot_joined=event.bot_joined)
        if rows:
            self.wake()

    async def health(self) -> dict:
        async with self.db.sessions() as session:
            backlog = await outbox.stats(session=session)
        from bot import health

        transport = self.transport.health()
        found = []
        for account_id, t in self.transports.items():
            for entry in health.accounts(t.health()):
                if account_id != DEFAULT_ACCOUNT:
                    entry = {**entry, "id": account_id,
                             "state": self.watcher.states.get(account_id, entry["state"])
                             if entry["state"] == health.ONLINE else entry["state"]}
                found.append(entry)
        return {"ok": True, "transport": transport, "accounts": found,
                "accounts_online": sum(a["state"] == health.ONLINE for a in found),
                "outbox_backlog": backlog["pending"], "outbox": backlog, "sender": self.sender.health(),
                "senders": [s.health() for s in self.senders.values()]}
