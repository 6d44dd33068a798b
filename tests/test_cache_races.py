"""The directory cache never keeps what a transaction read from before a concurrent change.

PostgreSQL only: there two transactions of one process run at once (SQLite's writers queue
on one lock). The interleavings are forced with two open transactions, as two messages
handled at the same moment would interleave them.
"""
from __future__ import annotations

import pytest

from bot.services import directory
from tests.conftest import BACKEND
from tests.harness import EAST, MEMBERS, RES_SUN, RES_ZHAO, texts

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="needs concurrent writers (PostgreSQL)")


async def test_sender_cached_with_roles_from_before_a_concurrent_approval(bot):
    db = bot.runtime.db
    number = await bot.open_ticket(sender=RES_ZHAO)
    db.cache.clear()
    # Message 1 from 孙先生 is being handled: resolve_actor reads his roles ({resident}) and
    # registers an after-commit hook that will cache them.
    first = db.transaction()
    s1 = await first.__aenter__()
    room = await directory.room_info(session=s1, room_id=EAST)
    actor = await directory.resolve_actor(session=s1, person_id=RES_SUN, name="孙先生", room=room)
    assert actor.roles == {"resident"}
    # Meanwhile a secretary's message makes him a member and commits first
    # (add_role -> _forget drops his cache entry now, before message 1 commits).
    async with db.transaction() as s2:
        await directory.add_role(session=s2, person_id=RES_SUN, community_id="xingfuli", role="member")
    await first.__aexit__(None, None, None)  # message 1 commits: its hook caches {resident}

    cached = db.cache.actor(RES_SUN, "xingfuli")
    # The new member is not refused member commands for the cache's 30 s.
    reply = texts(await bot.say(RES_SUN, f"接单 {number}", MEMBERS))
    assert cached is None or "member" in cached.roles, (cached, reply)
    assert "接单成功" in reply


async def test_member_roster_cached_from_before_a_concurrent_approval(bot):
    db = bot.runtime.db
    db.cache.clear()
    # A secretary's message makes 孙先生 a member (mark_changed clears the listings now) ...
    first = db.transaction()
    s1 = await first.__aenter__()
    await directory.add_role(session=s1, person_id=RES_SUN, community_id="xingfuli", role="member")
    # ... while another message (a new ticket) reads the roster and caches it: it cannot see
    # the uncommitted role.
    async with db.transaction() as s2:
        await directory.member_roster(session=s2, community_id="xingfuli")
    await first.__aexit__(None, None, None)  # the approval commits, and drops the listing again
    async with db.transaction() as s3:
        roster = [m.person_id for m in await directory.member_roster(session=s3, community_id="xingfuli")]
    # Tickets opened from now on are offered to the new member.
    assert RES_SUN in roster, roster


class _GrantFirst:
    """The real _ADD_ROLE, but another message grants the member role and commits first."""

    def __init__(self, db, real):
        self.db, self.real, self.fired = db, real, False

    async def run(self, session, values):
        if not self.fired and values.get("person_id") == "newbie":
            self.fired = True
            async with self.db.transaction() as other:  # another message, handled meanwhile
                await directory.add_role(session=other, person_id="newbie", community_id="xingfuli",
                                         role=directory.MEMBER)
        return await self.real.run(session, values)


async def test_a_grant_committed_while_a_sender_registers_is_not_hidden(bot, monkeypatch):
    from sqlalchemy import select

    from bot.db.models import PersonRole

    db = bot.runtime.db
    await bot.say("newbie", "你好", None, name="新人")  # the person exists, with no role anywhere yet
    monkeypatch.setattr(directory, "_ADD_ROLE", _GrantFirst(db, directory._ADD_ROLE))
    await bot.say("newbie", "大家好", EAST, name="新人")
    async with db.sessions() as session:
        in_db = set(await session.scalars(select(PersonRole.role).where(PersonRole.person_id == "newbie")))
    cached = db.cache.actor("newbie", "xingfuli")
    assert cached is None or set(cached.roles) == in_db, (in_db, cached)
