"""'/活动 N 取消' is refused once anyone has checked in, also when the check-in is being
handled at that same moment. PostgreSQL only (SQLite's writers queue on one lock)."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from bot.clock import utcnow
from bot.db.models import PointsEntry
from bot.db.models_members import ActivitySignup
from bot.errors import DomainError
from bot.services import activities
from tests.conftest import BACKEND
from tests.harness import MEMBER_LI, SECRETARY

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="needs concurrent writers (PostgreSQL)")


async def until_blocked_by(db, holder_pid: int, seconds: float = 10) -> None:
    """Return once PostgreSQL shows a session waiting for a lock that backend ``holder_pid``
    holds; fail after ``seconds``. This is the fact the test needs, not a guess by sleeping."""
    deadline = time.monotonic() + seconds
    async with db.engine.connect() as conn:
        while True:
            blocked = (await conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"),
                {"holder": holder_pid})).scalar()
            if blocked:
                return
            assert time.monotonic() < deadline, "nothing started waiting for the check-in's locks"
            await asyncio.sleep(0.01)


async def test_a_cancel_waits_for_a_concurrent_check_in_and_is_refused(bot):
    db = bot.runtime.db
    async with db.transaction() as s:
        act = await activities.publish(session=s, community_id="xingfuli", title="清理楼道",
                                       starts_at=utcnow() + timedelta(days=1), place="3号楼", quota=5,
                                       points_each=3, actor_id=SECRETARY)
        await activities.sign_up(session=s, activity=act, person_id=MEMBER_LI)
        number = act.number
    # "/活动 1 确认 @李师傅" is being handled: attendance marked, points posted, not committed yet.
    confirm = db.transaction()
    s1 = await confirm.__aenter__()
    loaded = await activities.get(session=s1, community_id="xingfuli", number=number)
    assert await activities.attend(session=s1, activity=loaded, person_id=MEMBER_LI, confirmed_by=SECRETARY)
    check_in_pid = (await s1.execute(text("SELECT pg_backend_pid()"))).scalar()
    # "/活动 1 取消" at the same time: it waits for the check-in's row lock, then sees it.
    async def cancel():
        async with db.transaction() as s2:
            await activities.cancel(session=s2, activity=await activities.get(
                session=s2, community_id="xingfuli", number=number))
    cancelling = asyncio.create_task(cancel())
    await until_blocked_by(db, check_in_pid)  # waiting for the row the check-in holds
    assert not cancelling.done()
    await confirm.__aexit__(None, None, None)
    with pytest.raises(DomainError) as refused:
        await cancelling
    assert refused.value.key == "act_cancel_attended"

    async with db.sessions() as s:
        final = await activities.get(session=s, community_id="xingfuli", number=number)
        attended = await s.scalar(select(func.count()).select_from(ActivitySignup).where(
            ActivitySignup.activity_id == final.id, ActivitySignup.attended_at.is_not(None)))
        awarded = await s.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0))
                                 .where(PointsEntry.rule == "activity"))
    assert (final.status, attended, awarded) == ("open", 1, 3)
