"""战时 for a whole street (issue 17): a street officer switches every community of the street;
each community's groups and secretaries are told, its new tickets are urgent; ending it ends
what the street began and leaves a community's own 战时 alone."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models_mobilise import WartimeMode
from tests.harness import EAST, MEMBERS, RES_ZHAO, SECRETARY, WEST, keys

OFFICER = "st-zhang"
ANPING_ROOMS = {"room-anping", "room-anping-members"}


async def modes(bot) -> list[tuple[str, str | None, bool]]:
    async with bot.runtime.db.sessions() as session:
        return [(m.community_id, m.street_id, m.ended_at is None)
                for m in await session.scalars(select(WartimeMode).order_by(WartimeMode.id))]


async def test_a_street_officer_switches_every_community(bot):
    assert keys(await bot.say(SECRETARY, "/战时 街道 开启 防汛", None)) == ["war_street_only"]
    assert keys(await bot.say(OFFICER, "/战时 街道", None)) == ["war_street_none"]
    out = await bot.say(OFFICER, "/战时 街道 开启 防汛红色预警", None)
    assert "war_street_on_ok" in keys(out) and "2 个社区" in next(r.text for r in out if r.key == "war_street_on_ok")
    told = {r.room for r in out if r.key == "war_on_notice"}
    assert told == {EAST, WEST, MEMBERS} | ANPING_ROOMS
    assert {r.to for r in out if r.key == "war_street_notice_secretary"} == {SECRETARY, "sec-ma"}
    assert await modes(bot) == [("anping", "xinhua", True), ("xingfuli", "xinhua", True)]
    await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的")
    assert (await bot.ticket(1)).urgency == "urgent"
    assert keys(await bot.say(OFFICER, "/战时 街道 开启 又来", None)) == ["war_already"]
    assert keys(await bot.say(OFFICER, "/战时 街道", None)) == ["war_street_status_item"]
    out = await bot.say(OFFICER, "/战时 街道 结束", None)
    assert "war_street_off_ok" in keys(out)
    assert {r.room for r in out if r.key == "war_off_notice"} == {EAST, WEST, MEMBERS} | ANPING_ROOMS
    assert [on for _, _, on in await modes(bot)] == [False, False]
    assert keys(await bot.say(OFFICER, "/战时 街道 结束", None)) == ["war_street_none"]


async def test_a_community_already_on_keeps_its_own_mode(bot):
    await bot.say(SECRETARY, "/战时 开启 内涝", None)
    out = await bot.say(OFFICER, "/战时 街道 开启 防汛", None)
    assert "1 个社区" in next(r.text for r in out if r.key == "war_street_on_ok")
    await bot.say(OFFICER, "/战时 街道 结束", None)
    assert await modes(bot) == [("xingfuli", None, True), ("anping", "xinhua", False)]
    assert "war_off_ok" in keys(await bot.say(SECRETARY, "/战时 结束", None))
    assert await modes(bot) == [("xingfuli", None, False), ("anping", "xinhua", False)]
