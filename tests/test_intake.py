"""Issue 3 through the bot: the three confidence bands and "same problem, one ticket"."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

import nlp
from bot.clock import utcnow
from bot.db.models import PendingAction, TicketEvent, TicketWatcher
from nlp import Classification
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_SUN, RES_WU, RES_ZHAO, WEST, texts


@pytest.fixture
def unsure(monkeypatch):
    """Make the classifier put every message in the middle band."""
    import handlers.demands

    def fake(text):
        return Classification("unsure", "traffic", "normal", 0.5, "3", None, None, ("井盖",))

    monkeypatch.setattr(handlers.demands.nlp, "classify", fake)


async def test_middle_band_asks_and_yes_opens(bot, unsure):
    asked = await bot.say(RES_ZHAO, "井盖松了")
    assert "要登记为诉求吗" in texts(asked) and await bot.tickets() == []
    opened = await bot.say(RES_ZHAO, "是")
    assert "#1" in texts(opened) and any(r.room is None and r.to != RES_ZHAO for r in opened)  # nearby offer
    ticket = (await bot.tickets())[0]
    assert ticket.text == "井盖松了" and ticket.category == "traffic" and ticket.building == "3"
    assert await bot.say(RES_ZHAO, "是") == []  # nothing pending any more: just conversation


async def test_yes_from_someone_else_opens_nothing(bot, unsure):
    await bot.say(RES_ZHAO, "井盖松了")
    assert await bot.say(RES_SUN, "是") == []
    assert await bot.tickets() == []


async def test_yes_after_the_window_opens_nothing(bot, unsure):
    await bot.say(RES_ZHAO, "井盖松了")
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(PendingAction).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert await bot.say(RES_ZHAO, "是") == []
    assert await bot.tickets() == []
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(PendingAction))) == []


async def test_low_band_is_silent(bot, monkeypatch):
    import handlers.demands

    monkeypatch.setattr(handlers.demands.nlp, "classify",
                        lambda text: Classification("chat", None, None, 0.2))
    assert await bot.say(RES_ZHAO, "今天天气不错") == []


def test_bands_are_consistent_with_thresholds():
    assert 0 < nlp.ASK_THRESHOLD < nlp.DEMAND_THRESHOLD <= 1


async def test_same_problem_joins_the_open_ticket(bot):
    first = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    plus_one = await bot.say(RES_SUN, "3号楼2单元的楼道灯一直不亮，晚上看不见路")
    assert f"#{first}" in texts(plus_one) and "共 2 户" in texts(plus_one)
    assert len(await bot.tickets()) == 1
    assert not any(r.room == MEMBERS for r in plus_one)  # members are not told twice
    ticket = await bot.ticket(first)
    assert ticket.affected_count == 2
    # Both residents hear when it is claimed.
    claimed = await bot.say(MEMBER_LI, f"接单 {first}", MEMBERS)
    told = {m for r in claimed if r.room == EAST for m in r.mentions}
    assert told == {RES_ZHAO, RES_SUN}
    async with bot.runtime.db.sessions() as session:
        watchers = list(await session.scalars(select(TicketWatcher)))
        actions = [e.action for e in await session.scalars(select(TicketEvent).order_by(TicketEvent.id))]
    assert [w.person_id for w in watchers] == [RES_SUN]
    assert actions == ["create", "plus_one", "claim"]


async def test_same_resident_twice_is_not_counted_twice(bot):
    first = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    await bot.say(RES_SUN, "3号楼2单元的楼道灯一直不亮")
    again = await bot.say(RES_SUN, "3号楼2单元楼道灯还是不亮啊")
    assert f"#{first}" in texts(again)
    assert (await bot.ticket(first)).affected_count == 2


async def test_different_place_or_category_opens_another(bot):
    await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    await bot.say(RES_SUN, "1号楼1单元楼道灯也坏了")
    await bot.say(RES_SUN, "3号楼门口垃圾堆了好几天没人清理，臭死了")
    await bot.say(RES_WU, "6号楼楼道灯坏了好几天了", WEST)  # another grid
    assert len(await bot.tickets()) == 4


async def test_closed_ticket_does_not_absorb_new_reports(bot):
    first = await bot.open_ticket("3号楼2单元楼道灯坏了好几天了", sender=RES_ZHAO)
    await bot.say(RES_ZHAO, f"撤销 {first}")
    replies = await bot.say(RES_SUN, "3号楼2单元楼道灯坏了")
    assert "#2" in texts(replies)


async def test_concurrent_questions_and_answers_of_one_person(bot, unsure):
    import asyncio

    asked = await asyncio.gather(*(bot.say(RES_ZHAO, f"井盖松了{i}") for i in range(4)))
    assert all("要登记为诉求吗" in texts(r) for r in asked)  # no apology from a race
    answers = await asyncio.gather(*(bot.say(RES_ZHAO, "是") for _ in range(4)))
    assert sum("#1" in texts(r) for r in answers) == 1
    assert len(await bot.tickets()) == 1
