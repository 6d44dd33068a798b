"""Teams (issue 17): a ticket goes to a team and its leader assigns within it (分派), a leader
cannot reach outside the team; teams are ranked by points, service hours and tasks per month."""
from __future__ import annotations

from tests.harness import GRID_WORKER, MEMBER_CHEN, MEMBER_LI, MEMBER_LIU, MEMBERS, SECRETARY, keys, texts


async def two_teams(bot) -> None:
    await bot.say(SECRETARY, "/队伍 新建 防汛突击队 @李师傅", None)
    await bot.say(SECRETARY, "/队伍 防汛突击队 加入 @刘大姐", None)
    await bot.say(SECRETARY, "/队伍 新建 三人小组 @陈老师", None)


async def test_a_ticket_goes_to_a_team_and_its_leader_assigns_it(bot):
    await two_teams(bot)
    number = await bot.open_ticket()
    out = await bot.say(SECRETARY, f"/派单 {number} 防汛突击队", None)
    assert keys(out)[-1] == "team_ticket_sent_ok" or "team_ticket_sent_ok" in keys(out)
    assert {(r.to, r.key) for r in out if r.key and r.key.startswith("team_ticket_") and r.to != SECRETARY} == {
        (MEMBER_LI, "team_ticket_leader"), (MEMBER_LIU, "team_ticket_member")}
    assert (await bot.ticket(number)).status == "open"
    # only a leader, only within the team
    assert keys(await bot.say(MEMBER_LIU, f"分派 {number} @李师傅", MEMBERS)) == ["team_not_leader"]
    assert keys(await bot.say(MEMBER_LI, f"分派 {number} @陈老师", MEMBERS)) == ["team_not_member_of"]
    assert keys(await bot.say(MEMBER_LI, f"分派 {number}", MEMBERS)) == ["team_assign_usage"]
    out = await bot.say(MEMBER_LI, f"分派 {number} @刘大姐", MEMBERS)
    assert "ticket_assigned_ok" in keys(out) and any(r.to == MEMBER_LIU and r.key == "ticket_assigned_claimer"
                                                     for r in out)
    ticket = await bot.ticket(number)
    assert ticket.status == "claimed" and ticket.claimer_id == MEMBER_LIU
    assert keys(await bot.say(MEMBER_LI, f"分派 {number} @李师傅", MEMBERS)) == ["team_assign_taken"]


async def test_a_leader_fills_places_of_a_task_for_several(bot):
    await two_teams(bot)
    number = await bot.open_ticket()
    await bot.say(SECRETARY, f"/派单 {number} 2人", None)
    assert "task_assigned_ok" in keys(await bot.say(MEMBER_LI, f"分派 {number} @刘大姐", MEMBERS))
    out = await bot.say(MEMBER_LI, f"分派 {number} @李师傅", MEMBERS)
    assert any(r.key == "task_full_room" for r in out)
    assert (await bot.ticket(number)).status == "claimed"


async def test_teams_ranked_by_points_hours_and_tasks(bot):
    await two_teams(bot)
    number = await bot.done_ticket(claimer=MEMBER_CHEN)  # 三人小组: one task
    await bot.say(SECRETARY, f"/验收 {number} 通过", None)
    await bot.say(GRID_WORKER, "/加分 @刘大姐 5 装沙袋", None)  # 防汛突击队: 5 points
    out = await bot.say(SECRETARY, "/队伍 排行 本月", None)
    assert keys(out) == ["team_rank_header"]
    lines = out[0].text.splitlines()
    assert lines[1].startswith("1. 防汛突击队：积分 5") and "队员 2 人" in lines[1]
    assert lines[2].startswith("2. 三人小组：积分 2") and "任务 1 件" in lines[2]
    assert keys(await bot.say(SECRETARY, "/队伍 排行 明年", None)) == ["team_rank_usage"]
    assert "上月" in texts(await bot.say(SECRETARY, "/队伍 排行 上月", None))
