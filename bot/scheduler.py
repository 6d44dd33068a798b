"""The scheduler: one periodic APScheduler tick that runs every due item once.

Durable due times, not in-memory timers: every timed rule is a ``scheduled_job``
row (see ``bot.services.jobs``). Each tick (``scheduler_tick_seconds``, default 30)
1. plans recurring digests whose time has come (``digests.plan``),
2. discovers follow-ups and low-rating alerts from the tickets (``followups.discover``),
3. runs every due job in its own transaction: a conditional UPDATE claims it, the
   rule runs, its messages go to the outbox, all in that one transaction.
So a restart rebuilds everything from the database, and nothing fires twice.

Several bot processes on one PostgreSQL: no leader is elected. The per-item claim
above already makes each item run once, whatever the number of processes, and it
is needed anyway for restarts; a leader lock would add a held connection and a
fail-over path without removing it. The cost is that every process scans the
(small, indexed) due set each tick.

Downtime rule: ticket rules (escalation, deadline reminder/overdue, follow-up,
auto-close) run once, late, checking the ticket's state at that moment (a reminder
past its deadline is skipped: the overdue alert covers it). Digests and scheduled
notices more than ``late_grace_minutes`` (default 180) late are dropped (status
'dropped'; a recurring notice goes on with its next occurrence).

Job functions take ``now``: tests call ``tick(now)`` with chosen times.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from bot import metrics
from bot.clock import utcnow
from bot.db.engine import Database
from bot.services import (
    deadlines,
    departments,
    digests,
    dispatching,
    district_reports,
    followups,
    jobs,
    notices,
    outbox,
    policy,
    quiet,
    rollcall_jobs,
    street_reports,
    units,
    wartime,
)

log = logging.getLogger(__name__)

RULES: dict[str, Callable[..., Awaitable[jobs.Batch | None]]] = {
    "escalate1": dispatching.escalate,
    "escalate2": dispatching.escalate,
    "remind": deadlines.remind,
    "overdue": deadlines.overdue,
    "followup_ask": followups.ask,
    "followup_close": followups.auto_close,
    "low_rating": followups.low_rating,
    "daily": digests.daily,
    "weekly": digests.weekly,
    "monthly": digests.monthly,
    "notice": notices.fire,
    "dept_overdue": departments.overdue_job,
    "dept_alert": departments.alert_job,
    "whistle_check": departments.whistle_job,
    "street_monthly": street_reports.monthly,
    "district_monthly": district_reports.monthly,
    "unit_monthly": units.monthly,
    "rollcall_remind": rollcall_jobs.remind,
    "wartime_summary": rollcall_jobs.wartime_summary,
}
# Sent late only within the grace period; after a longer outage they are dropped.
DROPPABLE = {"daily", "weekly", "monthly", "notice", "street_monthly", "district_monthly", "unit_monthly"}


def validate(settings) -> None:
    """Fail at start-up, with the setting's name, rather than on the first ticket."""
    try:
        quiet.parse_hours(settings.quiet_hours)
    except ValueError as exc:
        raise ValueError(f"QUIET_HOURS: {exc}") from exc
    for name in ("daily_digest_time", "weekly_board_time", "monthly_report_time"):
        value = getattr(settings, name)
        hour, sep, minute = value.partition(":")
        if not (sep and hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"{name.upper()} must look like 08:00, got {value!r}")
    if not 1 <= int(settings.weekly_board_day) <= 7:
        raise ValueError("WEEKLY_BOARD_DAY must be 1 (Monday) to 7 (Sunday)")
    policy.load(settings.lifecycle_rules_file)


class Scheduler:
    def __init__(self, db: Database, settings, *, on_sent: Callable[[], None] | None = None,
                 name: str = "scheduler") -> None:
        validate(settings)
        self.db = db
        self.settings = settings
        self.on_sent = on_sent
        self.name = name
        self._aps = None

    def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        from bot.clock import LOCAL_TZ

        self._aps = AsyncIOScheduler(timezone=LOCAL_TZ)
        self._aps.add_job(self._safe_tick, "interval", seconds=max(1, self.settings.scheduler_tick_seconds),
                          next_run_time=datetime.now(LOCAL_TZ), max_instances=1, coalesce=True,
                          id="gridbot-tick")
        self._aps.start()

    async def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("scheduler tick failed")

    async def tick(self, now: datetime | None = None, *, limit: int = 200) -> int:
        """Plan, discover and run everything due at ``now``; returns how many jobs ran."""
        now = now or utcnow()
        async with self.db.transaction() as session:
            await digests.plan(session=session, now=now, settings=self.settings)
            await followups.discover(session=session, now=now, settings=self.settings)
        async with self.db.sessions() as session:
            due = [(j.id, j.kind) for j in await jobs.due(session=session, now=now, limit=limit)]
        sent = ran = 0
        for job_id, kind in due:
            try:
                count = await self._run(job_id, now)
            except Exception as error:  # noqa: BLE001 - recorded on the row, retried next tick
                log.exception("job %s (%s) failed", job_id, kind)
                async with self.db.transaction() as session:
                    await jobs.record_failure(session=session, job_id=job_id, error=repr(error), now=now)
                continue
            if count is not None:
                ran += 1
                sent += count
            await asyncio.sleep(0)  # on SQLite a job's statements run inline: let requests in between jobs
        if sent and self.on_sent:
            self.on_sent()
        return ran

    async def _run(self, job_id: int, now: datetime) -> int | None:
        """Claim and run one job; None when another process had it. Returns messages queued."""
        async with self.db.transaction() as session:
            job = await session.get(jobs.ScheduledJob, job_id)
            if job is None or job.status != jobs.PENDING:
                return None
            late = now - job.due_at > timedelta(minutes=self.settings.late_grace_minutes)
            if job.kind in DROPPABLE and late:
                if not await jobs.claim(session=session, job_id=job_id, now=now, status=jobs.DROPPED):
                    return None
                if job.kind == "notice":
                    await notices.advance(session=session, job=job, now=now)
                log.warning("dropped %s: due %s, now %s", job.key, job.due_at, now)
                return 0
            if not await jobs.claim(session=session, job_id=job_id, now=now):
                return None
            metrics.JOB_LAG.observe(max(0.0, (now - job.due_at).total_seconds()))
            rule = RULES.get(job.kind)
            batch = await rule(session=session, job=job, now=now, settings=self.settings) if rule else None
            if batch is None:
                await jobs.set_status(session=session, job_id=job_id, status=jobs.SKIPPED)
                return 0
            # 战时 mode: quiet hours are off for the community (bot.services.wartime).
            urgent = batch.urgent or await wartime.active(session=session, community_id=job.community_id) is not None
            wait = quiet.not_before(now, urgent=urgent, settings=self.settings)
            await outbox.enqueue(session=session, messages=batch.messages, cause=f"job:{job.key}",
                                 not_before=wait)
            return len(batch.messages)
