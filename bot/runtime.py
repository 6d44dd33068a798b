"""Wiring: database, dispatcher, transport, outbox sender and web server in one object."""
from __future__ import annotations

import functools
import logging
from importlib import resources

from aiohttp import web
from sqlalchemy import func, select

from bot.config import Settings
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.db.models import Community
from bot.dispatch import Dispatcher
from bot.scheduler import Scheduler
from bot.sender import OutboxSender
from bot.sender_owner import default_owner
from bot.services import loader, outbox, welcome
from bot.transports.base import Transport
from bot.transports.ratelimit import Clock

log = logging.getLogger(__name__)


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
        from handlers import build_routers, group_chatter

        self.settings = settings
        self.db = db or Database(settings.database_url, pool_size=settings.db_pool_size,
                                cache_people=settings.directory_cache_people)
        self.transport = transport or make_transport(settings)
        self.dispatcher = Dispatcher(self.db, settings, build_routers(), chatter=group_chatter)
        self.sender = OutboxSender(
            self.db, self.transport, clock=clock, max_attempts=settings.outbox_max_attempts,
            backoff_base=settings.outbox_backoff_seconds, backoff_max=settings.outbox_backoff_max_seconds,
            lease_seconds=settings.outbox_lease_seconds, on_restart=settings.outbox_on_restart,
            owner=settings.outbox_owner or default_owner(settings.transport, settings.http_port),
        )
        self.dispatcher.on_sent = self.sender.wake
        self.sender.load_file = functools.partial(_outgoing_file, self.db, settings)
        if self.transport.on_room_join is None:
            self.transport.on_room_join = self.on_room_join
        self._site_runner: web.AppRunner | None = None
        # Lifecycle automation (issue 5): one periodic tick over durable due items.
        self.scheduler = Scheduler(self.db, settings, on_sent=self.sender.wake)

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

    async def start(self, *, serve_http: bool = True) -> None:
        import nlp

        if serve_http:
            from bot.web.auth import check_exposure

            check_exposure(self.settings)  # before anything starts: ValueError is a one-line config error
        nlp.warm_up()  # load the lexicon and jieba now, not on the first resident's message
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
        await self.transport.start(self.dispatcher.handle)
        self.sender.start()
        if self.settings.scheduler_enabled:
            self.scheduler.start()

    async def stop(self) -> None:
        if self._site_runner:
            await self._site_runner.cleanup()
        await self.scheduler.stop()
        await self.sender.stop()
        await self.transport.stop()
        await self.db.dispose()

    async def on_room_join(self, event) -> None:
        """A transport's room-join event (``RoomJoin``): queue the welcome through the outbox."""
        async with self.db.transaction() as session:
            rows = await welcome.welcome(session=session, room_id=event.room_id,
                                         newcomers=list(event.members), bot_joined=event.bot_joined)
        if rows:
            self.sender.wake()

    async def health(self) -> dict:
        async with self.db.sessions() as session:
            backlog = await outbox.stats(session=session)
        from bot import health

        transport = self.transport.health()
        accounts = health.accounts(transport)
        return {"ok": True, "transport": transport, "accounts": accounts,
                "accounts_online": sum(a["state"] == health.ONLINE for a in accounts),
                "outbox_backlog": backlog["pending"], "outbox": backlog, "sender": self.sender.health()}
