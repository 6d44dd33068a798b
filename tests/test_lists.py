"""三单 (issue 13): staff keep the 服务/资源/需求清单 in chat; a resident orders a service with
预约 N, which becomes a ticket assigned to the provider and runs the usual 完成 → 验收 → 评价."""
from __future__ import annotations

from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, keys, texts


async def test_a_service_ordered_from_the_list_goes_to_its_provider(bot):
    assert keys(await bot.say(RES_ZHAO, "服务", EAST)) == ["list_empty"]
    added = await bot.say(SECRETARY, "/清单 服务 添加 上门理发 @李师傅 每周六上午", None)
    assert keys(added) == ["list_added"] and "1. 上门理发" in texts(added)
    await bot.say(SECRETARY, "/清单 服务 添加 法律咨询 @陈老师 周三下午", None)
    listing = texts(await bot.say(RES_ZHAO, "服务", EAST))
    assert "1. 上门理发（李师傅） 每周六上午" in listing and "2. 法律咨询（陈老师）" in listing and "预约" in listing

    ordered = await bot.say(RES_ZHAO, "预约 1 我腿脚不便，想请师傅上门", EAST)
    assert keys(ordered) == ["list_order_ok", "list_order_provider"] and ordered[1].to == MEMBER_LI
    ticket = (await bot.tickets())[-1]
    assert ticket.status == "claimed" and ticket.claimer_id == MEMBER_LI and ticket.reporter_id == RES_ZHAO
    assert "上门理发" in ticket.text and "腿脚不便" in ticket.text
    await bot.say(MEMBER_LI, f"完成 {ticket.number} 已理好", MEMBERS)
    assert "验收通过" in texts(await bot.say(SECRETARY, f"/验收 {ticket.number} 通过", None))
    assert "+" in texts(await bot.say(MEMBER_LI, "我的积分", None)) or (await bot.ticket(ticket.number)).points_awarded

    await bot.say(SECRETARY, "/清单 服务 删除 1", None)
    assert "上门理发" not in texts(await bot.say(RES_ZHAO, "服务", EAST))
    assert keys(await bot.say(RES_ZHAO, "预约 1", EAST)) == ["list_not_found"]


async def test_resource_and_need_lists_and_bad_input(bot):
    await bot.say(SECRETARY, "/清单 资源 添加 会议室 社区二楼 工作日可用", None)
    await bot.say(SECRETARY, "/清单 资源 添加 面包车 @陈老师 周末", None)
    await bot.say(SECRETARY, "/清单 需求 添加 独居老人助餐", None)
    resources = texts(await bot.say(MEMBER_CHEN, "资源清单", MEMBERS))
    assert "1. 会议室 社区二楼 工作日可用" in resources and "2. 面包车（陈老师） 周末" in resources
    assert "1. 独居老人助餐" in texts(await bot.say(RES_ZHAO, "需求清单", EAST))
    for said, key in [("/清单", "err_usage"), ("/清单 服务 添加 理发", "list_service_needs_provider"),
                      ("/清单 服务 添加 理发 @赵某", "err_person_not_found"), ("/清单 需求 删除 x", "err_usage"),
                      ("/清单 需求 删除 9", "list_not_found"), ("/清单 车辆 添加 卡车", "err_usage")]:
        assert keys(await bot.say(SECRETARY, said, None)) == [key], said
    assert keys(await bot.say(RES_ZHAO, "/清单 需求 添加 修路", EAST)) == ["err_forbidden"]
    await bot.say(SECRETARY, "/清单 服务 添加 理发 @李师傅", None)
    assert keys(await bot.say(MEMBER_LI, "预约 1", MEMBERS)) == ["list_own_service"]
    assert keys(await bot.say(RES_ZHAO, "预约", EAST)) == ["err_usage"]


async def test_lists_stay_per_community(bot):
    await bot.say(SECRETARY, "/清单 服务 添加 理发 @李师傅", None)
    assert keys(await bot.say("sec-ma", "服务", None, name="马书记")) == ["list_empty"]  # 安平里's own list
    assert keys(await bot.say("res-qian", "预约 1", "room-anping", name="钱大爷")) == ["list_not_found"]


async def test_recurring_needs_are_collected_from_the_tickets(bot):
    """需求清单 "collected from tickets": a kind of problem that keeps coming back in one building."""
    assert keys(await bot.say(SECRETARY, "/清单 需求 汇总", None)) == ["list_needs_none"]
    for text in ("3号楼楼道灯坏了", "3号楼电梯按钮坏了", "3号楼单元门禁坏了", "5号楼门口垃圾没人清"):
        await bot.say(RES_ZHAO, text, EAST)
    collected = await bot.say(SECRETARY, "/清单 需求 汇总", None)
    assert keys(collected) == ["list_needs_collected"] and "新列入 1 项" in texts(collected), texts(collected)
    needs = texts(await bot.say(RES_ZHAO, "需求清单", EAST))
    assert "1. 3号楼 设施报修 近 90 天诉求 3 件" in needs and "5号楼" not in needs
    again = await bot.say(SECRETARY, "/清单 需求 汇总", None)  # refreshed, not listed twice
    assert "新列入 0 项" in texts(again)
    assert texts(await bot.say(RES_ZHAO, "需求清单", EAST)).count("3号楼") == 1
