"""Tasks for several people (issue 17): a ticket or a wish needs N people; they claim until it is
full (the group sees 已报名 3/5), each completes and is checked on their own, points to each;
two people asking for the last place at once → exactly one gets it."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.db.models import Claim, PointsEntry
from bot.db.models_tasks import TaskNeed, TaskPlace
from bot.services import hours
from tests.harness import (
    GRID_WORKER,
    MEMBER_CHEN,
    MEMBER_LI,
    MEMBER_LIU,
    MEMBERS,
    RES_ZHAO,
    SECRETARY,
    BotHarness,
    keys,
    texts,
)
from tests.test_concurrency import _add_members


def one(out, key: str) -> str:
    found = [r.text for r in out if r.key == key]
    assert len(found) == 1, out
    return found[0]


async def places(bot: BotHarness, number: int) -> dict[str, str]:
    ticket = await bot.ticket(number)
    async with bot.runtime.db.sessions() as session:
        return {p.person_id: p.status for p in await session.scalars(
            select(TaskPlace).where(TaskPlace.ticket_id == ticket.id))}


async def three_place_ticket(bot: BotHarness) -> int:
    number = await bot.open_ticket("3号楼门口堆了一大堆建筑垃圾，需要人搬走")
    out = await bot.say(SECRETARY, f"/派单 {number} 3人", None)
    assert keys(out)[0] == "task_places_ok", out
    assert any(r.room == MEMBERS and r.key == "task_places_room" and "0/3" in r.text for r in out)
    return number


async def test_places_fill_and_the_group_sees_the_count(bot):
    number = await three_place_ticket(bot)
    out = await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert "task_place_ok" in keys(out) and "已报名 1/3" in texts(out)
    assert any(r.room == MEMBERS and r.key == "task_place_room" and "1/3" in r.text for r in out)
    assert (await bot.ticket(number)).status == "open"  # not full: still offered to others
    assert keys(await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)) == ["task_place_again"]
    out = await bot.say(MEMBER_CHEN, f"接单 {number}", MEMBERS)
    assert "已报名 2/3" in texts(out)
    # a task list shows the count
    assert "【2/3人】" in texts(await bot.say(MEMBER_LIU, "任务", MEMBERS))
    out = await bot.say(MEMBER_LIU, f"接单 {number}", MEMBERS)
    assert any(r.key == "task_full_room" and "李师傅、陈老师、刘大姐" in r.text for r in out)
    assert any(r.key == "task_full_reporter" and RES_ZHAO in r.mentions for r in out)
    ticket = await bot.ticket(number)
    assert ticket.status == "claimed" and ticket.claimer_id == MEMBER_LI  # the first of them answers for it
    assert keys(await bot.say(GRID_WORKER, f"接单 {number}", MEMBERS)) == ["task_full"]
    # one lets go: open again, one short
    out = await bot.say(MEMBER_CHEN, f"放弃 {number}", MEMBERS)
    assert "task_left_ok" in keys(out) and any("还差 1 人" in r.text for r in out)
    assert (await bot.ticket(number)).status == "open"
    assert "task_place_ok" in keys(await bot.say(GRID_WORKER, f"接单 {number}", MEMBERS))
    assert (await places(bot, number)) == {MEMBER_LI: "active", MEMBER_CHEN: "released", MEMBER_LIU: "active",
                                           GRID_WORKER: "active"}


async def test_each_part_is_done_and_checked_on_its_own(bot):
    number = await three_place_ticket(bot)
    for who in (MEMBER_LI, MEMBER_CHEN, MEMBER_LIU):
        await bot.say(who, f"接单 {number}", MEMBERS)
    out = await bot.say(MEMBER_LI, f"完成 {number} 搬了2小时", MEMBERS)
    assert "task_part_done_ok" in keys(out) and "1/3" in texts(out)
    assert any(r.to == SECRETARY and r.key == "task_part_done_secretary" for r in out)
    assert (await bot.ticket(number)).status == "claimed"
    assert "task_part_done_ok" in keys(await bot.say(MEMBER_CHEN, "处理完了", MEMBERS))  # in words, their part
    # the done parts are checked before the last one finishes
    out = await bot.say(SECRETARY, f"/验收 {number} 通过 @李师傅", None)
    checked = one(out, "task_checked_ok")
    assert "李师傅" in checked and "还有 2 人" in checked
    assert any(r.to == MEMBER_LI and r.key == "task_checked_member" and "2 小时" in r.text for r in out)
    # 陈老师's part is sent back, done again
    out = await bot.say(SECRETARY, f"/验收 {number} 驳回 @陈老师 没扫干净", None)
    assert "task_rejected_ok" in keys(out) and any(r.to == MEMBER_CHEN for r in out)
    await bot.say(MEMBER_CHEN, f"完成 {number} 扫干净了", MEMBERS)
    out = await bot.say(MEMBER_LIU, f"完成 {number} 好了", MEMBERS)
    assert any(r.key == "task_all_done_reporter" for r in out)
    assert (await bot.ticket(number)).status == "done"
    out = await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    assert "陈老师、刘大姐" in one(out, "task_checked_ok") and "全部 3 人已验收" in one(out, "task_checked_ok")
    assert (await bot.ticket(number)).status == "verified"
    async with bot.runtime.db.sessions() as session:
        credited = sorted((e.person_id, e.amount) for e in await session.scalars(select(PointsEntry)))
        found = await hours.records(session=session, community_id="xingfuli")
    assert [p for p, _ in credited] == sorted([MEMBER_LI, MEMBER_CHEN, MEMBER_LIU])
    assert len({a for _, a in credited}) == 1 and credited[0][1] > 0  # the same rule for each
    assert ("任务", 120) in [(r.kind, r.minutes) for r in found if r.person_id == MEMBER_LI]
    assert keys(await bot.say(SECRETARY, f"/验收 {number} 通过", None)) == ["task_nothing_to_check"]
    book = texts(await bot.say(MEMBER_LI, "我的存折", None))
    assert "累计服务 2 小时" in book and "服务 2 小时" in book.split("累计服务 2 小时")[1]


async def test_a_wish_for_several_and_a_secretary_adds_people(bot):
    await bot.say(SECRETARY, "/心愿 发布 帮吴奶奶搬家", None)
    out = await bot.say(SECRETARY, "/派单 1 2人", None)
    assert "微心愿 1号 需要 2 人" in texts(out)
    out = await bot.say(SECRETARY, "/派单 1 @李师傅", None)
    assert "task_assigned_ok" in keys(out) and any(r.to == MEMBER_LI and r.key == "task_assigned_member" for r in out)
    await bot.say(MEMBER_LIU, "接单 1", MEMBERS)
    assert (await bot.ticket(1)).status == "claimed"
    await bot.say(MEMBER_LI, "完成 1 送到了", MEMBERS)
    await bot.say(MEMBER_LIU, "完成 1 送到了", MEMBERS)
    out = await bot.say(SECRETARY, "/验收 1 通过", None)
    assert "每人 3 积分" in one(out, "task_checked_ok")  # the wish rule, to each
    assert (await bot.ticket(1)).status == "verified"


async def test_bad_input_gets_a_clear_reply(bot):
    number = await bot.open_ticket()
    assert keys(await bot.say(SECRETARY, f"/派单 {number} 1人", None)) == ["task_places_range"]
    assert keys(await bot.say(SECRETARY, f"/派单 {number} 0人", None)) == ["task_places_range"]
    assert keys(await bot.say(SECRETARY, "/派单 99 3人", None)) == ["err_ticket_not_found"]
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    assert keys(await bot.say(SECRETARY, f"/派单 {number} 3人", None)) == ["task_need_not_open"]
    other = await three_place_ticket(bot)
    await bot.say(MEMBER_LI, f"接单 {other}", MEMBERS)
    await bot.say(MEMBER_CHEN, f"接单 {other}", MEMBERS)
    assert keys(await bot.say(SECRETARY, f"/派单 {other} 1人", None)) == ["task_places_range"]
    assert keys(await bot.say(MEMBER_LIU, f"完成 {other}", MEMBERS)) == ["task_not_yours"]
    assert keys(await bot.say(SECRETARY, f"/验收 {other} 通过", None)) == ["task_nothing_to_check"]
    # fewer places: full now, claimed
    assert "task_places_ok" in keys(await bot.say(SECRETARY, f"/派单 {other} 2人", None))
    assert (await bot.ticket(other)).status == "claimed"
    await bot.say(MEMBER_LI, f"完成 {other}", MEMBERS)
    assert keys(await bot.say(MEMBER_LI, f"放弃 {other}", MEMBERS)) == ["task_part_finished"]


async def test_two_ask_for_the_last_place_at_once(bot):
    number = await three_place_ticket(bot)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_CHEN, f"接单 {number}", MEMBERS)
    first, second = await asyncio.gather(bot.say(MEMBER_LIU, f"接单 {number}", MEMBERS),
                                         bot.say(GRID_WORKER, f"接单 {number}", MEMBERS))
    outcome = sorted(["task_place_ok" in keys(first), "task_place_ok" in keys(second)])
    assert outcome == [False, True], (first, second)
    assert "task_full" in keys(first) + keys(second)
    await _no_more_than_places(bot, number, 3)


async def test_thirty_ask_for_five_places_at_once(bot):
    number = await bot.open_ticket()
    await bot.say(SECRETARY, f"/派单 {number} 5人", None)
    volunteers = await _add_members(bot, 30)
    results = await asyncio.gather(*(bot.say(v, f"接单 {number}", MEMBERS) for v in volunteers))
    assert sum("task_place_ok" in keys(r) for r in results) == 5
    assert sum(keys(r) == ["task_full"] for r in results) == 25
    await _no_more_than_places(bot, number, 5)
    ticket = await bot.ticket(number)
    assert ticket.status == "claimed"


async def _no_more_than_places(bot: BotHarness, number: int, count: int) -> None:
    ticket = await bot.ticket(number)
    async with bot.runtime.db.sessions() as session:
        need = await session.scalar(select(TaskNeed).where(TaskNeed.ticket_id == ticket.id))
        held = await session.scalar(select(func.count()).select_from(TaskPlace).where(
            TaskPlace.ticket_id == ticket.id, TaskPlace.status == "active"))
        claims = await session.scalar(select(func.count()).select_from(Claim).where(Claim.ticket_id == ticket.id))
    assert need.taken == held == claims == count


async def test_the_last_two_parts_finished_at_once_make_the_ticket_done(bot):
    number = await bot.open_ticket()
    await bot.say(SECRETARY, f"/派单 {number} 2人", None)
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_CHEN, f"接单 {number}", MEMBERS)
    await asyncio.gather(bot.say(MEMBER_LI, f"完成 {number} 好了", MEMBERS),
                         bot.say(MEMBER_CHEN, f"完成 {number} 好了", MEMBERS))
    assert (await bot.ticket(number)).status == "done"
    await asyncio.gather(bot.say(SECRETARY, f"/验收 {number} 通过 @李师傅", None),
                         bot.say(GRID_WORKER, f"/验收 {number} 通过 @陈老师", None))
    assert (await bot.ticket(number)).status == "verified"
    assert set((await places(bot, number)).values()) == {"verified"}
