"""Drains the outbox to the transport: throttled, in order per conversation, retried, durable.

One row at a time: pick the conversation head that the rate limits let go
soonest (direct replies before broadcast rows on a tie), wait for its slot,
*claim* it (status 'sending', this sender's id and the time, committed), hand
each piece of its text to the transport, and mark it 'sent' in a new
transaction as soon as the transport confirms. A row about a ticket that no
longer applies (its ``Guard``: claimed, closed, withdrawn or rated meanwhile) is
marked 'dropped' in the claim's transaction instead (bot.services.guards).
A retryable failure puts the row
back with a ``next_attempt_at`` (exponential backoff), which blocks the rows
after it in the same conversation only; after ``max_attempts``, or on a
permanent error, the row is 'failed' and logged. The row that finishes a
broadcast queues the delivery report (``bot.services.outbox``).

Restarts. A row is only ever 'sending' between its claim and its mark, so after
a crash a row found in 'sending' is the only one whose fate is unknown. Who may
take it back (``bot.sender_owner``): the same deployment restarting (its owner id
is stable), at once; on SQLite, any process at start (one process); on
PostgreSQL, any sender, as soon as the holder's advisory lock is gone (checked
every ``recover_seconds``, busy or not), with no lease to wait out. Rows left by
a holder with no id, and a live sender's own rows whose mark failed, fall back to
the lease. A blocked conversation holds up only
its own later rows. Pending rows were never handed to the transport and are sent
once; sent rows are never sent again. For the unknown row, ``on_restart``
decides: ``"resend"`` (default: send it again from the piece that was in flight)
or ``"fail"`` (mark it failed; the broadcast report names it). Every piece goes
to the transport with a stable idempotency key (``outbox:<id>:<piece>``):
a transport that dedupes durably makes "resend" exactly-once. What the real
platforms give: neither WeChat (wechaty puppets) nor WeCom webhooks accept an
idempotency key, so our transports only dedupe within one process (a DB error
after a confirmed send); a crash in the milliseconds between the platform
accepting a message and the commit of 'sent' may repeat that one message with
"resend", or report it failed without knowing with "fail". Nothing is lost
silently and nothing already marked sent is repeated.

Several processes on one PostgreSQL: claims use ``FOR UPDATE SKIP LOCKED`` and
re-check the conversation head under the lock, so no row is sent twice and no
room's order is broken. Accounts (issue 16): a sender drives one platform account
(``account``) and claims only the rows bound to it (``bot.services.accounts``); its
rate limits are that account's. A process drives several accounts with one sender each.
While ``paused()`` says so (the account is logged out or limited) it claims nothing;
a ``SendError`` carrying an ``account_state`` (the platform said "too often") is
reported through ``on_account_state``.
"""
from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Hashable

from bot import logs, metrics
from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.messages import Outgoing
from bot.sender_owner import OwnerLock, dead_owners, random_owner
from bot.services import guards, outbox
from bot.transports.base import NO_LIMITS, OutgoingFile, SendError, SendLimits, Transport
from bot.transports.ratelimit import Clock, MonotonicClock, Throttle

log = logging.getLogger(__name__)


class OutboxSender:
    def __init__(
        self, db: Database, transport: Transport, *, clock: Clock | None = None,
        wall: Callable[[], datetime] | None = None, rng: random.Random | None = None,
        limits: SendLimits | None = None, owner: str | None = None, max_attempts: int = 6,
        backoff_base: float = 5.0, backoff_max: float = 900.0, lease_seconds: float = 120.0,
        on_restart: str = "resend", poll_seconds: float = 1.0, batch: int = 200,
        recover_seconds: float = 2.0, linger_seconds: float = 0.05, account: str | None = None,
    ) -> None:
        if on_restart not in ("resend", "fail"):
            raise ValueError("on_restart must be 'resend' or 'fail'")
        self.db, self.transport = db, transport
        self.account = account  # None: every row, whatever its account (tools, tests)
        self.paused: Callable[[], bool] = lambda: False
        self.on_account_state: Callable[[str, str], Awaitable[None]] | None = None
        # attachment id → OutgoingFile (the runtime sets it: bot.services.attachments.outgoing_file)
        self.load_file: Callable[[int], Awaitable[OutgoingFile | None]] | None = None
        self.clock = clock or MonotonicClock()
        self.wall = wall or utcnow
        self.rng = rng or random.Random()
        self.limits = limits or transport.limits or NO_LIMITS
        self.throttle = Throttle(self.limits, self.clock, self.rng)
        self.owner = owner or random_owner()
        self.lock = OwnerLock(db, self.owner) if db is not None else None
        self.recover_seconds, self.linger_seconds = recover_seconds, linger_seconds
        self._next_recover = 0.0
        self.max_attempts, self.backoff_base, self.backoff_max = max(1, max_attempts), backoff_base, backoff_max
        self.lease = timedelta(seconds=lease_seconds)
        self.on_restart, self.poll_seconds, self.batch = on_restart, poll_seconds, batch
        self.counters = {"sent": 0, "failed": 0, "retried": 0, "recovered": 0, "dropped": 0}
        self.last_error: str | None = None
        self._candidates: dict[int, OutboxMessage] = {}
        self._stale = True  # candidates must be re-read
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._inflight: asyncio.Future | None = None
        # Rows the transport confirmed, not yet marked 'sent' (a batch marks them together;
        # a failed mark is tried again before anything else is sent).
        self._marks: list[tuple[int, int]] = []
        self._batching = False

    # -- lifecycle -----------------------------------------------------------
    def wake(self) -> None:
        self._stale = True
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
        if self._inflight is not None and not self._inflight.done():
            await asyncio.gather(self._inflight, return_exceptions=True)  # the row in hand
        if self._marks:
            await self._guarded(self._flush_marks)
        if self.lock is not None:
            await self.lock.release()

    async def _run(self) -> None:
        while not await self._guarded(self._take_owner):
            await asyncio.sleep(self.poll_seconds)
        await self._guarded(self.recover, at_start=True)
        loop = asyncio.get_running_loop()
        while True:
            if loop.time() >= self._next_recover:
                # Also while busy: a dead sender's rows must not wait for a quiet moment.
                self._next_recover = loop.time() + self.recover_seconds
                await self._guarded(self._check_and_recover)
            busy = await self._guarded(self.run_once) if self.lock.held and not self.paused() else 0
            if busy:
                if busy < self.batch and self.linger_seconds:
                    # Under load every inbound message wakes the sender; letting a few
                    # arrive first sends them in one claim and one mark, not two
                    # write transactions per message.
                    await asyncio.sleep(self.linger_seconds)
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except asyncio.TimeoutError:
                self._stale = True  # retries and not_before times come due
            self._wake.clear()

    async def _guarded(self, fn, **kw):
        try:
            return await fn(**kw)
        except Exception as exc:  # noqa: BLE001 - keep the sender alive; rows stay in the table
            self.last_error = repr(exc)
            log.exception("outbox sender: %s failed", fn.__name__)
            await asyncio.sleep(min(self.poll_seconds, 1.0))
            return False

    # -- recovery ----------------------------------------------------------------
    async def _take_owner(self) -> bool:
        self.owner = await self.lock.acquire()
        return True

    async def _check_and_recover(self) -> int:
        if not await self.lock.check():
            return 0  # not sending either until the lock is ours again (see _run)
        return await self.recover()

    async def recover(self, *, at_start: bool = False) -> int:
        """Deal with rows left in 'sending' by a sender that died (see the module doc).
        ``at_start``: this sender has sent nothing yet, so its own id's rows are a previous
        incarnation's."""
        async with self.db.transaction() as session:
            if self.db.sqlite:
                older_than = None if at_start else self.wall() - self.lease
                rows = await outbox.stale(session=session, older_than=older_than,
                                          owner=None if at_start else self.owner, account=self.account)
            else:
                others = [o for o in await outbox.claimers(session=session) if o is not None and o != self.owner]
                dead = await dead_owners(session=session, owners=others)
                if at_start:
                    dead.append(self.owner)
                rows = await outbox.held_by(session=session, owners=dead, unowned_before=self.wall() - self.lease)
            if not at_start:  # own rows a failed mark left behind (not the ones waiting to be marked)
                marked = {row_id for row_id, _ in self._marks}
                rows += [r for r in await outbox.own_stale(session=session, owner=self.owner,
                                                           before=self.wall() - self.lease) if r.id not in marked]
            for row in rows:
                log.warning("outbox row %s was being sent by %s when it stopped: %s", row.id,
                            row.claimed_by, "sending again" if self.on_restart == "resend" else "marked failed")
                if self.on_restart == "resend":
                    row.last_error = f"recovered from {row.claimed_by or '?'} after a restart"
                    row.status, row.claimed_by, row.claimed_at = "pending", None, None
                else:
                    await outbox.finish(session=session, row_id=row.id, ok=False, now=self.wall(),
                                        error="delivery unknown: the sender stopped while sending")
        self.counters["recovered"] += len(rows)
        if rows:
            self._stale = True
        return len(rows)

    # -- sending -------------------------------------------------------------------
    async def drain(self, max_rows: int | None = None) -> int:
        """Send until nothing is due (tests, bench); returns rows finished or rescheduled."""
        done = 0
        while max_rows is None or done < max_rows:
            n = await self.run_once()
            if not n:
                break
            done += n
        return done

    async def _refresh(self, conversation: str | None = None) -> None:
        async with self.db.sessions() as session:
            rows = await outbox.heads(session=session, now=self.wall(), limit=self.batch,
                                      conversation=conversation, account=self.account)
        if conversation is None:
            self._candidates = {r.id: r for r in rows}
            self._stale = False
        else:
            self._candidates.update({r.id: r for r in rows})

    def _rate_key(self, message: Outgoing) -> Hashable | None:
        return self.transport.rate_key(message)

    def _pick(self) -> OutboxMessage:
        def order(row: OutboxMessage):
            delay = self.throttle.delay(row.conversation, self._rate_key(_outgoing(row, row.text, 0)))
            return (round(delay, 6), row.broadcast_id is not None, row.id)
        return min(self._candidates.values(), key=order)

    async def run_once(self) -> int:
        """Send (or reschedule) the next row, or a batch when nothing limits the rate;
        returns how many rows were handled, 0 when nothing is due."""
        if self._marks:
            await self._flush_marks()
        if self.limits.unlimited:
            return await self._run_batch()
        if self._stale or not self._candidates:
            await self._refresh()
        while self._candidates:
            row = self._pick()
            del self._candidates[row.id]
            await self.throttle.wait(row.conversation, self._rate_key(_outgoing(row, row.text, 0)))
            async with self.db.transaction() as session:
                claimed = await outbox.claim(session=session, row_id=row.id, owner=self.owner, now=self.wall(),
                                             account=self.account)
                # Checked again now, in the claim's transaction: a held offer may be stale.
                kept = await guards.drop_stale(session=session, rows=[claimed]) if claimed else []
            if claimed is None:
                continue  # another sender has it, or it is no longer its conversation's head
            if not kept:
                self.counters["dropped"] += 1
            else:
                await self._deliver_shielded(claimed)
            await self._refresh(conversation=claimed.conversation)
            return 1
        return 0

    async def _run_batch(self) -> int:
        """No limits (simulator, tests, bench): claim runs of up to ``batch`` rows (several
        consecutive rows per conversation) in one transaction, send them in id order and
        mark them sent together in one more. A crash can then leave up to ``batch`` rows in
        'sending', not just one. A row that fails gives back the rest of its conversation's run."""
        async with self.db.transaction() as session:
            claimed = await outbox.claim_runs(session=session, owner=self.owner, limit=self.batch, now=self.wall(),
                                              account=self.account)
            kept = await guards.drop_stale(session=session, rows=claimed)
        self.counters["dropped"] += len(claimed) - len(kept)
        if not claimed:
            return 0
        # One task for the whole batch, not one per row: under load every extra task
        # switch waits a full turn of a busy event loop. A stop lets the batch finish.
        self._inflight = asyncio.ensure_future(self._send_batch(kept))
        await asyncio.shield(self._inflight)
        return len(claimed)

    async def _send_batch(self, claimed: list[OutboxMessage]) -> None:
        touched: set[int] = set()
        stopped: set[str] = set()  # conversations whose row failed: their later rows wait
        self._batching = True
        try:
            for row in claimed:
                if row.conversation in stopped:
                    continue
                touched.add(row.id)
                if not await self._deliver(row):
                    stopped.add(row.conversation)
        finally:
            self._batching = False
            if self._marks:
                await self._flush_marks()
            untouched = [r.id for r in claimed if r.id not in touched]
            if untouched:  # never handed to the transport
                await self._release(untouched)

    async def _flush_marks(self) -> None:
        marks = list(self._marks)
        async with self.db.transaction() as session:
            await outbox.finish_sent(session=session, done=marks, now=self.wall())
        del self._marks[:len(marks)]

    async def _release(self, row_ids: list[int]) -> None:
        async with self.db.transaction() as session:
            await outbox.release(session=session, row_ids=row_ids, owner=self.owner)

    async def _deliver_shielded(self, row: OutboxMessage) -> bool:
        # A stop (task cancelled) lets the row in hand finish and be marked,
        # so only a hard crash can leave a row in 'sending'.
        self._inflight = asyncio.ensure_future(self._deliver(row))
        return await asyncio.shield(self._inflight)

    async def _deliver(self, row: OutboxMessage) -> bool:
        """Send every remaining piece of ``row``; True when all went, False when it was rescheduled or failed."""
        token = logs.MESSAGE_ID.set(row.cause)  # log lines about this row name what caused it
        try:
            return await self._deliver_row(row)
        finally:
            logs.MESSAGE_ID.reset(token)

    async def _deliver_row(self, row: OutboxMessage) -> bool:
        parts = self.transport.split_text(row.text) or [row.text]
        done = min(row.parts_sent, len(parts))
        try:
            for i in range(done, len(parts)):
                message = _outgoing(row, parts[i], i)
                key = self._rate_key(message)
                await self.throttle.wait(row.conversation, key)
                try:
                    await self._send(message, f"outbox:{row.id}:{i}")
                finally:
                    self.throttle.record(row.conversation, key)
                done = i + 1
                if done < len(parts):
                    async with self.db.transaction() as session:
                        await outbox.mark_part(session=session, row_id=row.id, parts_sent=done)
        except Exception as exc:  # noqa: BLE001 - SendError, or a transport bug: both are retried
            await self._failed(row, exc, done)
            state = getattr(exc, "account_state", None)
            if state and self.on_account_state is not None:
                await self.on_account_state(state, str(exc))
            return False
        self._marks.append((row.id, done))
        self.counters["sent"] += 1
        metrics.SENT.inc()
        if not self._batching:
            await self._flush_marks()
        return True

    async def _send(self, message: Outgoing, key: str) -> None:
        # A row that carries a stored photo goes as the photo with its text where the platform can
        # send files; elsewhere (and if the file is gone) the text goes alone, with the photo's id.
        if message.image_id and self.transport.can_send_files and self.load_file is not None:
            file = await self.load_file(message.image_id)
            if file is not None:
                await self.transport.send_file(message, file, idempotency_key=key)
                return
        await self.transport.send(message, idempotency_key=key)

    async def _failed(self, row: OutboxMessage, exc: Exception, parts_sent: int) -> None:
        retryable = exc.retryable if isinstance(exc, SendError) else True
        error = str(exc) or repr(exc)
        self.last_error = error
        attempt = row.attempts + 1
        async with self.db.transaction() as session:
            if retryable and attempt < self.max_attempts:
                at = self.wall() + timedelta(seconds=self.backoff(attempt))
                await outbox.retry_later(session=session, row_id=row.id, error=error, at=at, parts_sent=parts_sent)
                self.counters["retried"] += 1
                metrics.SEND_FAILURES.labels(outcome="retried").inc()
                log.warning("outbox row %s: %s; attempt %d, retrying at %s", row.id, error, attempt, at)
                return
            await outbox.finish(session=session, row_id=row.id, ok=False, error=error,
                                parts_sent=parts_sent, now=self.wall())
        self.counters["failed"] += 1
        metrics.SEND_FAILURES.labels(outcome="failed").inc()
        log.error("outbox row %s to %s failed for good after %d attempt(s): %s",
                  row.id, row.conversation, attempt, error)

    def backoff(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return delay * (1 + self.rng.uniform(-0.1, 0.1))

    def health(self) -> dict:
        return {"owner": self.owner, "account": self.account, "running": self._task is not None and not self._task.done(),
                **self.counters, "last_error": self.last_error}


def _outgoing(row: OutboxMessage, text: str, index: int) -> Outgoing:
    """Piece ``index`` of a row; mentions go with the first piece only."""
    if index == 0:
        return Outgoing(text=text, room_id=row.room_id, to=row.to_person, mentions=tuple(row.mentions),
                        image_id=row.image_id)
    return Outgoing(text=text, room_id=row.room_id, to=None if row.room_id else row.to_person)
