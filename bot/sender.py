"""Drains the outbox to the transport, in order, marking each row once it is delivered."""
from __future__ import annotations

import asyncio
import logging

from bot.db.engine import Database
from bot.messages import Outgoing
from bot.services import outbox
from bot.transports.base import SendError, Transport

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class OutboxSender:
    def __init__(self, db: Database, transport: Transport, *, poll_seconds: float = 1.0) -> None:
        self.db = db
        self.transport = transport
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                while await self.drain_once():
                    pass
            except Exception:  # noqa: BLE001 - keep the sender alive; the row stays pending
                log.exception("outbox drain failed")
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    async def drain_once(self, limit: int = 100) -> int:
        """Send one batch of pending rows; returns how many were delivered."""
        async with self.db.sessions() as session:
            rows = await outbox.pending(session=session, limit=limit)
        delivered: list[int] = []
        for row in rows:
            message = Outgoing(text=row.text, room_id=row.room_id, to=row.to_person, mentions=tuple(row.mentions))
            try:
                await self.transport.send(message)
            except SendError as error:
                async with self.db.transaction() as session:
                    await outbox.mark_sent(session=session, ids=delivered)
                    await outbox.mark_failed(session=session, message_id=row.id, error=str(error),
                                             final=not error.retryable or row.attempts + 1 >= MAX_ATTEMPTS)
                return len(delivered)
            delivered.append(row.id)
        if delivered:
            async with self.db.transaction() as session:
                await outbox.mark_sent(session=session, ids=delivered)
        return len(delivered)
