"""Multi-community correctness (issue 13, item 7): a street with three communities (the demo's 幸福里
and 安平里, and 红梅里 added to 新华街道) and the demo's two work units. Ticket numbers, rankings,
shops and rules stay per community; a person holds roles in several places (陈老师 is a member of
幸福里 and 红梅里, the street officer acts in all three); the street's and district's figures count
every community once."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Ticket
from bot.db.models_streets import WorkUnit, WorkUnitLink
from bot.services import loader
from tests.harness import EAST, MEMBER_CHEN, RES_ZHAO, SECRETARY, keys, texts

OFFICER, AP_SEC, AP_ROOM, AP_RES, AP_MEMBER = "st-zhang", "sec-ma", "room-anping", "res-qian", "mem-zheng"
HM_SEC, HM_ROOM, HM_RES = "hm-sec", "room-hongmei", "hm-res"
HONGMEI = {"communities": [{
    "id": "hongmei", "name": "红梅里社区", "street": "xinhua",
    "grids": [{"name": "北苑", "level": "estate",
               "children": [{"name": "31号楼", "level": "building", "building_no": "31"}]}],
    "rooms": [{"id": HM_ROOM, "name": "红梅里北苑群", "kind": "grid", "grid": "北苑"}],
    "people": [{"id": HM_SEC, "name": "兰书记", "roles": ["secretary"]},
               {"id": HM_RES, "name": "林阿婆", "roles": ["resident"], "grid": "31号楼"},
               {"id": MEMBER_CHEN, "name": "陈老师", "roles": ["member"], "grid": "31号楼"}],
}]}


async def test_three_communities_of_one_street_stay_apart(bot):
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=HONGMEI)
        assert await session.scalar(select(func.count()).select_from(WorkUnit)) == 2
        assert await session.scalar(select(func.count()).select_from(WorkUnitLink)) >= 2
    # Ticket numbers: each community counts from 1.
    assert "#1" in texts(await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了", EAST))
    assert "#2" in texts(await bot.say(RES_ZHAO, "3号楼门口垃圾没人清", EAST))
    assert "#1" in texts(await bot.say(AP_RES, "22号楼门口的路灯坏了", AP_ROOM, name="钱大爷"))
    assert "#1" in texts(await bot.say(HM_RES, "31号楼电梯坏了", HM_ROOM, name="林阿婆"))
    async with bot.runtime.db.sessions() as session:
        numbers = sorted((await session.execute(select(Ticket.community_id, Ticket.number))).all())
    assert numbers == [("anping", 1), ("hongmei", 1), ("xingfuli", 1), ("xingfuli", 2)]

    # A person in two places: 陈老师 takes 红梅里's #1 there, and 幸福里's #1 here.
    assert keys(await bot.say(MEMBER_CHEN, "接单 1", HM_ROOM))[0] == "ticket_claimed_ok"
    assert keys(await bot.say(MEMBER_CHEN, "接单 1", EAST))[0] == "ticket_claimed_ok"
    async with bot.runtime.db.sessions() as session:
        claimed = dict((await session.execute(select(Ticket.community_id, Ticket.claimer_id)
                                              .where(Ticket.number == 1))).all())
    assert claimed == {"xingfuli": MEMBER_CHEN, "hongmei": MEMBER_CHEN, "anping": None}

    # Rankings: a community's board ranks its own people (by points earned anywhere: 积分互认).
    assert "+5" in texts(await bot.say(HM_SEC, "/加分 @陈老师 5 帮忙", None, name="兰书记"))
    assert "+2" in texts(await bot.say(SECRETARY, "/加分 @李师傅 2 帮忙", None))
    assert "+4" in texts(await bot.say(AP_SEC, "/加分 @郑师傅 4 帮忙", None, name="马书记"))
    here = texts(await bot.say(RES_ZHAO, "积分榜", EAST))
    there = texts(await bot.say(HM_RES, "积分榜", HM_ROOM, name="林阿婆"))
    assert "李师傅 2 分" in here and "陈老师 5 分" in here and "郑师傅" not in here
    assert "陈老师 5 分" in there and "李师傅" not in there and "郑师傅" not in there

    # Shops: 幸福里's goods are not on sale in 红梅里.
    assert "上架" in texts(await bot.say(SECRETARY, "/商品 上架 洗衣液 5 20", None))
    assert "洗衣液" in texts(await bot.say(RES_ZHAO, "积分超市", EAST))
    assert "洗衣液" not in texts(await bot.say(HM_RES, "积分超市", HM_ROOM, name="林阿婆"))

    # Rules: 幸福里 changing 志愿劳动 leaves 红梅里's rule as it was.
    before = texts(await bot.say(HM_RES, "积分规则", HM_ROOM, name="林阿婆"))
    assert keys(await bot.say(SECRETARY, "/积分规则 设置 志愿劳动 9", None)) == ["rules_set_ok"]
    assert texts(await bot.say(HM_RES, "积分规则", HM_ROOM, name="林阿婆")) == before
    assert "志愿劳动：2 分" in before and "志愿劳动：9 分" in texts(await bot.say(RES_ZHAO, "积分规则", EAST))

    # The street officer acts in all three; each secretary only in theirs.
    for room in (EAST, AP_ROOM, HM_ROOM):
        assert keys(await bot.say(OFFICER, "/督办 1", room, name="张主任"))[0] == "dept_nothing_to_supervise"
    assert keys(await bot.say(HM_SEC, "/派单 1 @郑师傅", None, name="兰书记"))[0] == "err_person_not_found"
    assert keys(await bot.say(AP_SEC, "/派单 1 @郑师傅", None, name="马书记"))[0] == "ticket_assigned_ok"
    street = texts(await bot.say(OFFICER, "/统计 本月 街道", EAST, name="张主任"))
    assert "诉求 4 件" in street and "红梅里社区：诉求 1 件" in street and "幸福里社区：诉求 2 件" in street
    district = texts(await bot.say("qu-li", "/统计 本月 区", None, name="区网格中心李科长"))
    assert "新华街道（3 个社区）：诉求 4 件" in district
