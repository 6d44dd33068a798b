"""Accounts (issue 16): which account sends each outbox row, and what happens when one fails.

Binding (``bind``, called by ``outbox.enqueue``): a row for a room goes to an account
present in that room and online; among those, in this order
1. the account that already has active rows in the conversation (its order is kept);
2. for a batch to three rooms or more (a broadcast), the account with the fewest rows of
   this batch so far: rooms with the fewest choices are placed first, so 470 rooms over
   10 accounts come out about 47 each;
3. the account the message being answered came in through (``CURRENT``);
4. the room's preferred account, then the lowest id.
A private message goes to the account that heard the person (``CURRENT``), else one
present in a room of the person's community. With no account online in a room the row
still goes to a present account (preferably its preferred one) and waits there.
Rows nothing is known about go to the 'default' account, which a process started
without ``ACCOUNTS`` drives (a single-account deployment behaves as before).

Failure (``set_state``): an account that logs out, is limited or banned has its pending
rows moved, per room, to another online account present in the same room (``reroute``,
also run every few seconds by each process for rows that were in flight); rows with no
such account wait, in order, for it to come back. The staff of the communities it serves
are told through another account; with none online, the log says so (the operator's
console) and ``/healthz`` shows the state.
"""
from __future__ import annotations

import logging
import time
import weakref
from collections import Counter
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models import OutboxMessage, PersonRole, Room
from bot.db.models_accounts import DEFAULT_ACCOUNT, ONLINE, STATES, Account, RoomAccount
from bot.db.prepared import Prepared, any_of
from bot.db.upsert import insert_ignore
from bot.messages import Outgoing

log = logging.getLogger(__name__)

# The account the message being handled came in through (set by the runtime per inbound message).
CURRENT: ContextVar[str | None] = ContextVar("gridbot_account", default=None)
ACTIVE = ("pending", "sending")
STAFF_ROLES = ("secretary", "grid_worker")
# Staff are told on the account's platform: person ids carry its prefix (bot.transports.*).
PERSON_PREFIX = {"wechaty": "wx:", "wecom": "wecom:"}
SPREAD_FROM = 3  # a batch to this many rooms or more is spread across the accounts present
_KEEP = KEEP = object()  # register(driven_by=KEEP): leave who drives it as it is


_RA, _AC = RoomAccount.__table__, Account.__table__
_PRESENT = Prepared(select(_RA.c.room_id, _RA.c.account_id, _RA.c.preferred, _AC.c.state)
                    .select_from(_RA.join(_AC, _AC.c.id == _RA.c.account_id))
                    .where(_RA.c.room_id == bindparam("room_id")))
_OB = OutboxMessage.__table__
_STICKY = Prepared(select(_OB.c.account_id).where(_OB.c.conversation == bindparam("conversation"),
                                                  any_of(_OB.c.status, ACTIVE))
                   .order_by(_OB.c.id.desc()).limit(1))
_ANY_PLACED = Prepared(select(_RA.c.room_id).limit(1))
_DRIVEN_NOW = Prepared(select(_AC.c.id).where(_AC.c.state == ONLINE, _AC.c.driven_by.is_not(None)).order_by(_AC.c.id))


# -- records -----------------------------------------------------------------------
async def register(*, session: AsyncSession, account_id: str, platform: str, name: str | None = None,
                   credentials: str | None = None, driven_by: Any = None) -> Account:
    """Create the account if new; record who drives it now (its state is kept; ``driven_by=KEEP``
    leaves that alone too: loading a file)."""
    account = await session.get(Account, account_id)
    if account is None:
        account = Account(id=account_id, platform=platform, name=name or account_id, credentials=credentials)
        session.add(account)
    else:
        account.platform, account.credentials = platform, credentials or account.credentials
        if name:
            account.name = name
    if driven_by is not _KEEP:
        account.driven_by = driven_by
    await session.flush()
    forget_driven()
    return account


async def place(*, session: AsyncSession, room_id: str, account_id: str, preferred: bool = False,
                source: str = "loaded") -> None:
    """Record ``account_id`` as present in ``room_id`` (the preferred one there if ``preferred``)."""
    if await session.get(Account, account_id) is None:
        session.add(Account(id=account_id, platform="any", name=account_id))
        await session.flush()
    row = await session.get(RoomAccount, (room_id, account_id))
    if row is None:
        session.add(RoomAccount(room_id=room_id, account_id=account_id, preferred=preferred, source=source))
    else:
        row.preferred = preferred or row.preferred
    await session.flush()
    forget_driven()


async def seen(*, session: AsyncSession, room_id: str, account_id: str) -> bool:
    """An account heard a message in a room: it is present there (learned from the platform)."""
    added = await insert_ignore(session, RoomAccount.__table__, {
        "room_id": room_id, "account_id": account_id, "preferred": False, "source": "platform", "since": utcnow()})
    if added:
        forget_driven()
    return added


async def leave(*, session: AsyncSession, room_id: str, account_id: str) -> None:
    row = await session.get(RoomAccount, (room_id, account_id))
    if row is not None:
        await session.delete(row)
        forget_driven()


async def rooms_by_account(*, session: AsyncSession) -> list[tuple[str, str, str, int, int]]:
    """(account, platform, state, rooms it is in, rooms it is preferred in), every account."""
    from sqlalchemy import case, func

    counts = {a: (int(n), int(p or 0)) for a, n, p in (await session.execute(
        select(RoomAccount.account_id, func.count(), func.sum(case((RoomAccount.preferred, 1), else_=0)))
        .group_by(RoomAccount.account_id))).all()}
    return [(a.id, a.platform, a.state, *counts.get(a.id, (0, 0)))
            for a in await session.scalars(select(Account).order_by(Account.id))]


# -- binding -----------------------------------------------------------------------
async def bind(*, session: AsyncSession, rows: list[dict], exclude: str | None = None) -> None:
    """Fill ``account_id`` of outbox rows about to be inserted (see the module doc)."""
    if not rows:
        return
    current = CURRENT.get()
    online, placed = await _known(session)
    if not placed and exclude is None:
        # No account is recorded in any room (a single-account deployment: always): the
        # account that heard the message, else one online; one cached read, no query.
        for r in rows:
            r["account_id"] = current or (online[0] if online else DEFAULT_ACCOUNT)
        return
    room_ids = {r["room_id"] for r in rows if r["room_id"]}
    present: dict[str, list[tuple[str, bool, str]]] = {}
    if len(room_ids) == 1:  # most messages: one compiled statement (bot.db.prepared)
        found = (await _PRESENT.run(session, {"room_id": next(iter(room_ids))})).rows
    elif room_ids:
        found = (await session.execute(
            select(RoomAccount.room_id, RoomAccount.account_id, RoomAccount.preferred, Account.state)
            .join(Account, Account.id == RoomAccount.account_id).where(RoomAccount.room_id.in_(room_ids)))).all()
    else:
        found = []
    for room_id, account_id, preferred, state in found:
        present.setdefault(room_id, []).append((account_id, preferred, state))
    private = [r for r in rows if not r["room_id"]]
    if not present and not private and exclude is None:  # nothing known about these rooms
        for r in rows:
            r["account_id"] = current or (online[0] if online else DEFAULT_ACCOUNT)
        return
    sticky = await _sticky(session, {r["conversation"] for r in rows})

    async def any_online() -> list[str]:
        return [a for a in online if a != exclude]

    spread = len(room_ids) >= SPREAD_FROM
    load: Counter[str] = Counter()
    groups: dict[str, list[dict]] = {}  # a conversation's rows in this batch go to one account
    for r in rows:
        if r["room_id"]:
            groups.setdefault(r["conversation"], []).append(r)
    order = list(groups.values())
    if spread:  # the most constrained rooms first
        order.sort(key=lambda g: len(_usable(present.get(g[0]["room_id"], []), exclude)))
    free: list[tuple[list[dict], list[str]]] = []  # groups that could go to more than one account
    for group in order:
        here = present.get(group[0]["room_id"], [])
        usable = _usable(here, exclude)
        stuck = sticky.get(group[0]["conversation"])
        if stuck is not None and (stuck in usable or (not usable and any(a == stuck for a, _, _ in here))):
            choice = stuck
        elif usable:
            preferred = {a for a, p, _ in here if p}
            choice = min(usable, key=lambda a: (load[a] if spread else 0, a != current, a not in preferred, a))
            if len(usable) > 1:
                free.append((group, usable))
        elif here:  # nobody online in the room: wait on its preferred (or first) account
            choice = min(here, key=lambda h: (not h[1], h[0]))[0]
        else:
            online = await any_online()
            choice = current if current and current != exclude else (online[0] if online else DEFAULT_ACCOUNT)
        for r in group:
            r["account_id"] = choice
        load[choice] += len(group)
    if spread:
        _balance(free, load)
    if private:
        communities = await _person_accounts(session, {r["to_person"] for r in private if r["to_person"]}, exclude)
        for r in private:
            stuck = sticky.get(r["conversation"])
            mine = communities.get(r["to_person"], [])
            if stuck is not None and stuck != exclude:
                choice = stuck
            elif current is not None and current != exclude:
                choice = current
            elif mine:
                choice = mine[0]
            else:
                online = await any_online()
                choice = online[0] if online else DEFAULT_ACCOUNT
            r["account_id"] = choice


def _balance(free: list[tuple[list[dict], list[str]]], load: Counter[str]) -> None:
    """Even out the accounts' shares of a broadcast: while some account has at least two rows
    more than another it can reach through a chain of rooms (a room on the first that the
    second is also in, or on an account in between …), move one room along that chain.
    Greedy placement alone leaves an account shared by several communities with the most.
    Only single-row rooms move (a broadcast's); each move lowers the sum of squared loads."""
    singles = [(group, usable) for group, usable in free if len(group) == 1]
    for _ in range(len(singles) + 1):
        by_account: dict[str, list[tuple[list[dict], list[str]]]] = {}
        for item in singles:
            by_account.setdefault(item[0][0]["account_id"], []).append(item)
        path = None
        for start in sorted(by_account, key=lambda a: -load[a]):
            path = _chain(start, by_account, load)
            if path is not None:
                break
        if path is None:
            return
        for group, target in path:
            source = group[0]["account_id"]
            group[0]["account_id"] = target
            load[source] -= 1
            load[target] += 1


def _chain(start: str, by_account: dict, load: Counter[str]) -> list[tuple[list[dict], str]] | None:
    """Breadth-first from ``start`` to an account with at least two rows fewer: the moves."""
    came: dict[str, tuple[str, list[dict]] | None] = {start: None}
    queue = [start]
    for account in queue:
        for group, usable in by_account.get(account, []):
            for other in usable:
                if other in came:
                    continue
                came[other] = (account, group)
                if load[other] + 2 <= load[start]:
                    moves = []
                    node = other
                    while came[node] is not None:
                        prev, g = came[node]
                        moves.append((g, node))
                        node = prev
                    return moves
                queue.append(other)
    return None


# Per database, for a moment: the online accounts some process drives (the fallback) and
# whether any account is recorded in any room. Read once every few seconds, not per message:
# a single-account deployment then binds every row without a query.
_KNOWN: "weakref.WeakKeyDictionary[Any, tuple[float, list[str], bool]]" = weakref.WeakKeyDictionary()
KNOWN_TTL = 2.0


async def _known(session: AsyncSession) -> tuple[list[str], bool]:
    key = session.bind  # the engine: another database (or a test's fresh one) has its own entry
    cached = _KNOWN.get(key)
    if cached is not None and time.monotonic() - cached[0] < KNOWN_TTL:
        return cached[1], cached[2]
    online = (await _DRIVEN_NOW.run(session)).scalars()
    placed = (await _ANY_PLACED.run(session)).scalar() is not None
    _KNOWN[key] = (time.monotonic(), online, placed)
    return online, placed


def forget_driven() -> None:
    """Account records changed in this process: read them afresh."""
    _KNOWN.clear()


def _usable(here: list[tuple[str, bool, str]], exclude: str | None) -> list[str]:
    return [a for a, _, state in here if state == ONLINE and a != exclude]


async def _sticky(session: AsyncSession, conversations: set[str]) -> dict[str, str]:
    """conversation → the account of its latest active row."""
    if len(conversations) == 1:
        conversation = next(iter(conversations))
        account = (await _STICKY.run(session, {"conversation": conversation})).scalar()
        return {conversation: account} if account is not None else {}
    result = await session.execute(
        select(OutboxMessage.conversation, OutboxMessage.account_id)
        .where(OutboxMessage.conversation.in_(conversations), OutboxMessage.status.in_(ACTIVE))
        .order_by(OutboxMessage.id))
    return dict(result.all())


async def _person_accounts(session: AsyncSession, people: set[str], exclude: str | None) -> dict[str, list[str]]:
    """person → online accounts present in rooms of the communities they hold a role in."""
    if not people:
        return {}
    result = await session.execute(
        select(PersonRole.person_id, RoomAccount.account_id).distinct()
        .join(Room, Room.community_id == PersonRole.community_id)
        .join(RoomAccount, RoomAccount.room_id == Room.id)
        .join(Account, and_(Account.id == RoomAccount.account_id, Account.state == ONLINE))
        .where(PersonRole.person_id.in_(people)).order_by(RoomAccount.account_id))
    found: dict[str, list[str]] = {}
    for person, account in result.all():
        if account != exclude:
            found.setdefault(person, []).append(account)
    return found


# -- failure ---------------------------------------------------------------------------
async def set_state(*, session: AsyncSession, account_id: str, state: str, reason: str | None = None,
                    now: datetime | None = None) -> bool:
    """Record a new state; on a change, move or hold its rows and tell the staff. True if it changed."""
    if state not in STATES:
        raise ValueError(f"unknown account state {state!r}")
    now = now or utcnow()
    result = await session.execute(
        update(Account).where(Account.id == account_id, Account.state != state)
        .values(state=state, state_reason=(reason or "")[:200] or None, state_since=now)
        .returning(Account.id))
    if result.first() is None:
        return False
    forget_driven()
    log.warning("account %s is now %s%s", account_id, state, f" ({reason})" if reason else "")
    if state != ONLINE:
        moved = await reroute(session=session, account_id=account_id)
        await _alert(session, account_id, "account_down_" + state, moved=moved)
    else:
        await _alert(session, account_id, "account_back")
    return True


async def reroute(*, session: AsyncSession, account_id: str) -> int:
    """Move the pending rows of a failed account, per room, to another online account present
    there (a waiting retry goes at once). Rows being sent stay; rows with no alternative wait."""
    convs = list((await session.execute(
        select(OutboxMessage.room_id).distinct()
        .where(OutboxMessage.account_id == account_id, OutboxMessage.status == "pending",
               OutboxMessage.room_id.is_not(None)))).scalars())
    if not convs:
        return 0
    result = await session.execute(
        select(RoomAccount.room_id, RoomAccount.account_id, RoomAccount.preferred)
        .join(Account, Account.id == RoomAccount.account_id)
        .where(RoomAccount.room_id.in_(convs), Account.state == ONLINE, RoomAccount.account_id != account_id)
        .order_by(RoomAccount.account_id))
    options: dict[str, list[tuple[str, bool]]] = {}
    for room_id, other, preferred in result.all():
        options.setdefault(room_id, []).append((other, preferred))
    load: Counter[str] = Counter()
    moved = 0
    for room_id in sorted(options, key=lambda r: len(options[r])):
        target = min(options[room_id], key=lambda o: (load[o[0]], not o[1], o[0]))[0]
        done = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.account_id == account_id, OutboxMessage.status == "pending",
                   OutboxMessage.conversation == room_id)
            .values(account_id=target, next_attempt_at=None).execution_options(synchronize_session=False))
        load[target] += done.rowcount or 0
        moved += done.rowcount or 0
    if moved:
        log.warning("account %s: %d waiting message(s) moved to %s", account_id, moved, dict(load))
    return moved


async def reroute_failed(*, session: AsyncSession) -> int:
    """``reroute`` every account that is not online (each process runs this every few seconds)."""
    down = list(await session.scalars(select(Account.id).where(Account.state != ONLINE)))
    return sum([await reroute(session=session, account_id=a) for a in down])


async def _alert(session: AsyncSession, account_id: str, key: str, *, moved: int = 0) -> int:
    from bot.replies import say
    from bot.services import outbox

    account = await session.get(Account, account_id)
    prefix = PERSON_PREFIX.get(account.platform if account else "", "")
    staff = list(await session.scalars(
        select(PersonRole.person_id).distinct()
        .join(Room, Room.community_id == PersonRole.community_id)
        .join(RoomAccount, RoomAccount.room_id == Room.id)
        .where(RoomAccount.account_id == account_id, PersonRole.role.in_(STAFF_ROLES),
               PersonRole.person_id.startswith(prefix))
        .order_by(PersonRole.person_id)))
    waiting = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.account_id == account_id, OutboxMessage.status == "pending")
        .limit(1))
    text = say(key, name=account.name if account else account_id, moved=moved,
               waiting=say("account_waiting") if waiting is not None else "")
    others = [a for a in await session.scalars(
        select(Account.id).where(Account.state == ONLINE, Account.driven_by.is_not(None))) if a != account_id]
    if not staff or not others:
        log.error("account alert (no other account online to send it, or no staff): %s", text)
        return 0
    rows = await outbox.enqueue(session=session, messages=[Outgoing(text=text, to=p) for p in staff],
                                cause=f"account:{account_id}:{key}", exclude_account=account_id)
    return len(rows)
