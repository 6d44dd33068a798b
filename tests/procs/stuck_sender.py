"""A real outbox sender process that claims rows and then hangs in the transport.

    python -m tests.procs.stuck_sender DATABASE_URL OWNER

It starts ``OutboxSender`` as the bot does (owner lock, recovery, batches), prints
``SENDING <row id>`` when the transport is handed its first row, and never returns
from that send, so the rows it claimed stay in 'sending' until the process is
killed (tests/test_crash_recovery.py kills it with SIGKILL).
"""
from __future__ import annotations

import asyncio
import sys

from bot.db.engine import Database
from bot.sender import OutboxSender
from bot.transports.base import Transport


class HangingTransport(Transport):
    name = "hanging"

    async def start(self, on_message) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, message, idempotency_key=None) -> None:
        print(f"SENDING {message.room_id or message.to}", flush=True)
        await asyncio.Event().wait()

    def health(self) -> dict:
        return {"transport": self.name}


async def main(url: str, owner: str) -> None:
    db = Database(url)
    sender = OutboxSender(db, HangingTransport(), owner=owner, poll_seconds=0.05)
    sender.start()
    print(f"STARTED {sender.owner}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
