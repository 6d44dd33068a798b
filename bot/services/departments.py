"""Department work on tickets (issue 13): 转办 / 受理 / 回复 / 办结, 上报, 吹哨 / 报到, 督办.

A ticket handed to a department (``transfer``) is held by it: status ``claimed`` with no
claimer, so no member can take it; its deadline becomes the department's (限N天) and the members'
chasers (tier escalation, deadline reminder and overdue alert) are cancelled; the department's 办结 makes it ``done`` and the community's
secretary still does 验收 and the resident still rates. Each step is a ticket event (who, when).

Overdue department work is chased through the scheduler, like the ticket deadlines
(bot.services.deadlines): at the department's deadline a reminder (督办) goes to the department;
``alert_after_hours`` later, if it is still not finished, the street officers are alerted. A
department summoned with /吹哨 that has not said 报到 by ``report_by`` is reported to the street
officers too. Each job checks the task's state when it runs, so finished work hears nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import to_local
from bot.db.models import Ticket
from bot.db.models_schedule import ScheduledJob
from bot.db.models_streets import Department, DepartmentTask
from bot.errors import DomainError
from bot.messages import Outgoing
from bot.replies import say, status_name
from bot.replies.tickets import ticket_fields
from bot.services import guards, jobs, policy, streets, tickets
from bot.services.dispatching import secretaries

TRANSFER, WHISTLE = "transfer", "whistle"
ASSIGNED, ACCEPTED, DONE, SUMMONED, REPORTED = "assigned", "accepted", "done", "summoned", "reported"
ACTIVE = (ASSIGNED, ACCEPTED)
WAITING = (*ACTIVE, SUMMONED, REPORTED)  # department work not finished (转办 or 吹哨)
MAX_DAYS = 90
STREET_LEVEL = 3  # a ticket's dispatch_level once raised to the street (/上报)
_MEMBER_CHASERS = ("escalate1", "escalate2", "remind", "overdue")


def when(dt: datetime | None) -> str:
    return to_local(dt).strftime("%m-%d %H:%M") if dt else "—"


def tell_department(dep: Department, text: str) -> list[Outgoing]:
    """A message to a department: its contact privately and its group, when it has them."""
    out = [Outgoing(text=text, to=dep.contact_id)] if dep.contact_id else []
    if dep.room_id:
        out.append(Outgoing(text=text, room_id=dep.room_id))
    return out


async def tell_officers(*, session: AsyncSession, community_id: str, text: str, guard=None) -> list[Outgoing]:
    street = await streets.street_of(session=session, community_id=community_id)
    if street is None:
        return []
    return [Outgoing(text=text, to=p, guard=guard) for p in await streets.officers_of(session=session,
                                                                                      street_id=street.id)]


async def tasks_of(*, session: AsyncSession, ticket_id: int) -> list[tuple[DepartmentTask, Department]]:
    rows = await session.execute(select(DepartmentTask, Department)
                                 .join(Department, Department.id == DepartmentTask.department_id)
                                 .where(DepartmentTask.ticket_id == ticket_id).order_by(DepartmentTask.id))
    return [(t, d) for t, d in rows.all()]


async def _event(session: AsyncSession, ticket, action: str, actor_id: str | None, note: str) -> None:
    await tickets.record_event(session=session, ticket_id=ticket.id, action=action, from_status=ticket.status,
                               to_status=ticket.status, actor_id=actor_id, note=note[:500])


# -- 转办 ----------------------------------------------------------------------------------------------
async def transfer(*, session: AsyncSession, ticket, department: Department, actor_id: str, days: int | None,
                   note: str, now: datetime, settings=None) -> DepartmentTask:
    default_days, alert_after, _ = policy.department_rules(settings)
    days = default_days if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise DomainError("dept_bad_days", most=MAX_DAYS)
    for task, dep in await tasks_of(session=session, ticket_id=ticket.id):
        if dep.id == department.id and task.kind == TRANSFER and task.status in ACTIVE:
            raise DomainError("dept_already", number=ticket.number, department=dep.name)
    deadline = now + timedelta(days=days)
    await tickets.transfer(session=session, ticket=ticket, actor_id=actor_id,
                           note=say("dept_event_transfer", department=department.name, days=days,
                                    note=note or "—"))
    # The department's deadline is the ticket's now; its chasers replace the members' ones.
    await session.execute(update(Ticket).where(Ticket.id == ticket.id).values(deadline_at=deadline)
                          .execution_options(synchronize_session=False))
    ticket.deadline_at = deadline
    await session.execute(update(ScheduledJob).where(ScheduledJob.ticket_id == ticket.id,
                                                     ScheduledJob.status == jobs.PENDING,
                                                     ScheduledJob.kind.in_(_MEMBER_CHASERS))
                          .values(status=jobs.CANCELLED).execution_options(synchronize_session=False))
    task = DepartmentTask(ticket_id=ticket.id, department_id=department.id, kind=TRANSFER, status=ASSIGNED,
                          note=note or None, deadline_at=deadline, created_by=actor_id, created_at=now)
    session.add(task)
    await session.flush()
    await jobs.add(session=session, key=f"dept_overdue:{task.id}", kind="dept_overdue",
                   community_id=ticket.community_id, due_at=deadline, ticket_id=ticket.id)
    await jobs.add(session=session, key=f"dept_alert:{task.id}", kind="dept_alert",
                   community_id=ticket.community_id, due_at=deadline + alert_after, ticket_id=ticket.id)
    return task


# -- what a department's contact says -------------------------------------------------------------------
async def task_for(*, session: AsyncSession, person_id: str, number: int, community_ids: list[str],
                   kind: str, statuses: tuple[str, ...]) -> tuple[DepartmentTask, Ticket, Department]:
    """The task of the contact's department on ticket ``number`` of one of ``community_ids``."""
    rows = (await session.execute(
        select(DepartmentTask, Ticket, Department)
        .join(Ticket, Ticket.id == DepartmentTask.ticket_id)
        .join(Department, Department.id == DepartmentTask.department_id)
        .where(Department.contact_id == person_id, Ticket.number == number, DepartmentTask.kind == kind,
               Ticket.community_id.in_(community_ids))
        .order_by(DepartmentTask.id.desc()))).all()
    if not rows:
        raise DomainError("dept_no_task", number=number)
    live = [r for r in rows if r[0].status in statuses] or rows
    if len({r[1].community_id for r in live}) > 1:
        raise DomainError("dept_which_community", number=number)
    task, ticket, dep = live[0]
    if task.status not in statuses:
        raise DomainError("dept_bad_step", number=number, department=dep.name, status=say(f"dept_status_{task.status}"))
    return task, ticket, dep


async def _step(session: AsyncSession, task: DepartmentTask, sources: tuple[str, ...], **values) -> None:
    """A conditional UPDATE of the task, like the ticket's transitions: of two concurrent steps one wins."""
    result = await session.execute(update(DepartmentTask).where(DepartmentTask.id == task.id,
                                                                DepartmentTask.status.in_(sources))
                                   .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError("dept_bad_step", number="", department="", status="已变化")
    for key, value in values.items():
        setattr(task, key, value)


async def accept(*, session: AsyncSession, task, ticket, dep, actor_id: str, now: datetime) -> None:
    await _step(session, task, (ASSIGNED,), status=ACCEPTED, accepted_at=now)
    await _event(session, ticket, "dept_accept", actor_id, dep.name)


async def reply(*, session: AsyncSession, task, ticket, dep, actor_id: str, content: str, now: datetime) -> None:
    await _step(session, task, ACTIVE, status=ACCEPTED, reply=content[:500], replied_at=now,
                accepted_at=task.accepted_at or now)
    await _event(session, ticket, "dept_reply", actor_id, f"{dep.name}：{content}")


async def finish(*, session: AsyncSession, task, ticket, dep, actor_id: str, note: str, now: datetime) -> bool:
    """The department finished; True when the ticket is now done (no other department still on it)."""
    await _step(session, task, ACTIVE, status=DONE, done_at=now, accepted_at=task.accepted_at or now)
    others = [t for t, _ in await tasks_of(session=session, ticket_id=ticket.id)
              if t.id != task.id and t.kind == TRANSFER and t.status in ACTIVE]
    if others:
        await _event(session, ticket, "dept_done", actor_id, f"{dep.name}：{note}")
        return False
    await tickets.department_done(session=session, ticket=ticket, actor_id=actor_id, note=f"{dep.name}：{note}")
    return True


async def reopen(*, session: AsyncSession, ticket) -> list[Department]:
    """The secretary rejected a department's 办结 (/验收 N 驳回): its work is open again."""
    again = [(t, d) for t, d in await tasks_of(session=session, ticket_id=ticket.id)
             if t.kind == TRANSFER and t.status == DONE]
    for task, _ in again:
        task.status, task.done_at = ACCEPTED, None
    return [d for _, d in again]


async def report(*, session: AsyncSession, task, ticket, dep, actor_id: str, now: datetime) -> None:
    await _step(session, task, (SUMMONED,), status=REPORTED, reported_at=now)
    await _event(session, ticket, "dept_report", actor_id, dep.name)


# -- 上报, 吹哨, 督办 -----------------------------------------------------------------------------------
async def raise_to_street(*, session: AsyncSession, ticket, actor_id: str, note: str) -> list[str]:
    """/上报: the street's officers are told; the ticket's dispatch level says it went up."""
    street = await streets.need_street(session=session, community_id=ticket.community_id)
    officers = await streets.officers_of(session=session, street_id=street.id)
    await session.execute(update(Ticket).where(Ticket.id == ticket.id).values(dispatch_level=STREET_LEVEL)
                           .execution_options(synchronize_session=False))
    await _event(session, ticket, "report_street", actor_id, f"{street.name}：{note or '—'}")
    return officers


async def whistle(*, session: AsyncSession, ticket, departments: list[Department], actor_id: str,
                  now: datetime, settings=None) -> list[DepartmentTask]:
    if ticket.status in (tickets.VERIFIED, tickets.CLOSED, tickets.CANCELLED):
        raise DomainError("err_bad_transition", number=ticket.number, status=status_name(ticket.status),
                          action="吹哨")
    _, _, within = policy.department_rules(settings)
    made = []
    for dep in departments:
        task = DepartmentTask(ticket_id=ticket.id, department_id=dep.id, kind=WHISTLE, status=SUMMONED,
                              report_by=now + within, created_by=actor_id, created_at=now)
        session.add(task)
        await session.flush()
        await jobs.add(session=session, key=f"whistle_check:{task.id}", kind="whistle_check",
                       community_id=ticket.community_id, due_at=task.report_by, ticket_id=ticket.id)
        made.append(task)
    await _event(session, ticket, "whistle", actor_id, "、".join(d.name for d in departments))
    return made


async def supervise(*, session: AsyncSession, ticket, actor_id: str | None,
                    now: datetime) -> list[tuple[DepartmentTask, Department]]:
    """/督办 by hand: every department still owing work on the ticket is reminded."""
    owing = [(t, d) for t, d in await tasks_of(session=session, ticket_id=ticket.id)
             if t.status in ACTIVE or t.status == SUMMONED]
    if not owing:
        raise DomainError("dept_nothing_to_supervise", number=ticket.number)
    for task, _ in owing:
        task.reminded_at = now
    await _event(session, ticket, "supervise", actor_id, "、".join(d.name for _, d in owing))
    return owing


# -- the scheduler's rules (bot.scheduler.RULES) -------------------------------------------------------
async def _job_task(session: AsyncSession, job: ScheduledJob):
    task = await session.get(DepartmentTask, int(job.key.rsplit(":", 1)[1]))
    if task is None:
        return None
    return task, await session.get(Ticket, task.ticket_id), await session.get(Department, task.department_id)


async def overdue_job(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    """At the department's deadline: 督办 — a reminder to the department, the secretary told."""
    found = await _job_task(session, job)
    if found is None or found[0].status not in ACTIVE:
        return None
    task, ticket, dep = found
    task.reminded_at = now
    await _event(session, ticket, "supervise", None, say("dept_event_auto_supervise", department=dep.name))
    fields = dict(department=dep.name, deadline=when(task.deadline_at), **ticket_fields(ticket))
    out = tell_department(dep, say("dept_supervise", **fields))
    out += [Outgoing(text=say("dept_overdue_secretary", **fields), to=p)
            for p in await secretaries(session=session, community_id=ticket.community_id)]
    return jobs.Batch(out)


async def alert_job(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    """Still not finished well after the deadline: the street officers are alerted."""
    found = await _job_task(session, job)
    if found is None or found[0].status not in ACTIVE:
        return None
    task, ticket, dep = found
    task.alerted_at = now
    await _event(session, ticket, "alert_street", None, dep.name)
    text = say("dept_alert_officer", department=dep.name, deadline=when(task.deadline_at),
               community=await _community_name(session, ticket.community_id),
               status=say(f"dept_status_{task.status}"), **ticket_fields(ticket))
    return jobs.Batch(await tell_officers(session=session, community_id=ticket.community_id, text=text,
                                          guard=guards.while_unfinished(ticket)))


async def whistle_job(*, session: AsyncSession, job: ScheduledJob, now: datetime, settings) -> jobs.Batch | None:
    found = await _job_task(session, job)
    if found is None or found[0].status != SUMMONED:
        return None
    task, ticket, dep = found
    task.alerted_at = now
    await _event(session, ticket, "whistle_missed", None, dep.name)
    text = say("dept_whistle_missed", department=dep.name, by=when(task.report_by),
               community=await _community_name(session, ticket.community_id), **ticket_fields(ticket))
    return jobs.Batch(await tell_officers(session=session, community_id=ticket.community_id, text=text))


async def _community_name(session: AsyncSession, community_id: str) -> str:
    from bot.services.directory import community_name

    return await community_name(session=session, community_id=community_id) or community_id


def overdue(task: DepartmentTask, now: datetime) -> bool:
    """Finished after its deadline, or still not finished after it."""
    if task.kind != TRANSFER or task.deadline_at is None:
        return False
    return (task.done_at or now) > task.deadline_at

