"""Roll calls (集结): a call for N people at a time and place, sent to a scope of people,
answered in words (nlp.rollcall), counted live, reminded once, closed with a report.

Every invited person has an answer row from the start (``pending``), so the tally knows
who has not answered. The places are kept by a counter on the roll call moved only by a
conditional UPDATE (``accepted < quota``), after the person's own answer row was moved
(which holds that row: a person's two concurrent 到 count once). Of 30 concurrent
sign-ups for 20 places exactly 20 match; the others are recorded as ``late`` (人已够),
so they are not reminded.

Quiet hours: a roll call is an ordinary notice (held until the morning, like /广播 by
the scheduler) unless the secretary marks it 紧急 or the community is in 战时 mode;
then it and its reminder go out at once. Answers and the secretary's tally are replies
to what someone just said and are never held.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import clock
from bot.db.models import Person, PersonRole
from bot.db.models_mobilise import RollCall, RollCallAnswer
from bot.errors import DomainError
from bot.replies import say
from bot.services import broadcast, counters, directory, jobs, points, rules, teams, when
from bot.services import grids as grids_tree

OPEN, CLOSED = "open", "closed"
PENDING, ACK, YES, NO, LATE = "pending", "ack", "yes", "no", "late"
MAX_QUOTA, MAX_PLACE, MAX_NOTE = 500, 60, 200
REMIND_MINUTES, WARTIME_REMIND_MINUTES = 30, 10
MAX_SERVICE_MINUTES = 24 * 60  # one roll call credits at most a day of service
EVERYONE_ROLES = ("member", "resident", "grid_worker")
_QUOTA = re.compile(r"^(\d{1,4})(?:人|名|个人|位)?$")
_A = RollCallAnswer


@dataclass(frozen=True, slots=True)
class Draft:
    """A checked ``/集结`` request, not yet sent: what the secretary is asked to confirm."""

    scope: str
    starts_at: datetime
    place: str
    quota: int
    note: str
    urgent: bool

    def payload(self) -> dict:
        return {"scope": self.scope, "starts_at": self.starts_at.isoformat(), "place": self.place,
                "quota": self.quota, "note": self.note, "urgent": self.urgent}

    @classmethod
    def from_payload(cls, data: dict) -> "Draft":
        return cls(data["scope"], datetime.fromisoformat(data["starts_at"]), data["place"], int(data["quota"]),
                   data["note"], bool(data["urgent"]))


def read_request(args: str, now: datetime | None = None) -> Draft:
    """``[紧急] 范围 时间 地点 人数 说明`` → a Draft; anything unusable is a DomainError."""
    tokens = args.split()
    urgent = "紧急" in tokens
    tokens = [t for t in tokens if t != "紧急"]
    if len(tokens) < 4:
        raise DomainError("rc_usage")
    scope = tokens[0]
    try:
        parsed = when.parse_moment(" ".join(tokens[1:]), now or clock.utcnow())
    except when.BadTime as bad:
        raise DomainError(f"time_bad_{bad.reason}", example=say("rc_time_example")) from bad
    rest = parsed.rest.split()
    if len(rest) < 2:
        raise DomainError("rc_usage")
    quota = _QUOTA.match(rest[1])
    if quota is None:
        raise DomainError("rc_bad_quota", limit=MAX_QUOTA)
    if not 1 <= int(quota.group(1)) <= MAX_QUOTA:
        raise DomainError("rc_bad_quota", limit=MAX_QUOTA)
    if parsed.first <= (now or clock.utcnow()) - timedelta(minutes=1):
        raise DomainError("rc_time_past")
    return Draft(scope, parsed.first, rest[0][:MAX_PLACE], int(quota.group(1)), " ".join(rest[2:])[:MAX_NOTE], urgent)


async def audience(*, session: AsyncSession, community_id: str, scope: str,
                   exclude: str | None = None) -> tuple[list, list[str]]:
    """The groups a roll call to ``scope`` is posted in and the people it asks, privately.

    党员: every member (and the members' groups); 全体: members, grid workers and residents
    (every group); a team (/队伍): its members (the members' groups); a grid, estate or
    building: the members and residents living there."""
    team = await teams.find(session=session, community_id=community_id, name=scope)
    if team is not None:  # a team: its members, in the members' groups
        rooms = await directory.rooms_of(session=session, community_id=community_id, kind="members")
        return rooms, sorted(p.id for p in await teams.members(session=session, team=team) if p.id != exclude)
    rooms = await broadcast.resolve_scope(session=session, community_id=community_id, scope=scope)
    query = select(PersonRole.person_id).where(PersonRole.community_id == community_id)
    if scope.strip() in broadcast._MEMBER_WORDS:
        query = query.where(PersonRole.role == "member")
    elif scope.strip() in broadcast._ALL_WORDS:
        query = query.where(PersonRole.role.in_(EVERYONE_ROLES))
    else:
        grids = await directory.grids_of(session=session, community_id=community_id)
        target = broadcast._find_grid(grids, scope.strip())
        covered = grids_tree.subtree(target, grids) if target is not None else set()
        query = query.where(PersonRole.role.in_(("member", "resident")), PersonRole.grid_id.in_(covered))
    people = sorted({pid for pid in await session.scalars(query) if pid != exclude})
    return rooms, people


async def create(*, session: AsyncSession, community_id: str, draft: Draft, people: list[str], actor_id: str,
                 urgent: bool, remind_minutes: int, send_at: datetime) -> RollCall:
    if not people:
        raise DomainError("rc_nobody", scope=draft.scope)
    number = await counters.next_number(session=session, community_id=community_id, kind="rollcall")
    call = RollCall(community_id=community_id, number=number, scope=draft.scope[:32], starts_at=draft.starts_at,
                    place=draft.place, quota=draft.quota, note=draft.note, urgent=urgent,
                    remind_minutes=remind_minutes, created_by=actor_id)
    session.add(call)
    await session.flush()
    session.add_all([RollCallAnswer(roll_call_id=call.id, person_id=pid) for pid in people])
    await session.flush()
    await jobs.add(session=session, key=f"rollcall_remind:{call.id}", kind="rollcall_remind",
                   community_id=community_id, due_at=send_at + timedelta(minutes=remind_minutes))
    return call


async def get(*, session: AsyncSession, community_id: str, number: int) -> RollCall:
    call = await session.scalar(select(RollCall).where(RollCall.community_id == community_id,
                                                       RollCall.number == number))
    if call is None:
        raise DomainError("rc_not_found", number=number)
    return call


async def open_calls(*, session: AsyncSession, community_id: str) -> list[RollCall]:
    return list(await session.scalars(select(RollCall).where(
        RollCall.community_id == community_id, RollCall.status == OPEN).order_by(RollCall.number)))


async def invitation(*, session: AsyncSession, person_id: str, answers: tuple[str, ...],
                     arrived: bool | None = None) -> tuple[RollCall, RollCallAnswer] | None:
    """The person's latest open roll call whose answer is one of ``answers``."""
    query = (select(RollCall, RollCallAnswer).join(_A, _A.roll_call_id == RollCall.id)
             .where(_A.person_id == person_id, RollCall.status == OPEN, _A.answer.in_(answers)))
    if arrived is not None:
        query = query.where(_A.arrived_at.is_not(None) if arrived else _A.arrived_at.is_(None))
    row = (await session.execute(query.order_by(RollCall.id.desc()).limit(1))).first()
    return (row[0], row[1]) if row else None


async def sign_up(*, session: AsyncSession, call: RollCall, person_id: str) -> str:
    """YES when a place was taken, LATE when none was left (人已够), "again" if already signed up."""
    now = clock.utcnow()
    moved = (await session.execute(
        update(_A).where(_A.roll_call_id == call.id, _A.person_id == person_id, _A.answer != YES)
        .values(answer=YES, answered_at=now).returning(_A.id))).scalar_one_or_none()
    if moved is None:
        return "again"
    taken = (await session.execute(
        update(RollCall).where(RollCall.id == call.id, RollCall.status == OPEN, RollCall.accepted < RollCall.quota)
        .values(accepted=RollCall.accepted + 1).returning(RollCall.accepted))).scalar_one_or_none()
    if taken is None:
        await session.execute(update(_A).where(_A.id == moved).values(answer=LATE)
                              .execution_options(synchronize_session=False))
        return LATE
    return YES


async def release_rest(*, session: AsyncSession, call: RollCall) -> list[str]:
    """Once the places are taken: everyone who has not said yes or no is recorded as ``late``
    (人满未安排: not reminded, may still take a place someone gives back) and returned, to be told.
    One UPDATE … RETURNING, so of two sign-ups that both see the call full only one tells. Rows
    another transaction holds are skipped: that person is answering right now and hears the outcome
    themselves (waiting for them could deadlock, as they wait for this call's counter row)."""
    free = (select(_A.id).where(_A.roll_call_id == call.id, _A.answer.in_((PENDING, ACK)))
            .with_for_update(skip_locked=True))
    moved = await session.execute(
        update(_A).where(_A.id.in_(free.scalar_subquery()))
        .values(answer=LATE).returning(_A.person_id).execution_options(synchronize_session=False))
    return sorted(moved.scalars())


async def decline(*, session: AsyncSession, call: RollCall, person_id: str) -> bool:
    """Record 去不了; a place they held is given back. True when they had signed up."""
    now = clock.utcnow()
    was_yes = await session.execute(
        update(_A).where(_A.roll_call_id == call.id, _A.person_id == person_id, _A.answer == YES,
                         _A.arrived_at.is_(None))
        .values(answer=NO, answered_at=now).execution_options(synchronize_session=False))
    if was_yes.rowcount == 1:
        await session.execute(update(RollCall).where(RollCall.id == call.id, RollCall.accepted > 0)
                              .values(accepted=RollCall.accepted - 1).execution_options(synchronize_session=False))
        return True
    await session.execute(
        update(_A).where(_A.roll_call_id == call.id, _A.person_id == person_id, _A.answer.in_((PENDING, ACK, LATE)))
        .values(answer=NO, answered_at=now).execution_options(synchronize_session=False))
    return False


async def acknowledge(*, session: AsyncSession, call: RollCall, person_id: str) -> None:
    await session.execute(
        update(_A).where(_A.roll_call_id == call.id, _A.person_id == person_id, _A.answer == PENDING)
        .values(answer=ACK, answered_at=clock.utcnow()).execution_options(synchronize_session=False))


async def arrive(*, session: AsyncSession, call: RollCall, person_id: str, place: str) -> bool:
    """到岗: the arrival time (and where, if said) of a person who signed up; once."""
    marked = await session.execute(
        update(_A).where(_A.roll_call_id == call.id, _A.person_id == person_id, _A.answer == YES,
                         _A.arrived_at.is_(None))
        .values(arrived_at=clock.utcnow(), arrived_place=place[:MAX_PLACE] or None)
        .execution_options(synchronize_session=False))
    return marked.rowcount == 1


async def place_arrival(*, session: AsyncSession, call: RollCall, person_id: str, place: str) -> bool:
    """A location pin after 到岗 said without a place: where they arrived. Once."""
    marked = await session.execute(
        update(_A).where(_A.roll_call_id == call.id, _A.person_id == person_id, _A.answer == YES,
                         _A.arrived_at.is_not(None), _A.arrived_place.is_(None))
        .values(arrived_place=place[:MAX_PLACE]).execution_options(synchronize_session=False))
    return marked.rowcount == 1


async def tally(*, session: AsyncSession, call: RollCall) -> dict[str, int]:
    rows = await session.execute(select(_A.answer, func.count(), func.count(_A.arrived_at))
                                 .where(_A.roll_call_id == call.id).group_by(_A.answer))
    counts = {k: 0 for k in (PENDING, ACK, YES, NO, LATE, "arrived")}
    for answer, count, arrived in rows:
        counts[answer] = int(count)
        counts["arrived"] += int(arrived)
    return counts


def tally_text(call: RollCall, counts: dict[str, int]) -> str:
    late = say("rc_tally_late", late=counts[LATE]) if counts[LATE] else ""
    return say("rc_tally", number=call.number, yes=counts[YES], quota=call.quota, no=counts[NO],
               silent=counts[PENDING] + counts[ACK], late=late, arrived=counts["arrived"])


async def roster(*, session: AsyncSession, call: RollCall) -> list[tuple[str, RollCallAnswer]]:
    rows = await session.execute(select(Person.name, _A).join(_A, _A.person_id == Person.id)
                                 .where(_A.roll_call_id == call.id).order_by(_A.answered_at, _A.id))
    return [(name, answer) for name, answer in rows]


@dataclass(frozen=True, slots=True)
class Closing:
    came: list[tuple[str, str, int, int]]  # (person id, name, minutes, points)
    absent: list[str]  # signed up, did not arrive
    declined: list[str]
    silent: int


async def close(*, session: AsyncSession, call: RollCall, actor_id: str) -> Closing:
    """结束: close once, credit each arrival its service time and the rule's points (once)."""
    now = clock.utcnow()
    done = await session.execute(update(RollCall).where(RollCall.id == call.id, RollCall.status == OPEN)
                                 .values(status=CLOSED, closed_at=now).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise DomainError("rc_closed", number=call.number)
    each = await rules.value(session=session, community_id=call.community_id, code="rollcall")
    came, absent, declined, silent = [], [], [], 0
    for name, answer in await roster(session=session, call=call):
        if answer.arrived_at is not None:
            start = max(answer.arrived_at, call.starts_at) if call.starts_at < now else answer.arrived_at
            minutes = max(0, min(MAX_SERVICE_MINUTES, int((now - start).total_seconds() // 60)))
            await session.execute(update(_A).where(_A.id == answer.id).values(minutes=minutes)
                                  .execution_options(synchronize_session=False))
            entry = None
            if each > 0:
                entry = await points.post(
                    session=session, person_id=answer.person_id, community_id=call.community_id, amount=each,
                    rule="rollcall", reason=say("rc_reason", number=call.number, place=call.place,
                                                hours=f"{minutes / 60:.1f}".removesuffix(".0")),
                    idempotency_key=f"rollcall:{call.id}:{answer.person_id}", actor_id=actor_id)
            came.append((answer.person_id, name, minutes, entry.amount if entry else 0))
        elif answer.answer == YES:
            absent.append(name)
        elif answer.answer == NO:
            declined.append(name)
        elif answer.answer in (PENDING, ACK):
            silent += 1
    await jobs.cancel_pending_key(session=session, key=f"rollcall_remind:{call.id}")
    return Closing(came, absent, declined, silent)
