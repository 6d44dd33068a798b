"""The scene of issue 13 on the demo (bot/demo/demo.yaml): a resident reports a road collapse, the
grid worker can't fix it and raises it, the secretary hands it to 城管 with 限3天, the department
accepts and answers, misses its deadline (督办), the street officer is alerted, the department
finishes, the secretary verifies and the resident rates. Every step is in the ticket's event log."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import TicketEvent
from bot.db.models_streets import DepartmentTask
from tests.harness import EAST, GRID_WORKER, RES_ZHAO, SECRETARY, keys, texts
from tests.schedule_helpers import Outbox, private_to, tick

OFFICER, CHENGGUAN, GONGSHUI = "st-zhang", "cg-liu", "gs-he"
NAMES = {OFFICER: "张主任", CHENGGUAN: "城管刘科长", GONGSHUI: "供水何工"}
COLLAPSE = "1号楼门口路面塌陷了一个大坑，很危险"


async def say(bot, who, text, room=None, **kw):
    return await bot.say(who, text, room, name=NAMES.get(who), **kw)


async def events(bot, ticket_id: int) -> list[tuple[str, str | None]]:
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                                     .order_by(TicketEvent.id))
        return [(e.action, e.actor_id) for e in rows]


async def test_road_collapse_scene(bot):
    number = await bot.open_ticket(COLLAPSE)
    assert "接单成功" in texts(await bot.say(GRID_WORKER, f"接单 {number}", None))
    raised = await bot.say(GRID_WORKER, f"/上报 {number} 路面塌陷，网格处理不了", None)
    assert keys(raised)[0] == "dept_raised_ok"
    assert [r.to for r in raised if r.key == "dept_raised_officer"] == [OFFICER]

    handed = await bot.say(SECRETARY, f"/转办 {number} 城管局 限3天 请尽快围挡修复", None)
    assert keys(handed)[0] == "dept_transfer_ok", texts(handed)
    notice = [r for r in handed if r.key == "dept_transfer_notice"]
    assert [r.to for r in notice] == [CHENGGUAN] and "幸福里社区" in notice[0].text and "受理" in notice[0].text
    assert [r.room for r in handed if r.key == "dept_transfer_reporter"] == [EAST]
    ticket = await bot.ticket(number)
    assert ticket.status == "claimed" and ticket.claimer_id is None  # the department holds it now

    # Only the department it went to may answer for it.
    assert keys(await say(bot, GONGSHUI, f"受理 {number}")) == ["dept_no_task"]
    assert keys(await bot.say(RES_ZHAO, f"受理 {number}", None)) == ["err_forbidden"]
    accepted = await say(bot, CHENGGUAN, f"受理 {number}")
    assert keys(accepted)[0] == "dept_accept_ok"
    told = [r for r in accepted if r.key == "dept_accept_notice"]
    assert [r.to for r in told if r.room is None] == [SECRETARY]
    assert [(r.room, r.mentions) for r in told if r.room] == [(EAST, [RES_ZHAO])]
    answered = await say(bot, CHENGGUAN, f"回复 {number} 已派人围挡，明天施工")
    assert "已派人围挡" in texts([r for r in answered if r.to == SECRETARY])
    status = texts(await bot.say(SECRETARY, f"查询 {number}", None))
    assert "城管：办理中，期限" in status and "已派人围挡" in status

    async with bot.runtime.db.sessions() as session:
        task = await session.scalar(select(DepartmentTask))
    assert task.deadline_at - task.created_at == timedelta(days=3)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, task.deadline_at - timedelta(minutes=1))
    assert not private_to(await box.new(), CHENGGUAN)
    await tick(bot, task.deadline_at + timedelta(minutes=1))  # the deadline passes: 督办
    rows = await box.new()
    assert "【督办" in private_to(rows, CHENGGUAN)[0].text
    assert [r.reply_key for r in private_to(rows, SECRETARY)] == ["dept_overdue_secretary"]
    assert not private_to(rows, OFFICER)
    await tick(bot, task.deadline_at + timedelta(hours=24, minutes=1))  # still not finished
    alert = private_to(await box.new(), OFFICER)
    assert [r.reply_key for r in alert] == ["dept_alert_officer"] and "幸福里社区" in alert[0].text
    await tick(bot, task.deadline_at + timedelta(hours=30))
    assert not private_to(await box.new(), OFFICER)  # alerted once

    finished = await say(bot, CHENGGUAN, f"办结 {number} 已回填路面并压实")
    assert keys(finished)[0] == "dept_done_ok"
    assert [r.key for r in finished if r.to == SECRETARY] == ["dept_done_secretary"]
    assert (await bot.ticket(number)).status == "done"
    verified = await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    assert "验收通过" in texts(verified)
    assert "已记录" in texts(await bot.say(RES_ZHAO, f"评价 {number} 5 处理及时", EAST)) or \
        (await bot.ticket(number)).status == "closed"
    assert (await bot.ticket(number)).rating == 5

    ticket = await bot.ticket(number)
    assert await events(bot, ticket.id) == [
        ("create", RES_ZHAO), ("claim", GRID_WORKER), ("report_street", GRID_WORKER), ("transfer", SECRETARY),
        ("dept_accept", CHENGGUAN), ("dept_reply", CHENGGUAN), ("supervise", None), ("alert_street", None),
        ("dept_complete", CHENGGUAN), ("verify", SECRETARY), ("close", RES_ZHAO)]


async def test_the_scene_on_the_simulator_api(bot):
    """The same people found through GET /api/sim/directory, the scene driven through POST /api/sim/messages."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app

    async with TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1")) as client:
        directory = await (await client.get("/api/sim/directory")).json()
        [street] = directory["streets"]
        assert street["name"] == "新华街道" and street["communities"] == ["anping", "xingfuli"]
        assert {d["name"]: d["contact"] for d in street["departments"]} == {"城管": CHENGGUAN, "供水": GONGSHUI}
        roles = {(p["id"], p["community"]): p["roles"] for p in directory["people"]}
        assert roles[(OFFICER, "xingfuli")] == ["street_officer"] and roles[(OFFICER, "anping")] == ["street_officer"]
        assert roles[(CHENGGUAN, "xingfuli")] == ["department"] and roles[("sec-ma", "anping")] == ["secretary"]

        async def post(room, sender, text):
            resp = await client.post("/api/sim/messages", json={"room": room, "sender": sender, "text": text})
            assert resp.status == 200, await resp.text()
            return (await resp.json())["replies"]

        assert "#1" in (await post(EAST, RES_ZHAO, COLLAPSE))[0]["text"]
        handed = await post(None, SECRETARY, "/转办 1 城管 限3天 路面塌陷")
        assert [r["to"] for r in handed if "【转办 #1】" in r["text"]] == [CHENGGUAN]
        assert "已受理" in (await post(None, CHENGGUAN, "受理 1"))[0]["text"]
        assert "已办结" in (await post(None, CHENGGUAN, "办结 1 已回填"))[0]["text"]
        assert "验收通过" in (await post(None, SECRETARY, "/验收 1 通过"))[0]["text"]
        ticket = await (await client.get("/api/tickets/1?community=xingfuli")).json()
    assert ticket["status"] == "verified"
    assert [e["action"] for e in ticket["events"]][-4:] == ["transfer", "dept_accept", "dept_complete", "verify"]
