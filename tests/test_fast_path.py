"""The cheap paths: cached rooms and roles, and group chatter that writes nothing."""
from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select

from bot.db.directory_cache import MISSING, ActorInfo, DirectoryCache, PersonRef, RoomInfo
from bot.db.models import PersonRole, ProcessedMessage
from bot.services import directory
from tests.harness import EAST, MEMBERS, RES_ZHAO, texts


async def _processed(bot) -> int:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(ProcessedMessage))


async def test_known_senders_chatter_writes_nothing(bot):
    await bot.say(RES_ZHAO, "帮助")  # a command: the slow path, which caches the sender
    before = await _processed(bot)
    for text in ("早上好", "收到", "哈哈哈", "谢谢大家"):
        assert await bot.say(RES_ZHAO, text) == []
    assert await _processed(bot) == before
    # A demand from the same person still takes the full path.
    assert "#1" in texts(await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了"))
    assert await _processed(bot) == before + 1


async def test_a_strangers_first_chatter_registers_them(bot):
    assert await bot.say("newcomer", "大家好，新搬来的", EAST, name="新邻居") == []
    async with bot.runtime.db.sessions() as session:
        roles = list(await session.scalars(select(PersonRole.role).where(PersonRole.person_id == "newcomer")))
    assert roles == ["resident"]
    # Registered and cached by that first message: the next chatter writes nothing.
    before = await _processed(bot)
    assert await bot.say("newcomer", "请多关照", EAST, name="新邻居") == []
    assert await _processed(bot) == before


async def test_role_change_shows_at_once(bot):
    await bot.say("newcomer", "大家好", EAST, name="新邻居")
    assert "仅限" in texts(await bot.say("newcomer", "任务", MEMBERS, name="新邻居"))
    async with bot.runtime.db.transaction() as session:
        await directory.add_role(session=session, person_id="newcomer", community_id="xingfuli", role="member")
    assert texts(await bot.say("newcomer", "任务", MEMBERS, name="新邻居")) == "目前没有待认领的任务，谢谢关注！"


async def test_first_messages_of_a_new_person_at_once(bot):
    results = await asyncio.gather(*(bot.say("twin", f"3号楼{i}单元楼道灯坏了", EAST, name="新人")
                                     for i in range(1, 5)))
    # Each message is answered as a demand (a new ticket or a +1 to one), none with an apology.
    assert all(re.search(r"#\d+", texts(r)) and "系统出了点问题" not in texts(r) for r in results), results
    assert len(results) == 4


def test_cache_entries_expire_and_forget():
    now = [0.0]
    cache = DirectoryCache(ttl=30, clock=lambda: now[0])
    info = ActorInfo(PersonRef("p", "张三"), "c", frozenset({"member"}))
    cache.put_actor("p", "c", info)
    cache.put_room("r", RoomInfo("r", "c", None, "grid", "群"))
    assert cache.actor("p", "c") == info and cache.room("r").kind == "grid"
    now[0] = 31.0  # another process may have changed them: look again
    assert cache.actor("p", "c") is None and cache.room("r") is MISSING
    cache.put_actor("p", "c", info)
    cache.forget_person("p")
    assert cache.actor("p", "c") is None


def test_cache_ignores_what_was_read_before_a_change():
    from bot.db.directory_cache import ActorInfo, DirectoryCache, PersonRef

    cache = DirectoryCache()
    info = ActorInfo(PersonRef("p", "孙先生"), "c", frozenset({"resident"}))
    read_at = cache.generation
    cache.forget_person("p")  # a role was granted meanwhile
    cache.put_actor_if_current("p", "c", info, read_at)
    cache.put_listing(("members", "c"), ("old",), read_at)
    assert cache.actor("p", "c") is None and cache.listing(("members", "c")) is None
    now = cache.generation
    cache.put_actor_if_current("p", "c", info, now)
    cache.put_listing(("members", "c"), ("new",), now)
    assert cache.actor("p", "c") == info and cache.listing(("members", "c")) == ("new",)
    cache.forget_listings()
    assert cache.listing(("members", "c")) is None and cache.actor("p", "c") == info


def test_the_cache_holds_at_most_its_setting_of_people_least_recently_used_first():
    cache = DirectoryCache(max_people=100)
    for i in range(1000):
        cache.put_actor(f"p{i}", "c", ActorInfo(PersonRef(f"p{i}", "某"), "c", frozenset({"resident"})))
        if i >= 1:
            assert cache.actor("p0", "c") is not None  # read on every message: kept
    assert cache.people_cached() == 100
    assert cache.actor("p0", "c") is not None and cache.actor("p998", "c") is not None
    assert cache.actor("p500", "c") is None


def test_forgetting_a_newcomer_touches_only_their_entries():
    # issue 16: every newcomer's first message scanned every cached key four times.
    cache = DirectoryCache()
    for i in range(50):
        for community in ("c1", "c2", None):
            cache.put_actor(f"p{i}", community, ActorInfo(PersonRef(f"p{i}", "某"), community, frozenset()))
    scans = []

    class Watched(type(cache._actors)):  # counts walks over every cached person
        def __iter__(self):
            scans.append(1)
            return super().__iter__()

    cache._actors = Watched(cache._actors)
    cache.forget_person("p7")
    cache.forget_person("newcomer")
    assert scans == [] and cache.people_cached() == 49
    assert cache.actor("p7", "c1") is None and cache.actor("p8", None) is not None
