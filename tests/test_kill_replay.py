"""kill -9 replay (issue 15, item 11): a real bot process killed five times during mixed traffic
(``GRIDBOT_KILLS=20`` for the attack's twenty; CI runs five).

``gridbot run`` (simulator, this database) is started as a child process; four
clients post the pipeline bench's mix (chatter, demands, claims, completions,
verifications) plus secretary awards over HTTP. A killer sends SIGKILL at random
moments and starts the bot again. A request cut off by a kill is posted again with
the same msg_id, as a platform redelivers, until it is acknowledged. Then the
database must hold exactly what was acknowledged: each message's outbox rows are
exactly the replies it was answered with (a redelivery returns that same answer and
writes nothing), every ticket a reply announced exists once, claims, completions and
verifications acknowledged are in the tickets, each award and verification is in
the points ledger once, and every outbox row was delivered ('sent').
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import tempfile
import time
from collections import Counter

import aiohttp
from sqlalchemy import func, select

from bench import mix
from bench.http_load import _display_name, _free_port, start_bot, wait_ready
from bench.mix import COMMUNITY, EXTRA_MEMBERS, State, script
from bot.db.models import OutboxMessage, PointsEntry, ProcessedMessage, Ticket
from bot.messages import IncomingMessage
from bot.services import loader

KILLS = int(os.environ.get("GRIDBOT_KILLS", "5"))
CLIENTS = 4
AFTER_KILLS = 150  # messages acknowledged after the last restart
_NUMBER = re.compile(r"#(\d+)")


class Bot:
    """The child process, killed and restarted."""

    def __init__(self, url: str) -> None:
        self.url, self.port = url, _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = os.path.join(tempfile.mkdtemp(prefix="gridbot-replay-"), "bot.log")
        self.proc = None
        self.up = asyncio.Event()
        self.starts: list[float] = []

    async def start(self, http: aiohttp.ClientSession) -> None:
        t0 = time.monotonic()
        self.proc = start_bot(self.url, self.port, self.log, SCHEDULER_ENABLED="false", OUTBOX_OWNER="replay-bot")
        await wait_ready(http, self.base, self.proc)
        self.starts.append(time.monotonic() - t0)
        self.up.set()

    def kill9(self) -> None:
        self.up.clear()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


class Traffic:
    def __init__(self, seed: int) -> None:
        self.state, self.slots, self.n = State(), iter(script(100_000, seed)), 0
        self.acked: dict[str, dict] = {}  # msg_id -> {"body", "replies", "kind", "attempts"}
        self.retry: list[dict] = []
        self.cut_off = 0  # requests that a kill cut off
        self.done_killing = False
        self.acked_after_kills = 0

    def next_request(self) -> dict | None:
        if self.retry:
            return self.retry.pop()
        if self.done_killing and self.acked_after_kills >= AFTER_KILLS:
            return None
        i = self.n
        self.n += 1
        if i % 20 == 19:  # a secretary award, checkable in the ledger by its reason
            body = {"room": mix.MEMBERS_ROOM, "sender": "sec-wang", "text": f"/加分 @李师傅 2 协助{i}号"}
            kind, number = "award", None
        else:
            slot = next(self.slots)
            kind, sender, text, number = self.state.bind(slot)
            body = {"room": slot.room, "sender": sender, "text": text}
        body.update(name=_display_name(body["sender"]), msg_id=f"replay-{i}")
        return {"body": body, "kind": kind, "number": number, "attempts": 0}


async def client(bot: Bot, traffic: Traffic, http: aiohttp.ClientSession) -> None:
    headers = {"Content-Type": "application/json"}
    while (req := traffic.next_request()) is not None:
        await bot.up.wait()
        req["attempts"] += 1
        try:
            async with http.post(f"{bot.base}/api/sim/messages", data=json.dumps(req["body"]).encode(),
                                 headers=headers) as r:
                assert r.status == 200, (r.status, await r.text())
                replies = (await r.json())["replies"]
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
            traffic.cut_off += 1
            traffic.retry.append(req)  # redelivered with the same msg_id
            await asyncio.sleep(0.05)
            continue
        req["replies"] = replies
        traffic.acked[req["body"]["msg_id"]] = req
        if req["kind"] != "award":
            traffic.state.update(req["kind"], req["body"]["sender"], req["number"], [m["text"] for m in replies])
        if traffic.done_killing:
            traffic.acked_after_kills += 1


async def killer(bot: Bot, traffic: Traffic, http: aiohttp.ClientSession, rnd: random.Random) -> None:
    for _ in range(KILLS):
        await asyncio.sleep(rnd.uniform(0.8, 1.6))
        bot.kill9()
        await bot.start(http)
    traffic.done_killing = True


def key_of(body: dict) -> str:
    return IncomingMessage(platform="sim", msg_id=body["msg_id"], sender_id=body["sender"],
                           sender_name=body["name"], text=body["text"], room_id=body["room"]).dedup_key


async def test_five_kill9s_during_mixed_traffic_lose_and_duplicate_nothing(bot, database_url):
    started = time.monotonic()
    mix.learn_reply_texts()
    db = bot.runtime.db
    extra = [{"id": f"bench-mem-{k:02d}", "name": f"志愿者{k:02d}", "roles": ["member"]}
             for k in range(1, EXTRA_MEMBERS + 1)]
    async with db.transaction() as session:
        await loader.load(session=session, data={"communities": [
            {"id": COMMUNITY, "name": "幸福里社区", "people": extra}]})
    child, traffic = Bot(database_url), Traffic(seed=11)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        try:
            await child.start(http)
            await asyncio.gather(killer(child, traffic, http, random.Random(5)),
                                 *(client(child, traffic, http) for _ in range(CLIENTS)))

            async def backlog() -> int:
                async with db.sessions() as session:
                    return await session.scalar(select(func.count()).select_from(OutboxMessage)
                                                .where(OutboxMessage.status.in_(("pending", "sending"))))
            deadline = time.monotonic() + 30
            while await backlog() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)

            # A redelivery of an acknowledged message returns exactly its first answer.
            again = random.Random(3).sample(sorted(traffic.acked), 20)
            for msg_id in again:
                async with http.post(f"{child.base}/api/sim/messages",
                                     data=json.dumps(traffic.acked[msg_id]["body"]).encode(),
                                     headers={"Content-Type": "application/json"}) as r:
                    assert (await r.json())["replies"] == traffic.acked[msg_id]["replies"], msg_id
        finally:
            child.stop()

    async with db.sessions() as session:
        outbox_rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        processed = set(await session.scalars(select(ProcessedMessage.key)))
        tickets = {t.number: t for t in await session.scalars(select(Ticket).where(Ticket.community_id == COMMUNITY))}
        ledger = list(await session.scalars(select(PointsEntry)))

    acked = traffic.acked
    assert len(child.starts) == KILLS + 1 and traffic.cut_off > 0
    # Outbox: each acknowledged message's rows are exactly its answer; nothing else; all delivered.
    by_cause: dict[str, list[dict]] = {}
    for row in outbox_rows:
        by_cause.setdefault(row.cause, []).append(
            {"room": row.room_id, "to": row.to_person, "text": row.text, "mentions": list(row.mentions)})
    keys = {key_of(req["body"]): req for req in acked.values()}
    for key, req in keys.items():
        assert by_cause.get(key, []) == req["replies"], req["body"]
        if req["replies"]:
            assert key in processed
    assert set(by_cause) <= set(keys), set(by_cause) - set(keys)
    # Delivered, or dropped at send time because its ticket moved on (an offer for a ticket
    # claimed before the sender reached it): never left pending, sending or failed.
    by_id = {t.id: t for t in tickets.values()}
    for row in outbox_rows:
        if row.status == "dropped":
            assert row.guard_ticket_id is not None, row
            moved_on = by_id[row.guard_ticket_id]
            assert moved_on.updated_at > row.created_at, row  # the ticket changed after the row was queued
        else:
            assert row.status == "sent", row

    # Tickets: every number a reply announced exists; no ticket nobody was told about.
    announced = {int(n) for req in acked.values() if req["kind"] in ("demand", "yes", "chat")
                 for m in req["replies"] for n in _NUMBER.findall(m["text"])}
    assert announced == set(tickets)
    state = traffic.state
    for number, claimer in state.claimed.items():  # claimed, not yet reported done
        assert tickets[number].claimer_id == claimer and tickets[number].status == "claimed"
    for number in state.done:  # done, not yet verified
        assert tickets[number].status == "done"
    verified = [n for n, t in tickets.items() if t.status == "verified"]
    assert len(verified) == state.outcomes.get("verified", 0), Counter(t.status for t in tickets.values())

    # Points: one entry per acknowledged award, one verification award per verified ticket, no duplicate.
    awards = [e for e in ledger if e.actor_id == "sec-wang" and e.ticket_id is None]
    wanted = sorted(f"协助{req['body']['msg_id'].split('-')[1]}号" for req in acked.values() if req["kind"] == "award")
    assert sorted(e.reason for e in awards) == wanted
    by_ticket = Counter(e.ticket_id for e in ledger if e.ticket_id is not None and e.amount > 0)
    ticket_ids = {t.id: n for n, t in tickets.items()}
    assert {ticket_ids[t] for t in by_ticket} == set(verified)
    assert max(by_ticket.values(), default=1) == 1

    elapsed = time.monotonic() - started
    print(f"\nkill-replay: {KILLS} kills, {len(acked)} messages acknowledged, {traffic.cut_off} requests "
          f"cut off and redelivered, {len(tickets)} tickets, {len(verified)} verified, {len(awards)} awards, "
          f"{len(outbox_rows)} outbox rows all sent; bot start {min(child.starts):.1f}-{max(child.starts):.1f} s; "
          f"{elapsed:.1f} s in all")
