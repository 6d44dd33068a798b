"""Departments (issue 13): /转办 and its bad input, /吹哨 and 报到 (a department that does not report
in time is reported to the street officer), /督办 by hand, /上报, a rejected 办结, help for a contact."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import PointsEntry, TicketEvent
from bot.db.models_streets import DepartmentTask
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, keys, texts
from tests.schedule_helpers import Outbox, private_to, tick

OFFICER, CHENGGUAN, GONGSHUI = "st-zhang", "cg-liu", "gs-he"


async def tasks(bot) -> list[DepartmentTask]:
    async with bot.runtime.db.sessions() as session:
        return list(await session.scalars(select(DepartmentTask).order_by(DepartmentTask.id)))


async def actions(bot, number: int = 1) -> list[tuple[str, str | None, str | None]]:
    ticket = await bot.ticket(number)
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                     .order_by(TicketEvent.id))
        return [(e.action, e.actor_id, e.note) for e in rows]


async def test_transfer_bad_input_gets_a_clear_answer_and_changes_nothing(bot):
    await bot.open_ticket()
    for said, key in [("/转办", "err_usage"), ("/转办 1", "err_usage"), ("/转办 1 环保局", "err_department_not_found"),
                      ("/转办 1 城管 限0天", "dept_bad_days"), ("/转办 1 城管 限400天", "dept_bad_days"),
                      ("/转办 9 城管", "err_ticket_not_found"), ("/转办 城管 1", "dept_unknown_community")]:
        replies = await bot.say(SECRETARY, said, None)
        assert keys(replies) == [key], (said, texts(replies))
    assert "城管、供水" in texts(await bot.say(SECRETARY, "/转办 1 环保局", None))
    assert await tasks(bot) == [] and (await bot.ticket(1)).status == "open"
    assert keys(await bot.say(SECRETARY, "/转办 1 城管", None))[0] == "dept_transfer_ok"
    task = (await tasks(bot))[0]
    assert task.deadline_at - task.created_at == timedelta(days=3)  # the default (lifecycle.yaml)
    assert keys(await bot.say(SECRETARY, "/转办 1 城管", None)) == ["dept_already"]
    assert keys(await bot.say(MEMBER_LI, "接单 1", MEMBERS)) == ["err_with_department"]  # the department holds it


async def test_whistle_and_report_in_time_or_the_officer_hears(bot):
    await bot.open_ticket()
    replies = await bot.say(SECRETARY, "/吹哨 1 城管 供水", None)
    assert keys(replies)[0] == "dept_whistle_ok"
    assert sorted(r.to for r in replies if r.key == "dept_whistle_notice") == [CHENGGUAN, GONGSHUI]
    reported = await bot.say(CHENGGUAN, "报到 1", None, name="城管刘科长")
    assert keys(reported)[0] == "dept_report_ok"
    assert [r.to for r in reported if r.key == "dept_report_notice"] == [SECRETARY]
    assert keys(await bot.say(CHENGGUAN, "报到 1", None, name="城管刘科长")) == ["dept_bad_step"]
    summoned = [t for t in await tasks(bot) if t.status == "summoned"]
    box = Outbox(bot)
    await box.mark()
    await tick(bot, summoned[0].report_by + timedelta(minutes=1))
    alert = private_to(await box.new(), OFFICER)
    assert [r.reply_key for r in alert] == ["dept_whistle_missed"] and "供水" in alert[0].text
    assert "城管" not in alert[0].text
    assert [a for a, _, _ in await actions(bot) if a not in ("escalate", "escalate1", "escalate2")][1:] == [
        "whistle", "dept_report", "whistle_missed"]
    # A member's 报到 (registration) is untouched by the department's.
    assert "等待" in texts(await bot.say("xf-new", "报到 3号楼 特长 水电维修", MEMBERS, name="张三"))


async def test_supervise_by_hand_and_raise_to_the_street(bot):
    await bot.open_ticket()
    assert keys(await bot.say(SECRETARY, "/督办 1", None)) == ["dept_nothing_to_supervise"]
    await bot.say(SECRETARY, "/转办 1 城管 限5天 先围挡", None)
    chased = await bot.say(SECRETARY, "/督办 1", None)
    assert keys(chased) == ["dept_supervise_ok", "dept_supervise_hand"] and chased[1].to == CHENGGUAN
    assert (await tasks(bot))[0].reminded_at is not None
    by_officer = await bot.say(OFFICER, "/督办 1", EAST, name="张主任")
    assert keys(by_officer)[0] == "dept_supervise_ok"
    raised = await bot.say(SECRETARY, "/上报 1 需要街道协调", None)
    assert keys(raised) == ["dept_raised_ok", "dept_raised_officer"] and raised[1].to == OFFICER
    assert (await bot.ticket(1)).dispatch_level == 3
    log = await actions(bot)
    assert [(a, who) for a, who, _ in log] == [("create", RES_ZHAO), ("transfer", SECRETARY),
                                               ("supervise", SECRETARY), ("supervise", OFFICER),
                                               ("report_street", SECRETARY)]
    assert "城管" in log[1][2] and "限5天" in log[1][2] and "先围挡" in log[1][2]


async def test_a_rejected_finish_goes_back_to_the_department_and_earns_no_points(bot):
    await bot.open_ticket()
    await bot.say(SECRETARY, "/转办 1 城管 限3天", None)
    await bot.say(CHENGGUAN, "办结 1 修好了", None, name="城管刘科长")
    rejected = await bot.say(SECRETARY, "/验收 1 驳回 坑没填平", None)
    assert [r.to for r in rejected if r.key == "dept_rejected"] == [CHENGGUAN]
    assert (await tasks(bot))[0].status == "accepted" and (await bot.ticket(1)).status == "claimed"
    assert keys(await bot.say(CHENGGUAN, "办结 1 已重新填平", None, name="城管刘科长"))[0] == "dept_done_ok"
    assert "验收通过" in texts(await bot.say(SECRETARY, "/验收 1 通过", None))
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(PointsEntry))) == []  # nobody claimed it: no points


async def test_query_shows_the_department_and_its_deadline(bot):
    await bot.open_ticket()
    await bot.say(SECRETARY, "/转办 1 供水 限2天", None)
    mine = texts(await bot.say(RES_ZHAO, "查询 1", EAST))
    assert "供水：待受理，期限" in mine


async def test_help_for_a_department_contact(bot):
    text = texts(await bot.say(CHENGGUAN, "帮助", None, name="城管刘科长"))
    assert "部门联系人" in text and "受理 5" in text and "办结 5" in text and "报到 5" in text
    staff = texts(await bot.say(SECRETARY, "帮助", None))
    assert "/转办 5 城管 限3天" in staff and "受理 5" not in staff


async def test_the_console_today_counts_what_went_to_a_department_or_the_street(bot):
    """今日's 转办上报 column (issue 14): a ticket handed to a department and one raised to the
    street count until the department's 办结; a ticket of the grid nobody handed on does not."""
    from bot import clock
    from bot.services import console_views

    await bot.open_ticket()
    await bot.open_ticket("3号楼门口的路面塌了一个坑", sender=RES_ZHAO)
    await bot.open_ticket("5号楼的垃圾桶好几天没人清了")
    assert keys(await bot.say(SECRETARY, "/转办 1 城管 限5天", None))[0] == "dept_transfer_ok"
    assert keys(await bot.say(SECRETARY, "/上报 2 需要街道协调", None))[0] == "dept_raised_ok"

    async def escalated() -> int:
        async with bot.runtime.db.sessions() as session:
            today = await console_views.today(session=session, community_id="xingfuli", allowed=None,
                                              now=clock.utcnow())
        return sum(row.escalated for row in today.grids)

    async def across() -> tuple[int, int]:
        async with bot.runtime.db.sessions() as session:
            (row,) = await console_views.overview(session=session, places=[("xingfuli", "幸福里")],
                                                  now=clock.utcnow())
        return row.escalated, row.open + row.claimed + row.done

    assert await escalated() == 2 and await across() == (2, 3)
    await bot.say(CHENGGUAN, "办结 1 修好了", None, name="城管刘科长")
    assert await escalated() == 1 and (await across())[0] == 1
