"""Races that must have exactly one winner, on whichever database this run uses."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.db.models import Claim, Ticket, TicketEvent
from tests.harness import MEMBERS, BotHarness


async def _add_members(bot: BotHarness, count: int) -> list[str]:
    from bot.services import directory

    ids = [f"vol-{i}" for i in range(count)]
    async with bot.runtime.db.transaction() as session:
        for pid in ids:
            await directory.ensure_person(session=session, person_id=pid, name=f"志愿者{pid[4:]}")
            await directory.add_role(session=session, person_id=pid, community_id="xingfuli", role="member")
    return ids


async def test_fifty_concurrent_claims_make_one_claim(bot):
    number = await bot.open_ticket()
    volunteers = await _add_members(bot, 50)
    results = await asyncio.gather(*(bot.say(v, f"接单 {number}", MEMBERS) for v in volunteers))
    winners = [v for v, replies in zip(volunteers, results) if any("接单成功" in r.text for r in replies)]
    losers = [replies for replies in results if not any("接单成功" in r.text for r in replies)]
    assert len(winners) == 1
    assert len(losers) == 49 and all("已被" in r[0].text for r in losers)
    ticket = await bot.ticket(number)
    assert ticket.status == "claimed" and ticket.claimer_id == winners[0]
    async with bot.runtime.db.sessions() as session:
        claims = await session.scalar(select(func.count()).select_from(Claim))
        claim_events = await session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.action == "claim"))
    assert claims == 1 and claim_events == 1


async def test_concurrent_demands_get_distinct_numbers(bot):
    texts = [f"{b}号楼门口的路灯不亮了" for b in range(1, 21)]
    senders = [f"res-x{i}" for i in range(20)]
    await asyncio.gather(*(bot.say(s, t) for s, t in zip(senders, texts)))
    async with bot.runtime.db.sessions() as session:
        numbers = list(await session.scalars(select(Ticket.number).order_by(Ticket.number)))
    assert numbers == list(range(1, 21))


async def test_same_message_delivered_concurrently_is_handled_once(bot):
    results = await asyncio.gather(*(
        bot.say("res-zhao", "3号楼电梯坏了，老人下不了楼", msg_id="dup-1") for _ in range(5)
    ))
    assert len(await bot.tickets()) == 1
    # Every delivery answers with the replies of the one handling.
    assert all(r and "#1" in r[0].text for r in results)
