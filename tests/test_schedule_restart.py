"""Durability: a restart rebuilds everything from the database and fires nothing
twice; two bot processes on one PostgreSQL run each job once."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta

import pytest

from tests.conftest import BACKEND
from tests.harness import MEMBER_LI, MEMBERS, RES_SUN, RES_WU, RES_ZHAO, SECRETARY, WEST, BotHarness
from tests.schedule_helpers import jobs_of, local

LAMP = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"


def job_rows(rows, prefix="job:"):
    return [r for r in rows if (r.cause or "").startswith(prefix)]


def deliveries(rows):
    return Counter((r.cause, r.room_id, r.to_person) for r in job_rows(rows))


async def test_restart_loses_nothing_and_fires_nothing_twice(bot, database_url):
    await bot.say(RES_ZHAO, LAMP)
    created = (await bot.ticket(1)).created_at
    await bot.runtime.scheduler.tick(created + timedelta(minutes=31))
    before = job_rows(await bot.outbox(), "job:escalate")
    assert [r.cause for r in before] == ["job:escalate1:1"]
    await bot.close()  # the process stops

    again = await BotHarness.create(database_url)  # a new process on the same database
    try:
        await again.runtime.scheduler.tick(created + timedelta(minutes=31))
        assert job_rows(await again.outbox(), "job:escalate") == before  # nothing fired twice
        await again.runtime.scheduler.tick(created + timedelta(minutes=125))
        rows = job_rows(await again.outbox(), "job:escalate")
        assert [r.cause for r in rows] == ["job:escalate1:1", "job:escalate2:1"]  # nothing lost
        assert rows[-1].to_person == SECRETARY
    finally:
        await again.close()


@pytest.mark.skipif(BACKEND != "postgres", reason="two processes on one PostgreSQL")
async def test_two_schedulers_on_one_postgres_run_each_job_once(bot, database_url, monkeypatch):
    # Work of every kind: tickets (tiers, deadline), a verified one (follow-up), notices, digests.
    await bot.say(RES_ZHAO, LAMP)
    await bot.say(RES_WU, "6号楼楼下垃圾桶满了好几天没人清理", WEST)
    await bot.say(RES_SUN, "3号楼有人晕倒了，快来人帮忙")
    number = await bot.open_ticket("小区东门的健身器材坏了一个，不能用了", sender=RES_SUN)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 换了", MEMBERS)
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    await bot.say(MEMBER_LI, "接单 1", MEMBERS)
    for command in ("/定时 每天 8:00 党员 早上好", "/定时 明天 9:00 明天停水"):
        await bot.say(SECRETARY, command, None)
        await bot.say(SECRETARY, "确认", None)
    created = (await bot.ticket(1)).created_at

    second = await BotHarness.create(database_url)
    try:
        a, b = bot.runtime.scheduler, second.runtime.scheduler
        today = (created + timedelta(hours=8)).date()
        times = [created + timedelta(minutes=m) for m in (0, 31, 61, 125, 60 * 42, 60 * 49, 60 * 80)]
        times += [local(today + timedelta(days=d), 8, 0) for d in (1, 2)]
        times += [local(today + timedelta(days=1), 9, 0), local(date.today().replace(day=1) + timedelta(days=40), 9, 0)]
        for when in sorted(times):
            for _ in range(3):
                await asyncio.gather(a.tick(when), b.tick(when), a.tick(when), b.tick(when))
        rows = await bot.outbox()
        counts = deliveries(rows)
        assert counts and max(counts.values()) == 1, [k for k, n in counts.items() if n > 1]
        kinds = {cause.split(":")[1] for cause, _, _ in counts}
        assert {"escalate1", "escalate2", "remind", "overdue", "followup_ask", "notice", "daily"} <= kinds
        all_jobs = await jobs_of(bot)
        assert not [j for j in all_jobs if j.status == "pending" and j.due_at <= times[-1]]
        assert not [j for j in all_jobs if j.status == "failed" or j.attempts]  # no errors from the races
    finally:
        await second.close()


@pytest.mark.skipif(BACKEND != "postgres", reason="two engines on one SQLite file in one event loop would "
                    "block each other; one SQLite process serialises its writers anyway")
async def test_a_due_item_is_claimed_exactly_once_across_processes(bot, database_url):
    from bot.clock import utcnow
    from bot.services import jobs

    now = utcnow()
    async with bot.runtime.db.transaction() as session:
        assert await jobs.add(session=session, key="probe:1", kind="probe", community_id="xingfuli", due_at=now)
        assert not await jobs.add(session=session, key="probe:1", kind="probe", community_id="xingfuli", due_at=now)
    job_id = (await jobs_of(bot))[-1].id
    second = await BotHarness.create(database_url)

    async def claim(db) -> bool:
        async with db.transaction() as session:
            won = await jobs.claim(session=session, job_id=job_id, now=now)
            await asyncio.sleep(0)  # let the others try while this claim is still open
            return won

    try:
        results = await asyncio.gather(*(claim(h.runtime.db) for h in [bot, second] * 5))
    finally:
        await second.close()
    assert sum(results) == 1


async def test_runtime_starts_and_stops_the_periodic_tick(bot):
    scheduler = bot.runtime.scheduler
    scheduler.start()
    try:
        job = scheduler._aps.get_job("gridbot-tick")
        assert job is not None and job.trigger.interval.total_seconds() == bot.runtime.settings.scheduler_tick_seconds
    finally:
        await scheduler.stop()
    assert scheduler._aps is None


@pytest.mark.parametrize("override, message", [
    ({"quiet_hours": "10pm-7am"}, "QUIET_HOURS"),
    ({"daily_digest_time": "8点"}, "DAILY_DIGEST_TIME"),
    ({"weekly_board_day": 9}, "WEEKLY_BOARD_DAY"),
])
def test_bad_settings_fail_at_start(override, message):
    from bot.config import Settings
    from bot.scheduler import validate

    with pytest.raises(ValueError, match=message):
        validate(Settings(_env_file=None, **override))
